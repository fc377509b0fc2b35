package io.gatehouse.ratelimit;

import io.gatehouse.config.Settings;
import io.gatehouse.core.Jobs;
import io.gatehouse.redis.Redis;
import io.gatehouse.store.Jdbc;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/** Rate limits (SPEC §6): in-process on one node, one Redis script for many, with failover; usage per minute. */
public final class RateLimitModule {
    public final RateLimiter limiter;
    public final UsageRecorder usage;
    private final InMemoryRateLimiter local = new InMemoryRateLimiter();
    private final RedisRateLimiter shared;
    private final Clock clock;

    public RateLimitModule(Settings settings, Jdbc jdbc, Clock clock, Redis redis) {
        this.clock = clock;
        this.shared = redis == null ? null : new RedisRateLimiter(redis);
        this.limiter = redis == null ? local : new FailoverRateLimiter(shared, local,
                FailoverRateLimiter.Mode.valueOf(settings.rateLimitOnRedisFailure().toUpperCase(Locale.ROOT)), clock::millis);
        this.usage = new UsageRecorder(new JdbcUsageStore(jdbc), clock);
    }

    public void schedule(Jobs jobs) {
        jobs.every(Duration.ofSeconds(60), "sweep rate-limit windows", () -> {
            local.sweep(clock.millis());
            if (shared != null) {
                shared.sweep(clock.millis());
            }
        });
        jobs.every(Duration.ofSeconds(5), "flush app usage", usage::flush);
        jobs.atStop(usage::flush);
    }
}
