package io.gatehouse.pipeline;

import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.RateLimiter;

import io.gatehouse.http.Exchange;
import io.gatehouse.http.OwnHeader;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import java.util.List;

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

    /** The constant headers of the last single-bucket policy written (its limit and window). */
    private record Policy(String policy, int limit, OwnHeader limitHeader, OwnHeader policyHeader) {
    }

    /** The reset header of the last window end written (it changes once a second at most). */
    private record Reset(long epochSeconds, OwnHeader header) {
    }

    // One slot each: a node's traffic is mostly one app at a time, and a miss only builds what it always did.
    private static volatile Policy lastPolicy;
    private static volatile Reset lastReset;

    /**
     * Writes the five headers. Every value is made of policy names (ours: {@code app}, {@code key},
     * {@code route}) and numbers, so each is an {@link OwnHeader}; the limit and policy of one bucket, and
     * the reset second, are reused while they stay the same.
     */
    public static void write(Exchange ex, Decision d, long nowMillis) {
        Decision.BucketState b = d.binding();
        List<Decision.BucketState> states = d.states();
        if (states.size() == 1) {
            Policy p = lastPolicy;
            if (p == null || p.limit != b.limit() || !p.policy.equals(b.policy())) {
                p = new Policy(b.policy(), b.limit(), OwnHeader.number(LIMIT, b.limit()),
                        OwnHeader.safe(POLICY, policy(new StringBuilder(32), b).toString()));
                lastPolicy = p;
            }
            ex.header(p.limitHeader);
            ex.header(OwnHeader.number(REMAINING, b.remaining()));
            ex.header(reset(b.resetEpochSeconds()));
            ex.header(p.policyHeader);
            ex.header(OwnHeader.safe(STATE, state(new StringBuilder(32), b, nowMillis).toString()));
            return;
        }
        ex.header(OwnHeader.number(LIMIT, b.limit()));
        ex.header(OwnHeader.number(REMAINING, b.remaining()));
        ex.header(reset(b.resetEpochSeconds()));
        StringBuilder policy = new StringBuilder(64);
        StringBuilder state = new StringBuilder(64);
        for (Decision.BucketState s : states) {
            if (!policy.isEmpty()) {
                policy.append(", ");
                state.append(", ");
            }
            policy(policy, s);
            state(state, s, nowMillis);
        }
        ex.header(OwnHeader.safe(POLICY, policy.toString()));
        ex.header(OwnHeader.safe(STATE, state.toString()));
    }

    private static OwnHeader reset(long epochSeconds) {
        Reset r = lastReset;
        if (r == null || r.epochSeconds != epochSeconds) {
            r = new Reset(epochSeconds, OwnHeader.number(RESET, epochSeconds));
            lastReset = r;
        }
        return r.header;
    }

    private static StringBuilder policy(StringBuilder out, Decision.BucketState s) {
        long window = RateLimiter.WINDOW_MILLIS / 1000;
        return out.append('"').append(s.policy()).append("\";q=").append(s.limit()).append(";w=").append(window);
    }

    private static StringBuilder state(StringBuilder out, Decision.BucketState s, long now) {
        long left = Math.max(0, (s.resetMillis() - now + 999) / 1000);
        return out.append('"').append(s.policy()).append("\";r=").append(s.remaining()).append(";t=").append(left);
    }
}
