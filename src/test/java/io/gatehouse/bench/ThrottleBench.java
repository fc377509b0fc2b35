package io.gatehouse.bench;

import io.gatehouse.auth.InMemoryThrottle;
import io.gatehouse.auth.RedisThrottle;
import io.gatehouse.auth.Throttle;
import io.gatehouse.redis.Redis;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Issue 11's memory test for forged credentials, in process: N failures, each with a client id (or an email)
 * never seen before and from an address never seen before (the worst case: a botnet, or forwarded addresses
 * behind a trusted proxy), sent straight to the failure throttles the token endpoint and the login form use
 * ({@code ClientAuthenticator}: policy "client" 20/100 per minute; {@code LoginEndpoints}: "login" 10/50 per 5
 * minutes), on the real clock so that every failure falls in one window. Prints the heap in use after a full
 * GC before and after each phase; for Redis also the keys the run left there (removed at the end).
 *
 * <p>Why in process: over HTTP a forged login costs an argon2id hash (about 21 a second on this machine), so
 * 10⁶ would take some 13 hours; what those requests leave behind in memory is the throttle's state (an unknown
 * client id or email is looked up in the database and not cached), and that is what this drives.
 *
 * <pre>bench/throttle.sh [N] [redis]     (N defaults to 1000000; redis needs GATEHOUSE_TEST_REDIS_URL)</pre>
 */
public final class ThrottleBench {
    private static final Throttle.Policy CLIENT = new Throttle.Policy("client", 20, 100, Duration.ofMinutes(1));
    private static final Throttle.Policy LOGIN = new Throttle.Policy("login", 10, 50, Duration.ofMinutes(5));

    private ThrottleBench() {
    }

    public static void main(String[] args) {
        long n = args.length > 0 ? Long.parseLong(args[0].replace("_", "").replace(",", "")) : 1_000_000;
        boolean useRedis = List.of(args).contains("redis");
        Clock clock = Clock.systemUTC();
        System.out.printf("throttle bench: %,d forged values per phase, each from its own address, %s%n", n,
                useRedis ? "Redis throttle" : "in-process throttle");
        System.out.printf("heap after full GC at start: %.1f MB%n", RetentionBench.heapMb());
        String prefix = "gh-bench-" + Long.toHexString(System.nanoTime()) + ":";
        String url = System.getenv().getOrDefault("GATEHOUSE_TEST_REDIS_URL", "redis://127.0.0.1:6379");
        Redis redis = useRedis ? new Redis(url, prefix) : null;
        // Counting and removing the keys scans the whole of Redis: a client of its own, with a patient timeout.
        JedisPooled admin = useRedis ? new JedisPooled(URI.create(url), 30_000) : null;
        try {
            Throttle client = useRedis ? new RedisThrottle(redis, CLIENT, clock, new InMemoryThrottle(CLIENT, clock))
                    : new InMemoryThrottle(CLIENT, clock);
            Throttle login = useRedis ? new RedisThrottle(redis, LOGIN, clock, new InMemoryThrottle(LOGIN, clock))
                    : new InMemoryThrottle(LOGIN, clock);
            phase("forged client ids", n, client, i -> "forged-" + i, admin, prefix);
            phase("forged emails", n, login, i -> ("Forged" + i + "@example.com").toLowerCase(Locale.ROOT), admin, prefix);
            // Held to the end, so the figures above include them: the throttles are the node's for its whole life.
            System.out.println("throttles still held: " + (client != null && login != null));
        } finally {
            if (redis != null) {
                System.out.printf("removed %,d bench keys from Redis%n", unlink(admin, prefix));
                redis.close();
                admin.close();
            }
        }
    }

    private static void phase(String name, long n, Throttle throttle, java.util.function.LongFunction<String> subject, JedisPooled redis,
                              String prefix) {
        long start = System.nanoTime();
        long refused = 0;
        for (long i = 0; i < n; i++) {
            String address = "10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255) + (i >= 1 << 24 ? "." + (i >> 24) : "");
            if (throttle.fail(subject.apply(i), address) > 0) {
                refused++;
            }
            if ((i + 1) % (n / 4 == 0 ? n : n / 4) == 0 && i + 1 < n) {
                System.out.printf("  %,d %s: heap after full GC %.1f MB%n", i + 1, name, RetentionBench.heapMb());
            }
        }
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf("after %,d %s (%,d refused) in %.0f s (%,.0f/s): heap after full GC %.1f MB%s%n", n, name, refused, s, n / s,
                RetentionBench.heapMb(), redis == null ? "" : String.format(", Redis: %,d bench keys, used_memory %s", keys(redis, prefix),
                        usedMemory(redis)));
    }

    private static long keys(JedisPooled redis, String prefix) {
        long n = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams match = new ScanParams().match(prefix + "*").count(1_000);
        do {
            ScanResult<String> r = redis.scan(cursor, match);
            n += r.getResult().size();
            cursor = r.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return n;
    }

    private static long unlink(JedisPooled redis, String prefix) {
        long n = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams match = new ScanParams().match(prefix + "*").count(1_000);
        do {
            ScanResult<String> r = redis.scan(cursor, match);
            if (!r.getResult().isEmpty()) {
                n += redis.unlink(r.getResult().toArray(String[]::new));
            }
            cursor = r.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return n;
    }

    private static String usedMemory(JedisPooled redis) {
        for (String line : redis.info("memory").split("\r?\n")) {
            if (line.startsWith("used_memory_human:")) {
                return line.substring("used_memory_human:".length()).strip();
            }
        }
        return "?";
    }
}
