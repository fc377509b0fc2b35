package io.gatehouse.server;

import io.gatehouse.http.ClientDeadlines;
import io.gatehouse.redis.Redis;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What a node fixes in code rather than in settings, and tests change: SPEC §11's slow-client limits, the
 * monotonic nanoseconds they are measured on, and how long a Redis command may take before the node treats
 * Redis as down and falls back (short in production; a loaded test machine is not a Redis outage).
 */
public record Tuning(ClientDeadlines.Limits clientLimits, LongSupplier nanoTime, Duration redisTimeout) {
    public static final Tuning DEFAULT = new Tuning(ClientDeadlines.Limits.DEFAULT, System::nanoTime, Redis.COMMAND_TIMEOUT);

    public Tuning withClientLimits(ClientDeadlines.Limits limits) {
        return new Tuning(limits, nanoTime, redisTimeout);
    }

    public Tuning withNanoTime(LongSupplier source) {
        return new Tuning(clientLimits, source, redisTimeout);
    }

    public Tuning withRedisTimeout(Duration timeout) {
        return new Tuning(clientLimits, nanoTime, timeout);
    }
}
