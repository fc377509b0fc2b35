package io.gatehouse.ratelimit;

import io.gatehouse.redis.PipelinedScript;
import io.gatehouse.redis.Redis;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The cluster's limiter: one Lua script decides for every bucket of a request atomically, in one round
 * trip (pipelined with the other requests in flight on one connection, see {@link PipelinedScript}), with the
 * same window rules as {@link InMemoryRateLimiter}. Time is Redis's own clock, so nodes with skewed clocks still
 * share one window. Each bucket is a hash {s: window start ms, c: count} that expires with its window.
 *
 * <p><b>Leases.</b> A bucket with a large limit does not cost a round trip per request. When the script admits a
 * request it may count up to {@link #leaseSize} requests at once against the bucket, and this node keeps the
 * spare ones as a {@link Lease}: the next requests on this node take one each, without Redis, until the lease
 * is used up or its window ends. The spare requests are counted in Redis when leased, so across all nodes no
 * window ever admits more than its limit (SPEC §6). A lease is at most 1/{@link #LEASE_DIVISOR} of the limit
 * and 1/16 of what the window has left, so limits under {@code 2 × LEASE_DIVISOR} (every default: 100, 500)
 * are never leased and stay exact request by request, and a filling window leases ever less. What a lease
 * costs: spare requests a node holds when its traffic stops are unused until the window ends, so another
 * node may be refused up to that many requests early; and X-RateLimit-Remaining on one node does not see the
 * other nodes' requests since its lease. docs/decisions.md has the reasoning.
 */
public final class RedisRateLimiter implements RateLimiter {
    /** A bucket leases at most its limit divided by this: limits below twice it are never leased. */
    static final int LEASE_DIVISOR = 256;
    /** Requests leased at most at once: one round trip per this many requests of a busy bucket. */
    static final int MAX_LEASE = 64;

    static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local window = tonumber(ARGV[1])
            local consume = ARGV[2] == '1'
            local n = #KEYS
            local s, c, seen, g, ok = {}, {}, {}, {}, 1
            for i = 1, n do
              local k = KEYS[i]
              if c[k] == nil then
                local v = redis.call('HMGET', k, 's', 'c')
                local start = tonumber(v[1]) or 0
                local count = tonumber(v[2]) or 0
                if start == 0 or now >= start + window then start = 0; count = 0 end
                s[k] = start; c[k] = count; seen[k] = 0
              end
              seen[k] = seen[k] + 1
              g[i] = 0
              if c[k] + seen[k] > tonumber(ARGV[1 + 2 * i]) then ok = 0 end
            end
            if ok == 1 and consume then
              for i = 1, n do
                local k = KEYS[i]
                local limit = tonumber(ARGV[1 + 2 * i])
                local grant = math.min(tonumber(ARGV[2 + 2 * i]), math.floor((limit - c[k]) / 16))
                if grant < 1 then grant = 1 end
                if s[k] == 0 then s[k] = now end
                c[k] = c[k] + grant
                g[i] = grant
                redis.call('HSET', k, 's', s[k], 'c', c[k])
                redis.call('PEXPIREAT', k, s[k] + window)
              end
            end
            local out = {ok, now}
            for i = 1, n do out[#out + 1] = s[KEYS[i]]; out[#out + 1] = c[KEYS[i]]; out[#out + 1] = g[i] end
            return out
            """;

    private final Redis redis;
    /** Every request's decision goes through one pipelined connection, batched with the others in flight. */
    private final PipelinedScript script;
    /** This node's spare requests, by bucket key; ended ones are dropped by {@link #sweep}. */
    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();
    /** Monotonic time in ms: a lease also ends by it, so a wall clock set back cannot stretch one. */
    private final LongSupplier monotonicMillis;

    public RedisRateLimiter(Redis redis) {
        this(redis, () -> System.nanoTime() / 1_000_000);
    }

    RedisRateLimiter(Redis redis, LongSupplier monotonicMillis) {
        this.redis = redis;
        this.script = redis.pipelined(SCRIPT);
        this.monotonicMillis = monotonicMillis;
    }

    /** How many requests to ask for when one of this bucket's requests goes to Redis (1: no lease). */
    static int leaseSize(int limit) {
        return Math.max(1, Math.min(MAX_LEASE, limit / LEASE_DIVISOR));
    }

    /**
     * Spare requests of one bucket's window that this node counted in Redis and has not used. {@code count}
     * is the window's count in Redis as last seen (spare requests included), {@code reset} the window's end
     * on Redis's clock; the lease ends at {@code endsAt} on this node's clock and {@code endsAtMonotonic},
     * which the round trip makes a little earlier than the window's end, never later.
     */
    private static final class Lease {
        final int limit;
        final long start;
        final long reset;
        final long endsAt;
        final long endsAtMonotonic;
        int spare;
        int count;

        Lease(int limit, long start, long reset, long endsAt, long endsAtMonotonic) {
            this.limit = limit;
            this.start = start;
            this.reset = reset;
            this.endsAt = endsAt;
            this.endsAtMonotonic = endsAtMonotonic;
        }

        boolean live(int limit, long now, long monotonic) {
            return this.limit == limit && now < endsAt && monotonic < endsAtMonotonic;
        }

        Decision.BucketState state(String policy) {
            return new Decision.BucketState(policy, limit, Math.max(0, limit - count + spare), reset);
        }
    }

    @Override
    public Decision consume(List<Bucket> buckets, long nowMillis) {
        int n = buckets.size();
        long monotonic = monotonicMillis.getAsLong();
        // Take one spare request from every bucket that has a live lease; the rest go to Redis.
        Lease[] taken = new Lease[n];
        List<Integer> missing = null;
        for (int i = 0; i < n; i++) {
            Bucket b = buckets.get(i);
            Lease l = leases.get(b.key());
            if (l != null) {
                synchronized (l) {
                    if (l.spare > 0 && l.live(b.limit(), nowMillis, monotonic)) {
                        l.spare--;
                        taken[i] = l;
                        continue;
                    }
                }
            }
            if (missing == null) {
                missing = new ArrayList<>(n);
            }
            missing.add(i);
        }
        if (missing == null) {
            List<Decision.BucketState> states = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                synchronized (taken[i]) {
                    states.add(taken[i].state(buckets.get(i).policy()));
                }
            }
            return FixedWindow.decide(true, states);
        }
        List<Bucket> asked = new ArrayList<>(missing.size());
        for (int i : missing) {
            asked.add(buckets.get(i));
        }
        Decision.BucketState[] states = new Decision.BucketState[n];
        boolean admitted;
        try {
            admitted = fromRedis(asked, true, nowMillis, monotonic, states, missing);
        } catch (RuntimeException e) {
            giveBack(taken);
            throw e;
        }
        if (!admitted) {
            // A refused request consumes nothing: the spare requests it took go back to their leases.
            giveBack(taken);
        }
        for (int i = 0; i < n; i++) {
            if (taken[i] != null) {
                synchronized (taken[i]) {
                    states[i] = taken[i].state(buckets.get(i).policy());
                }
            }
        }
        return FixedWindow.decide(admitted, List.of(states));
    }

    @Override
    public Decision peek(List<Bucket> buckets, long nowMillis) {
        Decision.BucketState[] states = new Decision.BucketState[buckets.size()];
        List<Integer> all = new ArrayList<>(buckets.size());
        for (int i = 0; i < buckets.size(); i++) {
            all.add(i);
        }
        fromRedis(buckets, false, nowMillis, monotonicMillis.getAsLong(), states, all);
        // It fits where Redis has room or this node holds spare requests of the window, in every bucket.
        boolean fits = true;
        for (Decision.BucketState s : states) {
            fits &= s.remaining() > 0;
        }
        return FixedWindow.decide(fits, List.of(states));
    }

    /** Drops leases whose window has ended (run every minute or so). */
    public void sweep(long nowMillis) {
        long monotonic = monotonicMillis.getAsLong();
        leases.values().removeIf(l -> nowMillis >= l.endsAt || monotonic >= l.endsAtMonotonic);
    }

    int leased() {
        return leases.size();
    }

    private static void giveBack(Lease[] taken) {
        for (Lease l : taken) {
            if (l != null) {
                synchronized (l) {
                    l.spare++;
                }
            }
        }
    }

    /**
     * Runs the script for {@code asked} (buckets {@code index} of the request), fills their {@code states} and,
     * when it counted spare requests, keeps them as this node's lease. Peeking adds what this node holds of the
     * same window to what Redis says is left. Returns whether the request was admitted (would fit, for a peek).
     */
    private boolean fromRedis(List<Bucket> asked, boolean consume, long nowMillis, long monotonic,
                              Decision.BucketState[] states, List<Integer> index) {
        String p = redis.prefix() + "rl:";
        List<String> keys = new ArrayList<>(asked.size());
        List<String> args = new ArrayList<>(2 + 2 * asked.size());
        args.add(Long.toString(WINDOW_MILLIS));
        args.add(consume ? "1" : "0");
        for (Bucket b : asked) {
            keys.add(p + b.key());
            args.add(Integer.toString(b.limit()));
            args.add(Integer.toString(leaseSize(b.limit())));
        }
        List<?> r = (List<?>) script.eval(keys, args);
        boolean ok = num(r, 0) == 1;
        long now = num(r, 1);
        for (int j = 0; j < asked.size(); j++) {
            Bucket b = asked.get(j);
            long start = num(r, 2 + 3 * j);
            int count = (int) num(r, 3 + 3 * j);
            int granted = (int) num(r, 4 + 3 * j);
            Decision.BucketState state = FixedWindow.state(b.policy(), b.limit(), start, count, now);
            if (granted > 1) {
                state = lease(b, start, count, granted - 1, nowMillis + (start + WINDOW_MILLIS - now),
                        monotonic + (start + WINDOW_MILLIS - now), state);
            } else if (!consume) {
                state = withSpare(b, start, state, nowMillis, monotonic);
            }
            states[index.get(j)] = state;
        }
        return ok;
    }

    /** Keeps {@code spare} requests counted in Redis for this node, adding to a live lease of the same window. */
    private Decision.BucketState lease(Bucket b, long start, int count, int spare, long endsAt, long endsAtMonotonic,
                                       Decision.BucketState state) {
        Lease fresh = new Lease(b.limit(), start, state.resetMillis(), endsAt, endsAtMonotonic);
        Lease l = leases.merge(b.key(), fresh, (old, neu) -> old.start == neu.start && old.limit == neu.limit ? old : neu);
        synchronized (l) {
            l.spare += spare;
            l.count = Math.max(l.count, count);
            return l.state(b.policy());
        }
    }

    /** What a peek shows: Redis's count less the spare requests this node holds of that same window. */
    private Decision.BucketState withSpare(Bucket b, long start, Decision.BucketState state, long nowMillis,
                                           long monotonic) {
        Lease l = leases.get(b.key());
        if (l == null) {
            return state;
        }
        synchronized (l) {
            if (l.start != start || l.spare == 0 || !l.live(b.limit(), nowMillis, monotonic)) {
                return state;
            }
            return new Decision.BucketState(state.policy(), state.limit(),
                    Math.min(b.limit(), state.remaining() + l.spare), state.resetMillis());
        }
    }

    private static long num(List<?> r, int i) {
        return ((Number) r.get(i)).longValue();
    }
}
