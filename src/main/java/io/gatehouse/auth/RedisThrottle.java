package io.gatehouse.auth;

import io.gatehouse.redis.Redis;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The cluster's throttle: the same windows as {@link InMemoryThrottle}, kept in Redis so that every node
 * counts the same failures. One Lua script checks and counts both keys atomically, in one round trip.
 * Each key is a hash {s: window start ms, c: count} that expires with its window, so Redis holds at most
 * the keys of the failures of one window. Windows use the caller's clock (passed in), so a test can move
 * time; nodes' clocks differ by far less than a window. While Redis is unreachable the node falls back
 * to its own in-process throttle.
 */
public final class RedisThrottle implements Throttle {
    private static final Logger LOG = LoggerFactory.getLogger(RedisThrottle.class);

    static final String SCRIPT = """
            local window = tonumber(ARGV[1])
            local now = tonumber(ARGV[2])
            local count = ARGV[3] == '1'
            local wait = 0
            local s, c = {}, {}
            for i = 1, #KEYS do
              local v = redis.call('HMGET', KEYS[i], 's', 'c')
              local start = tonumber(v[1]) or 0
              local n = tonumber(v[2]) or 0
              if start == 0 or now >= start + window or now < start then start = now; n = 0 end
              s[i] = start; c[i] = n
              if n >= tonumber(ARGV[3 + i]) then wait = math.max(wait, start + window - now) end
            end
            if wait == 0 and count then
              for i = 1, #KEYS do
                redis.call('HSET', KEYS[i], 's', s[i], 'c', c[i] + 1)
                redis.call('PEXPIRE', KEYS[i], s[i] + window - now)
              end
            end
            return wait
            """;

    private final Redis redis;
    private final Policy policy;
    private final Clock clock;
    private final Throttle fallback;
    private final String prefix;
    private volatile String sha;

    public RedisThrottle(Redis redis, Policy policy, Clock clock, Throttle fallback) {
        this.redis = redis;
        this.policy = policy;
        this.clock = clock;
        this.fallback = fallback;
        this.prefix = redis.prefix() + "th:" + policy.name() + ":";
    }

    @Override
    public long fail(String subject, String address) {
        try {
            return run(subject, address, true);
        } catch (JedisException e) {
            LOG.debug("Redis unreachable, throttling on this node: {}", e.toString());
            return fallback.fail(subject, address);
        }
    }

    @Override
    public long retryAfter(String subject, String address) {
        try {
            return run(subject, address, false);
        } catch (JedisException e) {
            LOG.debug("Redis unreachable, throttling on this node: {}", e.toString());
            return fallback.retryAfter(subject, address);
        }
    }

    private long run(String subject, String address, boolean count) {
        List<String> keys = new ArrayList<>(2);
        List<String> args = new ArrayList<>(5);
        args.add(Long.toString(policy.window().toMillis()));
        args.add(Long.toString(clock.millis()));
        args.add(count ? "1" : "0");
        keys.add(prefix + ThrottleKeys.address(address));
        args.add(Integer.toString(policy.perAddress()));
        String pair = ThrottleKeys.pair(subject, address);
        if (pair != null) {
            keys.add(prefix + pair);
            args.add(Integer.toString(policy.perSubject()));
        }
        long waitMillis = ((Number) eval(keys, args)).longValue();
        return waitMillis <= 0 ? 0 : Math.max(1, (waitMillis + 999) / 1000);
    }

    private Object eval(List<String> keys, List<String> args) {
        String s = sha;
        if (s == null) {
            s = load();
        }
        try {
            return redis.commands().evalsha(s, keys, args);
        } catch (JedisNoScriptException e) {
            // Redis restarted and forgot the script.
            return redis.commands().evalsha(load(), keys, args);
        }
    }

    private String load() {
        String s = redis.commands().scriptLoad(SCRIPT);
        sha = s;
        return s;
    }
}
