package io.gatehouse.ratelimit;

import io.gatehouse.core.DomainException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The shared limiter, with SPEC §6's answer to Redis being unreachable
 * ({@code GATEHOUSE_RATE_LIMIT_ON_REDIS_FAILURE}): {@code local} keeps limiting in-process on each node
 * (the cluster may admit up to nodes × limit until Redis is back), {@code deny} refuses with 503, and
 * {@code allow} admits without counting. It logs once when Redis goes and once when it comes back, and
 * tries Redis again at most once a second, so it returns by itself; a try first asks Redis itself (a peek),
 * since a request may be admitted from spare requests this node leased earlier without reaching Redis.
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
    public Decision consume(List<Bucket> buckets, long now) {
        return decide(buckets, now, true);
    }

    @Override
    public Decision peek(List<Bucket> buckets, long now) {
        return decide(buckets, now, false);
    }

    private Decision decide(List<Bucket> buckets, long now, boolean consume) {
        long down = downSince;
        if (down == 0 || clock.getAsLong() - down >= RETRY_MILLIS) {
            try {
                if (down != 0 && consume) {
                    // Redis must answer before it is called back: a consume may be served from this node's
                    // leased spare requests (RedisRateLimiter) without reaching Redis at all. A peek always asks it.
                    shared.peek(buckets, now);
                }
                Decision d = consume ? shared.consume(buckets, now) : shared.peek(buckets, now);
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
        return switch (mode) {
            case LOCAL -> consume ? local.consume(buckets, now) : local.peek(buckets, now);
            case DENY -> throw DomainException.unavailable("Rate limiting is unavailable; try again shortly.", 1);
            case ALLOW -> {
                List<Decision.BucketState> states = new ArrayList<>(buckets.size());
                for (Bucket b : buckets) {
                    states.add(FixedWindow.state(b.policy(), b.limit(), 0, 0, now));
                }
                yield FixedWindow.decide(true, states);
            }
        };
    }
}
