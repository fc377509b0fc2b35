package io.gatehouse.ratelimit;

import java.util.List;

/**
 * SPEC §6: fixed 60-second windows, each starting with the first request after the previous one
 * ended. A request is admitted only if every bucket it counts against has room, and then counts
 * against all of them; a refused request consumes nothing. One call is one decision, so a shared
 * implementation can make it in one round trip.
 */
public interface RateLimiter {
    long WINDOW_MILLIS = 60_000;

    /** Counts one request against every bucket (one or more), all or none. */
    Decision consume(List<Bucket> buckets, long nowMillis);

    /**
     * The buckets' state without counting anything: for the headers of a request that is refused
     * before metering (a 403 carries them too, SPEC §6). {@code admitted} says whether a request would fit.
     */
    Decision peek(List<Bucket> buckets, long nowMillis);
}
