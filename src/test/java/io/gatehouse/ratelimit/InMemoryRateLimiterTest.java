package io.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** SPEC §6 window semantics, with time passed in. */
class InMemoryRateLimiterTest {
    private final InMemoryRateLimiter limiter = new InMemoryRateLimiter();

    private Decision one(String key, int limit, long now) {
        return limiter.consume(key, "app", limit, null, null, 0, now);
    }

    @Test
    void a_window_starts_with_the_first_request_and_lasts_sixty_seconds() {
        long t0 = 1_000_000;
        Decision first = one("a", 3, t0);
        assertThat(first.admitted()).isTrue();
        assertThat(first.binding().remaining()).isEqualTo(2);
        assertThat(first.binding().resetMillis()).isEqualTo(t0 + 60_000);
        assertThat(one("a", 3, t0 + 10_000).binding().remaining()).isEqualTo(1);
        assertThat(one("a", 3, t0 + 59_000).binding().remaining()).isZero();
        Decision refused = one("a", 3, t0 + 59_999);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfterSeconds(t0 + 59_999)).isEqualTo(1);
        // The window ended at t0+60s; the next one starts with the next request, not on a calendar boundary.
        Decision next = one("a", 3, t0 + 75_000);
        assertThat(next.admitted()).isTrue();
        assertThat(next.binding().remaining()).isEqualTo(2);
        assertThat(next.binding().resetMillis()).isEqualTo(t0 + 135_000);
    }

    @Test
    void a_request_is_admitted_only_if_every_bucket_has_room_and_a_refused_one_consumes_nothing() {
        long t = 5_000_000;
        for (int i = 0; i < 2; i++) {
            assertThat(limiter.consume("app:x", "app", 10, "route:ai:app:x", "route", 2, t).admitted()).isTrue();
        }
        Decision refused = limiter.consume("app:x", "app", 10, "route:ai:app:x", "route", 2, t);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.binding().policy()).isEqualTo("route");
        assertThat(refused.binding().limit()).isEqualTo(2);
        // The app bucket was not charged for the refusal: 2 used, 8 left.
        Decision app = one("app:x", 10, t);
        assertThat(app.binding().remaining()).isEqualTo(7);
    }

    @Test
    void the_headers_follow_the_bucket_with_the_fewest_requests_left() {
        long t = 9_000_000;
        Decision d = limiter.consume("app:y", "app", 100, "route:r:app:y", "route", 20, t);
        assertThat(d.binding().policy()).isEqualTo("route");
        assertThat(d.binding().remaining()).isEqualTo(19);
        assertThat(d.first().remaining()).isEqualTo(99);
        assertThat(d.second().remaining()).isEqualTo(19);
    }

    @Test
    void a_lowered_limit_applies_at_once_within_the_window() {
        long t = 2_000_000;
        for (int i = 0; i < 10; i++) {
            one("z", 100, t);
        }
        Decision d = one("z", 7, t + 1);
        assertThat(d.admitted()).isFalse();
        assertThat(d.binding().remaining()).isZero();
        assertThat(d.binding().limit()).isEqualTo(7);
    }

    @Test
    void under_any_concurrency_a_window_admits_exactly_its_limit() throws Exception {
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        long t = 3_000_000;
        for (int i = 0; i < 2000; i++) {
            int n = i;
            pool.submit(() -> {
                go.await();
                Decision d = n % 2 == 0 ? one("hot", 100, t)
                        : limiter.consume("hot", "app", 100, "route:x:hot", "route", 500, t);
                if (d.admitted()) {
                    admitted.incrementAndGet();
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(admitted.get()).isEqualTo(100);
    }

    @Test
    void sweeping_drops_ended_windows_without_losing_live_counts() {
        one("old", 5, 1_000);
        one("live", 5, 100_000);
        one("live", 5, 100_001);
        limiter.sweep(100_002);
        assertThat(limiter.size()).isEqualTo(1);
        assertThat(one("live", 5, 100_003).binding().remaining()).isEqualTo(2);
    }
}
