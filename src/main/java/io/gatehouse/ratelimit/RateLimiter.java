package io.gatehouse.ratelimit;

/**
 * SPEC §6: fixed 60-second windows, each starting with the first request after the previous one
 * ended. A request is admitted only if every bucket it counts against has room, and then counts
 * against all of them; a refused request consumes nothing. One call is one decision, so a shared
 * implementation can make it in one round trip.
 */
public interface RateLimiter {
    long WINDOW_MILLIS = 60_000;

    /**
     * Counts one request against bucket 1 and, when {@code key2} is not null, bucket 2 — both or neither.
     *
     * @param policy1 the policy name for the RateLimit headers (e.g. "app", "key", "route")
     */
    Decision consume(String key1, String policy1, int limit1, String key2, String policy2, int limit2, long nowMillis);
}
