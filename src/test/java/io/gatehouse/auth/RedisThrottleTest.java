package io.gatehouse.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.redis.Redis;
import io.gatehouse.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

class RedisThrottleTest extends ThrottleContractTest {
    private final String prefix = TestRedis.newPrefix();
    private final Redis redis = new Redis(TestRedis.url(), prefix, TestRedis.COMMAND_TIMEOUT);

    @AfterEach
    void clean() {
        TestRedis.clean(prefix);
        redis.close();
    }

    @Override
    Throttle throttle() {
        return new RedisThrottle(redis, POLICY, clock, new InMemoryThrottle(POLICY, clock));
    }

    @Override
    List<String> storedKeys() {
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> r = redis.commands().scan(cursor, new ScanParams().match(prefix + "*").count(500));
            keys.addAll(r.getResult());
            cursor = r.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }

    @Test
    void two_nodes_share_the_counts() {
        Throttle a = throttle();
        Throttle b = throttle();
        assertThat(a.fail("client-a", "10.0.0.1")).isZero();
        assertThat(b.fail("client-a", "10.0.0.1")).isZero();
        assertThat(a.fail("client-a", "10.0.0.1")).isZero();
        assertThat(b.fail("client-a", "10.0.0.1")).isPositive();
    }

    @Test
    void keys_expire_with_their_window() {
        throttle().fail("client-a", "10.0.0.1");
        for (String k : storedKeys()) {
            assertThat(redis.commands().pttl(k)).isBetween(1L, Duration.ofSeconds(60).toMillis());
        }
    }

    @Test
    void an_unreachable_redis_falls_back_to_the_node_s_own_count() {
        try (Redis down = new Redis("redis://127.0.0.1:1", prefix)) {
            Throttle t = new RedisThrottle(down, POLICY, clock, new InMemoryThrottle(POLICY, clock));
            for (int i = 0; i < 3; i++) {
                assertThat(t.fail("client-a", "10.0.0.1")).isZero();
            }
            assertThat(t.fail("client-a", "10.0.0.1")).isPositive();
        }
    }
}
