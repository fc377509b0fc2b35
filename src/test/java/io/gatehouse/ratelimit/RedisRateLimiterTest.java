package io.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.DomainException;
import io.gatehouse.redis.Redis;
import io.gatehouse.testing.FaultProxy;
import io.gatehouse.testing.TestRedis;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract on the Redis limiter (one Lua round trip), and SPEC §6's answer to Redis going away
 * ({@code GATEHOUSE_RATE_LIMIT_ON_REDIS_FAILURE}): Redis is reached through a proxy the test cuts.
 */
class RedisRateLimiterTest extends RateLimiterContract {
    private final String prefix = TestRedis.newPrefix();
    private final FaultProxy proxy = new FaultProxy("127.0.0.1", URI.create(TestRedis.url()).getPort());
    /** Redis as it is, for the contract. */
    private final Redis direct = new Redis(TestRedis.url(), prefix, TestRedis.COMMAND_TIMEOUT);
    /** Redis behind the proxy the failover tests cut (a cut fails at once, whatever the timeout). */
    private final Redis redis = new Redis("redis://127.0.0.1:" + proxy.port(), prefix, TestRedis.COMMAND_TIMEOUT);
    private final RedisRateLimiter limiter = new RedisRateLimiter(redis);
    private final AtomicLong clock = new AtomicLong(1_000_000);

    @AfterEach
    void clean() {
        direct.close();
        redis.close();
        proxy.close();
        TestRedis.clean(prefix);
    }

    @Override
    protected RateLimiter limiter() {
        return new RedisRateLimiter(direct);
    }

    private FailoverRateLimiter failover(FailoverRateLimiter.Mode mode) {
        return new FailoverRateLimiter(limiter, new InMemoryRateLimiter(), mode, clock::get);
    }

    private final List<Bucket> bucket = List.of(new Bucket("app:failover", "app", 2));

    @Test
    void with_deny_a_lost_redis_refuses_with_503_and_comes_back_by_itself() {
        FailoverRateLimiter f = failover(FailoverRateLimiter.Mode.DENY);
        assertThat(f.consume(bucket, clock.get()).admitted()).isTrue();
        proxy.cut();
        assertThatThrownBy(() -> f.consume(bucket, clock.get())).isInstanceOf(DomainException.class)
                .hasMessageContaining("unavailable");
        proxy.restore();
        clock.addAndGet(1_000);
        // Back on Redis, where the first request was counted: one left of two.
        Decision back = f.consume(bucket, clock.get());
        assertThat(back.admitted()).isTrue();
        assertThat(back.binding().remaining()).isZero();
        assertThat(f.consume(bucket, clock.get()).admitted()).isFalse();
    }

    @Test
    void with_allow_a_lost_redis_admits_without_counting() {
        FailoverRateLimiter f = failover(FailoverRateLimiter.Mode.ALLOW);
        f.consume(bucket, clock.get());
        f.consume(bucket, clock.get());
        assertThat(f.consume(bucket, clock.get()).admitted()).isFalse();
        proxy.cut();
        for (int i = 0; i < 5; i++) {
            Decision d = f.consume(bucket, clock.get());
            assertThat(d.admitted()).isTrue();
            assertThat(d.binding().limit()).isEqualTo(2);
        }
    }

    @Test
    void with_local_a_lost_redis_keeps_limiting_on_this_node() {
        FailoverRateLimiter f = failover(FailoverRateLimiter.Mode.LOCAL);
        proxy.cut();
        assertThat(f.consume(bucket, clock.get()).admitted()).isTrue();
        assertThat(f.consume(bucket, clock.get()).admitted()).isTrue();
        assertThat(f.consume(bucket, clock.get()).admitted()).isFalse();
        assertThat(f.peek(bucket, clock.get()).binding().remaining()).isZero();
    }
}
