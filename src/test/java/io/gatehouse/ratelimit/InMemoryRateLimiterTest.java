package io.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract on the in-process limiter, and its window semantics with time passed in. */
class InMemoryRateLimiterTest extends RateLimiterContract {
    private final InMemoryRateLimiter limiter = new InMemoryRateLimiter();

    @Override
    protected RateLimiter limiter() {
        return limiter;
    }

    private Decision one(String key, int limit, long now) {
        return limiter.consume(List.of(new Bucket(key, "app", limit)), now);
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
    void sweeping_drops_ended_windows_without_losing_live_counts() {
        one("old", 5, 1_000);
        one("live", 5, 100_000);
        one("live", 5, 100_001);
        limiter.sweep(100_002);
        assertThat(limiter.size()).isEqualTo(1);
        assertThat(one("live", 5, 100_003).binding().remaining()).isEqualTo(2);
    }
}
