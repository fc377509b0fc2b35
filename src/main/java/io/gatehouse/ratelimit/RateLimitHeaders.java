package io.gatehouse.ratelimit;

import io.gatehouse.http.Exchange;

/**
 * SPEC §6 headers: {@code X-RateLimit-Limit/Remaining/Reset} for the bucket with the fewest requests
 * left, and the same facts as IETF structured fields (draft-ietf-httpapi-ratelimit-headers), one named
 * policy per bucket: {@code RateLimit-Policy: "app";q=100;w=60} and {@code RateLimit: "app";r=57;t=43}.
 */
public final class RateLimitHeaders {
    private RateLimitHeaders() {
    }

    public static void write(Exchange ex, Decision d, long nowMillis) {
        Decision.BucketState b = d.binding();
        ex.header("X-RateLimit-Limit", Integer.toString(b.limit()));
        ex.header("X-RateLimit-Remaining", Integer.toString(b.remaining()));
        ex.header("X-RateLimit-Reset", Long.toString(b.resetEpochSeconds()));
        StringBuilder policy = new StringBuilder(64);
        StringBuilder state = new StringBuilder(64);
        item(policy, state, d.first(), nowMillis);
        if (d.second() != null) {
            policy.append(", ");
            state.append(", ");
            item(policy, state, d.second(), nowMillis);
        }
        ex.header("RateLimit-Policy", policy.toString());
        ex.header("RateLimit", state.toString());
    }

    private static void item(StringBuilder policy, StringBuilder state, Decision.BucketState s, long now) {
        long window = RateLimiter.WINDOW_MILLIS / 1000;
        long left = Math.max(0, (s.resetMillis() - now + 999) / 1000);
        policy.append('"').append(s.policy()).append("\";q=").append(s.limit()).append(";w=").append(window);
        state.append('"').append(s.policy()).append("\";r=").append(s.remaining()).append(";t=").append(left);
    }
}
