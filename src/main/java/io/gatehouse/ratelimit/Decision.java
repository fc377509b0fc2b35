package io.gatehouse.ratelimit;

import java.util.List;

/**
 * The outcome of counting one request against its buckets (the app's or the account's, and the
 * route's when it has one). {@code binding} is the bucket with the fewest requests left, whose numbers
 * go in the X-RateLimit-* headers; when refused, it is a bucket that had no room. {@code states} are
 * in the order the buckets were given.
 */
public record Decision(boolean admitted, BucketState binding, List<BucketState> states) {

    /** One bucket after the decision: its policy name, limit, requests left and window end (epoch ms). */
    public record BucketState(String policy, int limit, int remaining, long resetMillis) {
        public long resetEpochSeconds() {
            return (resetMillis + 999) / 1000;
        }
    }

    /** Whole seconds until the binding window ends, at least 1 (for Retry-After). */
    public long retryAfterSeconds(long nowMillis) {
        return Math.max(1, (binding.resetMillis() - nowMillis + 999) / 1000);
    }
}
