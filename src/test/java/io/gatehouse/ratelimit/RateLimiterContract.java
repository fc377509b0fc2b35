package io.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * SPEC §6, one contract for every {@link RateLimiter}: run against the in-process and the Redis
 * limiter. Each test uses keys of its own, so the suite can share one Redis.
 */
abstract class RateLimiterContract {
    /** A fresh key per call site, so tests never see each other's windows. */
    protected final String run = UUID.randomUUID().toString().substring(0, 8);

    protected abstract RateLimiter limiter();

    /** The time passed in; the Redis limiter keeps its own clock and ignores it. */
    protected long now() {
        return 1_000_000;
    }

    private Bucket app(String name, int limit) {
        return new Bucket("app:" + run + name, "app", limit);
    }

    private Bucket route(String name, int limit) {
        return new Bucket("route:" + run + name, "route", limit);
    }

    @Test
    void a_bucket_admits_exactly_its_limit_then_refuses() {
        List<Bucket> b = List.of(app("a", 3));
        for (int left = 2; left >= 0; left--) {
            Decision d = limiter().consume(b, now());
            assertThat(d.admitted()).isTrue();
            assertThat(d.binding().remaining()).isEqualTo(left);
            assertThat(d.binding().limit()).isEqualTo(3);
        }
        Decision refused = limiter().consume(b, now());
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.binding().remaining()).isZero();
        assertThat(refused.retryAfterSeconds(refused.binding().resetMillis() - 60_000)).isBetween(1L, 60L);
    }

    @Test
    void a_request_is_admitted_only_if_every_bucket_has_room_and_a_refused_one_consumes_nothing() {
        Bucket app = app("x", 10);
        Bucket route = route("x", 2);
        for (int i = 0; i < 2; i++) {
            assertThat(limiter().consume(List.of(app, route), now()).admitted()).isTrue();
        }
        Decision refused = limiter().consume(List.of(app, route), now());
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.binding().policy()).isEqualTo("route");
        assertThat(refused.binding().limit()).isEqualTo(2);
        // The app bucket was not charged for the refusal: 2 used, and this request makes 3.
        assertThat(limiter().consume(List.of(app), now()).binding().remaining()).isEqualTo(7);
    }

    @Test
    void three_buckets_are_decided_together() {
        Bucket a = app("three", 5);
        Bucket b = route("three-b", 1);
        Bucket c = route("three-c", 4);
        Decision first = limiter().consume(List.of(a, b, c), now());
        assertThat(first.admitted()).isTrue();
        assertThat(first.states()).extracting(Decision.BucketState::remaining).containsExactly(4, 0, 3);
        assertThat(first.binding().remaining()).isZero();
        assertThat(limiter().consume(List.of(a, b, c), now()).admitted()).isFalse();
        assertThat(limiter().consume(List.of(a, c), now()).states()).extracting(Decision.BucketState::remaining)
                .containsExactly(3, 2);
    }

    @Test
    void a_bucket_named_twice_in_one_request_counts_twice_and_never_past_its_limit() {
        Bucket twice = app("twice", 3);
        Decision first = limiter().consume(List.of(twice, twice), now());
        assertThat(first.admitted()).isTrue();
        assertThat(first.binding().remaining()).isEqualTo(1);
        // One left: a request needing two is refused, and consumes nothing.
        assertThat(limiter().consume(List.of(twice, twice), now()).admitted()).isFalse();
        Decision last = limiter().consume(List.of(twice), now());
        assertThat(last.admitted()).isTrue();
        assertThat(last.binding().remaining()).isZero();
    }

    @Test
    void the_headers_follow_the_bucket_with_the_fewest_requests_left() {
        Decision d = limiter().consume(List.of(app("y", 100), route("y", 20)), now());
        assertThat(d.binding().policy()).isEqualTo("route");
        assertThat(d.binding().remaining()).isEqualTo(19);
        assertThat(d.states()).extracting(Decision.BucketState::remaining).containsExactly(99, 19);
    }

    @Test
    void peeking_shows_the_state_and_counts_nothing() {
        List<Bucket> b = List.of(app("peek", 2));
        Decision untouched = limiter().peek(b, now());
        assertThat(untouched.admitted()).isTrue();
        assertThat(untouched.binding().remaining()).isEqualTo(2);
        limiter().consume(b, now());
        limiter().consume(b, now());
        for (int i = 0; i < 5; i++) {
            Decision full = limiter().peek(b, now());
            assertThat(full.admitted()).isFalse();
            assertThat(full.binding().remaining()).isZero();
        }
        assertThat(limiter().consume(b, now()).admitted()).isFalse();
    }

    @Test
    void a_lowered_limit_applies_at_once_within_the_window() {
        for (int i = 0; i < 10; i++) {
            limiter().consume(List.of(app("z", 100)), now());
        }
        Decision d = limiter().consume(List.of(app("z", 7)), now());
        assertThat(d.admitted()).isFalse();
        assertThat(d.binding().remaining()).isZero();
        assertThat(d.binding().limit()).isEqualTo(7);
    }

    @Test
    void a_large_bucket_counts_every_request_one_by_one() {
        List<Bucket> b = List.of(app("large", 1_000_000));
        for (int i = 1; i <= 200; i++) {
            Decision d = limiter().consume(b, now());
            assertThat(d.admitted()).isTrue();
            assertThat(d.binding().remaining()).isEqualTo(1_000_000 - i);
        }
        assertThat(limiter().peek(b, now()).binding().remaining()).isEqualTo(1_000_000 - 200);
    }

    @Test
    void a_refusal_by_a_small_bucket_costs_a_large_one_nothing() {
        Bucket app = app("large-x", 100_000);
        Bucket route = route("large-x", 2);
        for (int i = 0; i < 2; i++) {
            assertThat(limiter().consume(List.of(app, route), now()).admitted()).isTrue();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(limiter().consume(List.of(app, route), now()).admitted()).isFalse();
        }
        assertThat(limiter().consume(List.of(app), now()).binding().remaining()).isEqualTo(100_000 - 3);
    }

    @Test
    void under_any_concurrency_a_large_window_admits_exactly_its_limit() throws Exception {
        Bucket large = app("large-hot", 2_048);
        assertThat(admittedAtOnce(3_000, i -> limiter().consume(List.of(large), now()))).isEqualTo(2_048);
    }

    @Test
    void under_any_concurrency_a_window_admits_exactly_its_limit() throws Exception {
        Bucket hot = app("hot", 100);
        Bucket wide = route("hot", 500);
        assertThat(admittedAtOnce(600, i -> limiter().consume(i % 2 == 0 ? List.of(hot) : List.of(hot, wide), now())))
                .isEqualTo(100);
    }

    /**
     * Makes {@code calls} decisions on 16 threads released at once ({@code call} gets the call's index) and
     * returns how many were admitted; a call that failed fails the test with its own cause.
     */
    static int admittedAtOnce(int calls, IntFunction<Decision> call) throws Exception {
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Object>> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            int n = i;
            futures.add(pool.submit(() -> {
                go.await();
                if (call.apply(n).admitted()) {
                    admitted.incrementAndGet();
                }
                return null;
            }));
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        for (Future<Object> f : futures) {
            f.get();
        }
        return admitted.get();
    }
}
