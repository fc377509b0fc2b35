package io.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.DomainException;
import io.gatehouse.redis.Redis;
import io.gatehouse.testing.FaultProxy;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.TestRedis;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisException;

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

    /** The node the contract talks to: one instance, so it keeps its leases between calls. */
    private final RedisRateLimiter node = new RedisRateLimiter(direct);

    @Override
    protected RateLimiter limiter() {
        return node;
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

    /** Requests counted in Redis for a bucket, spare ones of every node included. */
    private long countedInRedis(String key) {
        try (var jedis = new redis.clients.jedis.Jedis(URI.create(TestRedis.url()))) {
            String c = jedis.hget(prefix + "rl:" + key, "c");
            return c == null ? 0 : Long.parseLong(c);
        }
    }

    @Test
    void a_small_limit_is_never_leased_and_a_large_one_is_leased_in_slices() {
        assertThat(RedisRateLimiter.leaseSize(100)).isEqualTo(1);
        assertThat(RedisRateLimiter.leaseSize(500)).isEqualTo(1);
        assertThat(RedisRateLimiter.leaseSize(512)).isEqualTo(2);
        assertThat(RedisRateLimiter.leaseSize(4_096)).isEqualTo(16);
        assertThat(RedisRateLimiter.leaseSize(Integer.MAX_VALUE)).isEqualTo(RedisRateLimiter.MAX_LEASE);
    }

    @Test
    void a_busy_bucket_goes_to_redis_once_per_lease_and_redis_counts_the_lease_at_once() {
        AtomicLong monotonic = new AtomicLong();
        RedisRateLimiter busy = new RedisRateLimiter(redis, monotonic::get);
        List<Bucket> b = List.of(new Bucket("app:busy", "app", 1_000_000));
        assertThat(busy.consume(b, clock.get()).binding().remaining()).isEqualTo(999_999);
        assertThat(countedInRedis("app:busy")).isEqualTo(RedisRateLimiter.MAX_LEASE);
        proxy.cut();
        // The lease's spare requests are this node's: admitted without Redis, one by one.
        for (int i = 2; i <= RedisRateLimiter.MAX_LEASE; i++) {
            Decision d = busy.consume(b, clock.get());
            assertThat(d.admitted()).isTrue();
            assertThat(d.binding().remaining()).isEqualTo(1_000_000 - i);
        }
        assertThatThrownBy(() -> busy.consume(b, clock.get())).isInstanceOf(JedisException.class);
    }

    @Test
    void a_leased_bucket_named_twice_in_one_request_leaves_this_node_no_more_than_redis_counted() {
        RedisRateLimiter node = new RedisRateLimiter(redis, new AtomicLong()::get);
        Bucket twice = new Bucket("app:twice-leased", "app", 1_000_000);
        assertThat(node.consume(List.of(twice, twice), clock.get()).admitted()).isTrue();
        long counted = countedInRedis("app:twice-leased");
        proxy.cut();
        int spare = 0;
        while (true) {
            try {
                assertThat(node.consume(List.of(twice), clock.get()).admitted()).isTrue();
                spare++;
            } catch (JedisException e) {
                break; // no spare request left: it asked Redis
            }
        }
        // The request's two mentions and every spare request this node admits without Redis were counted there.
        assertThat(2 + spare).isEqualTo(counted);
    }

    private static long announcedBack() {
        return LogCapture.all().lines().filter(l -> l.contains("Redis is reachable again")).count();
    }

    @Test
    void a_spare_request_taken_while_redis_is_away_is_not_taken_for_redis_being_back() {
        LogCapture.install();
        FailoverRateLimiter f = new FailoverRateLimiter(new RedisRateLimiter(redis, new AtomicLong()::get),
                new InMemoryRateLimiter(), FailoverRateLimiter.Mode.LOCAL, clock::get);
        List<Bucket> busy = List.of(new Bucket("app:failover-busy", "app", 1_000_000));
        assertThat(f.consume(busy, clock.get()).admitted()).isTrue(); // leases spare requests
        proxy.cut();
        assertThat(f.consume(bucket, clock.get()).admitted()).isTrue(); // Redis found away: counted locally
        long before = announcedBack();
        clock.addAndGet(1_000);
        // The next try of Redis: this node still holds spare requests of the busy bucket, Redis is still away.
        assertThat(f.consume(busy, clock.get()).admitted()).isTrue();
        assertThat(announcedBack()).as("'Redis is reachable again' logged while it is not").isEqualTo(before);
    }

    @Test
    void a_lease_ends_before_its_window_by_the_nodes_clock_or_by_monotonic_time() {
        AtomicLong monotonic = new AtomicLong();
        RedisRateLimiter node = new RedisRateLimiter(redis, monotonic::get);
        List<Bucket> b = List.of(new Bucket("app:ends", "app", 1_000_000));
        node.consume(b, clock.get());
        proxy.cut();
        node.consume(b, clock.get());
        // A minute later on the node's clock the window may have ended in Redis: ask Redis (cut, so it fails).
        assertThatThrownBy(() -> node.consume(b, clock.get() + 60_000)).isInstanceOf(JedisException.class);
        // The same when only monotonic time has moved on: a wall clock set back cannot stretch a lease.
        monotonic.addAndGet(60_000);
        assertThatThrownBy(() -> node.consume(b, clock.get())).isInstanceOf(JedisException.class);
        // The sweep drops it.
        assertThat(node.leased()).isEqualTo(1);
        node.sweep(clock.get());
        assertThat(node.leased()).isZero();
    }

    @Test
    void a_changed_limit_forfeits_the_spare_requests_leased_under_the_old_one() {
        RedisRateLimiter node = new RedisRateLimiter(direct);
        node.consume(List.of(new Bucket("app:lowered", "app", 1_000_000)), clock.get());
        // 64 were counted in Redis for one request: under a limit of 50 the window is full.
        Decision d = node.consume(List.of(new Bucket("app:lowered", "app", 50)), clock.get());
        assertThat(d.admitted()).isFalse();
        assertThat(d.binding().limit()).isEqualTo(50);
        assertThat(d.binding().remaining()).isZero();
    }

    @Test
    void a_peek_counts_this_nodes_spare_requests_as_left() {
        RedisRateLimiter node = new RedisRateLimiter(direct);
        List<Bucket> b = List.of(new Bucket("app:peek-lease", "app", 1_000_000));
        node.consume(b, clock.get());
        node.consume(b, clock.get());
        Decision peek = node.peek(b, clock.get());
        assertThat(peek.admitted()).isTrue();
        assertThat(peek.binding().remaining()).isEqualTo(999_998);
    }

    @Test
    void two_nodes_leasing_from_one_window_admit_exactly_its_limit_together() throws Exception {
        RedisRateLimiter[] nodes = {new RedisRateLimiter(direct), new RedisRateLimiter(direct)};
        List<Bucket> b = List.of(new Bucket("app:two-nodes", "app", 4_096));
        int admitted = admittedAtOnce(6_000, i -> nodes[i % 2].consume(b, clock.get()));
        // Never more than the limit across nodes; and since both nodes kept getting requests after the
        // window filled, every spare request was used: exactly the limit.
        assertThat(admitted).isEqualTo(4_096);
        assertThat(countedInRedis("app:two-nodes")).isEqualTo(4_096);
    }
}
