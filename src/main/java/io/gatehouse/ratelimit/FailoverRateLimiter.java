package io.gatehouse.ratelimit;

import io.gatehouse.core.DomainException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The shared limiter, with SPEC §6's answer to Redis being unreachable
 * ({@code GATEHOUSE_RATE_LIMIT_ON_REDIS_FAILURE}): {@code local} keeps limiting in-process on each node
 * (the cluster may admit up to nodes × limit until Redis is back), {@code deny} refuses with 503, and
 * {@code allow} admits without counting. It logs once when Redis goes and once when it comes back, and
 * tries Redis again at most once a second, so it returns by itself.
 */
public final class FailoverRateLimiter implements RateLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverRateLimiter.class);
    private static final long RETRY_MILLIS = 1_000;

    public enum Mode { LOCAL, DENY, ALLOW }

    private final RateLimiter shared;
    private final InMemoryRateLimiter local;
    private final Mode mode;
    private final LongSupplier clock;
    private volatile long downSince;

    public FailoverRateLimiter(RateLimiter shared, InMemoryRateLimiter local, Mode mode, LongSupplier clock) {
        this.shared = shared;
        this.local = local;
        this.mode = mode;
        this.clock = clock;
    }

    @Override
    public Decision consume(String key1, String policy1, int limit1, String key2, String policy2, int limit2, long now) {
        long down = downSince;
        if (down == 0 || clock.getAsLong() - down >= RETRY_MILLIS) {
            try {
                Decision d = shared.consume(key1, policy1, limit1, key2, policy2, limit2, now);
                if (down != 0) {
                    downSince = 0;
                    LOG.info("Redis is reachable again: rate limits are shared across nodes once more");
                }
                return d;
            } catch (JedisException | ClassCastException e) {
                if (down == 0) {
                    LOG.warn("Redis is unreachable ({}); rate limiting falls back to '{}'", e.toString(),
                            mode.name().toLowerCase(java.util.Locale.ROOT));
                }
                downSince = clock.getAsLong();
            }
        }
        return fallback(key1, policy1, limit1, key2, policy2, limit2, now);
    }


    private Decision fallback(String key1, String policy1, int limit1, String key2, String policy2, int limit2, long now) {
        return switch (mode) {
            case LOCAL -> local.consume(key1, policy1, limit1, key2, policy2, limit2, now);
            case DENY -> throw DomainException.unavailable("Rate limiting is unavailable; try again shortly.", 1);
            case ALLOW -> FixedWindow.decide(true, FixedWindow.state(policy1, limit1, 0, 0, now),
                    key2 == null ? null : FixedWindow.state(policy2, limit2, 0, 0, now));
        };
    }
}
