package io.gatehouse.auth;

import io.gatehouse.redis.Redis;
import java.time.Clock;

/** Makes the node's throttles: in Redis when it is configured (shared by every node), else in process. */
public final class Throttles {
    private final Redis redis;
    private final Clock clock;

    public Throttles(Redis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    public Throttle create(Throttle.Policy policy) {
        Throttle local = new InMemoryThrottle(policy, clock);
        return redis == null ? local : new RedisThrottle(redis, policy, clock, local);
    }
}
