package io.gatehouse.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every {@link Throttle} does (SPEC §11), run against each implementation. */
abstract class ThrottleContractTest {
    static final Throttle.Policy POLICY = new Throttle.Policy("test", 3, 5, Duration.ofSeconds(60));

    final MutableClock clock = MutableClock.startingNow();

    /** A fresh, empty throttle with {@link #POLICY} and {@link #clock}. */
    abstract Throttle throttle();

    /** Every key the throttle stores now. */
    abstract List<String> storedKeys();

    @Test
    void failures_of_one_subject_from_one_address_are_counted_up_to_the_limit_then_refused_until_the_window_ends() {
        Throttle t = throttle();
        for (int i = 0; i < 3; i++) {
            assertThat(t.fail("client-a", "10.0.0.1")).isZero();
        }
        assertThat(t.fail("client-a", "10.0.0.1")).isBetween(59L, 60L);
        assertThat(t.retryAfter("client-a", "10.0.0.1")).isBetween(59L, 60L);
        clock.advance(Duration.ofSeconds(45));
        assertThat(t.fail("client-a", "10.0.0.1")).isBetween(14L, 15L);
        clock.advance(Duration.ofSeconds(15));
        assertThat(t.retryAfter("client-a", "10.0.0.1")).isZero();
        assertThat(t.fail("client-a", "10.0.0.1")).isZero();
    }

    @Test
    void another_address_is_not_refused_for_the_failures_of_the_first() {
        Throttle t = throttle();
        for (int i = 0; i < 5; i++) {
            t.fail("client-a", "10.0.0.1");
        }
        assertThat(t.fail("client-a", "10.0.0.2")).isZero();
        assertThat(t.fail(null, "10.0.0.2")).isZero();
    }

    @Test
    void an_address_is_refused_after_its_own_limit_whatever_the_subjects() {
        Throttle t = throttle();
        for (int i = 0; i < 5; i++) {
            assertThat(t.fail("client-" + i, "10.0.0.1")).isZero();
        }
        assertThat(t.fail("client-new", "10.0.0.1")).isPositive();
        assertThat(t.fail(null, "10.0.0.1")).isPositive();
    }

    @Test
    void a_refused_failure_is_not_counted_and_asking_counts_nothing() {
        Throttle t = throttle();
        for (int i = 0; i < 3; i++) {
            t.fail("client-a", "10.0.0.1");
            assertThat(t.retryAfter("client-a", "10.0.0.1")).isEqualTo(i < 2 ? 0 : 60);
        }
        for (int i = 0; i < 10; i++) {
            assertThat(t.fail("client-a", "10.0.0.1")).isPositive();
        }
        // The address holds 3 failures, not 13: two more subjects may fail from it.
        assertThat(t.fail("client-b", "10.0.0.1")).isZero();
        assertThat(t.fail("client-c", "10.0.0.1")).isZero();
        assertThat(t.fail("client-d", "10.0.0.1")).isPositive();
    }

    @Test
    void concurrent_failures_are_checked_and_counted_atomically() throws Exception {
        Throttle t = throttle();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Long>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return t.fail("client-a", "10.0.0.9");
                }));
            }
            go.countDown();
            int counted = 0;
            for (Future<Long> f : answers) {
                if (f.get(30, TimeUnit.SECONDS) == 0) {
                    counted++;
                }
            }
            assertThat(counted).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_huge_subject_or_address_is_stored_under_a_short_key() {
        Throttle t = throttle();
        String huge = "c".repeat(256 * 1024);
        assertThat(t.fail(huge, "10.0.0.1")).isZero();
        assertThat(t.fail("client-a", huge)).isZero();
        assertThat(storedKeys()).hasSize(4).allSatisfy(k -> assertThat(k.length()).isLessThan(200));
        // Still one count per value: the same huge subject is counted again, a different one apart.
        assertThat(t.fail(huge, "10.0.0.1")).isZero();
        assertThat(t.fail(huge, "10.0.0.1")).isZero();
        assertThat(t.fail(huge, "10.0.0.1")).isPositive();
        assertThat(t.fail(huge + "x", "10.0.0.2")).isZero();
    }
}
