package io.gatehouse.ratelimit;

import io.gatehouse.redis.PipelinedScript;
import io.gatehouse.redis.Redis;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's limiter: one Lua script decides for every bucket of a request atomically, in one round
 * trip (pipelined with the other requests in flight on one connection, see {@link PipelinedScript}), with the same window rules as {@link InMemoryRateLimiter}. Time is Redis's own clock, so nodes
 * with skewed clocks still share one window. Each bucket is a hash {s: window start ms, c: count} that
 * expires with its window.
 */
public final class RedisRateLimiter implements RateLimiter {
    static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local window = tonumber(ARGV[1])
            local consume = ARGV[2] == '1'
            local n = #KEYS
            local s, c, ok = {}, {}, 1
            for i = 1, n do
              local v = redis.call('HMGET', KEYS[i], 's', 'c')
              local start = tonumber(v[1]) or 0
              local count = tonumber(v[2]) or 0
              if start == 0 or now >= start + window then start = 0; count = 0 end
              s[i] = start; c[i] = count
              if count >= tonumber(ARGV[2 + i]) then ok = 0 end
            end
            if ok == 1 and consume then
              for i = 1, n do
                if s[i] == 0 then s[i] = now end
                c[i] = c[i] + 1
                redis.call('HSET', KEYS[i], 's', s[i], 'c', c[i])
                redis.call('PEXPIREAT', KEYS[i], s[i] + window)
              end
            end
            local out = {ok, now}
            for i = 1, n do out[#out + 1] = s[i]; out[#out + 1] = c[i] end
            return out
            """;

    private final Redis redis;
    /** Every request's decision goes through one pipelined connection, batched with the others in flight. */
    private final PipelinedScript script;

    public RedisRateLimiter(Redis redis) {
        this.redis = redis;
        this.script = redis.pipelined(SCRIPT);
    }

    @Override
    public Decision consume(List<Bucket> buckets, long nowMillis) {
        return decide(buckets, true);
    }

    @Override
    public Decision peek(List<Bucket> buckets, long nowMillis) {
        return decide(buckets, false);
    }

    private Decision decide(List<Bucket> buckets, boolean consume) {
        String p = redis.prefix() + "rl:";
        List<String> keys = new ArrayList<>(buckets.size());
        List<String> args = new ArrayList<>(buckets.size() + 2);
        args.add(Long.toString(WINDOW_MILLIS));
        args.add(consume ? "1" : "0");
        for (Bucket b : buckets) {
            keys.add(p + b.key());
            args.add(Integer.toString(b.limit()));
        }
        List<?> r = run(keys, args);
        boolean admitted = ((Number) r.get(0)).longValue() == 1;
        long now = ((Number) r.get(1)).longValue();
        List<Decision.BucketState> states = new ArrayList<>(buckets.size());
        for (int i = 0; i < buckets.size(); i++) {
            Bucket b = buckets.get(i);
            states.add(FixedWindow.state(b.policy(), b.limit(), num(r, 2 + 2 * i), (int) num(r, 3 + 2 * i), now));
        }
        return FixedWindow.decide(admitted, states);
    }

    private List<?> run(List<String> keys, List<String> args) {
        return (List<?>) script.eval(keys, args);
    }

    private static long num(List<?> r, int i) {
        return ((Number) r.get(i)).longValue();
    }
}
