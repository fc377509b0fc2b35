package io.gatehouse.pipeline;

import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.RateLimiter;

import io.gatehouse.http.Exchange;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;

/**
 * SPEC §6 headers: {@code X-RateLimit-Limit/Remaining/Reset} for the bucket with the fewest requests
 * left, and the same facts as IETF structured fields (draft-ietf-httpapi-ratelimit-headers), one named
 * policy per bucket: {@code RateLimit-Policy: "app";q=100;w=60} and {@code RateLimit: "app";r=57;t=43}.
 */
public final class RateLimitHeaders {
    private static final HeaderName LIMIT = HeaderNames.create("X-RateLimit-Limit");
    private static final HeaderName REMAINING = HeaderNames.create("X-RateLimit-Remaining");
    private static final HeaderName RESET = HeaderNames.create("X-RateLimit-Reset");
    private static final HeaderName POLICY = HeaderNames.create("RateLimit-Policy");
    private static final HeaderName STATE = HeaderNames.create("RateLimit");

    private RateLimitHeaders() {
    }

    public static void write(Exchange ex, Decision d, long nowMillis) {
        Decision.BucketState b = d.binding();
        ex.header(LIMIT, Integer.toString(b.limit()));
        ex.header(REMAINING, Integer.toString(b.remaining()));
        ex.header(RESET, Long.toString(b.resetEpochSeconds()));
        StringBuilder policy = new StringBuilder(64);
        StringBuilder state = new StringBuilder(64);
        for (Decision.BucketState s : d.states()) {
            if (!policy.isEmpty()) {
                policy.append(", ");
                state.append(", ");
            }
            item(policy, state, s, nowMillis);
        }
        ex.header(POLICY, policy.toString());
        ex.header(STATE, state.toString());
    }

    private static void item(StringBuilder policy, StringBuilder state, Decision.BucketState s, long now) {
        long window = RateLimiter.WINDOW_MILLIS / 1000;
        long left = Math.max(0, (s.resetMillis() - now + 999) / 1000);
        policy.append('"').append(s.policy()).append("\";q=").append(s.limit()).append(";w=").append(window);
        state.append('"').append(s.policy()).append("\";r=").append(s.remaining()).append(";t=").append(left);
    }
}
