package io.gatehouse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.embedded.RedisServer;

/**
 * Redis for tests: GATEHOUSE_TEST_REDIS_URL when set, else an embedded Redis started once per test
 * JVM. Each test takes its own key prefix and deletes its keys afterwards.
 */
public final class TestRedis {
    /**
     * A Redis command's timeout in tests, instead of production's 250 ms: on a loaded machine a slow answer is not
     * an outage (tests that want Redis down cut it, which fails at once).
     */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static String url;
    private static RedisServer embedded;

    private TestRedis() {
    }

    public static synchronized String url() {
        if (url != null) {
            return url;
        }
        String env = System.getenv("GATEHOUSE_TEST_REDIS_URL");
        if (env != null && !env.isBlank()) {
            url = env;
            return url;
        }
        try (ServerSocket s = new ServerSocket(0)) {
            int port = s.getLocalPort();
            s.close();
            embedded = new RedisServer(port);
            embedded.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.stop();
                } catch (IOException ignored) {
                    // the JVM is ending
                }
            }));
            url = "redis://127.0.0.1:" + port;
            return url;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded Redis", e);
        }
    }

    public static int port() {
        return URI.create(url()).getPort();
    }

    public static String newPrefix() {
        return "gh-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /** Deletes every key under the prefix. */
    public static void clean(String prefix) {
        URI u = URI.create(url());
        try (JedisPooled j = new JedisPooled(u.getHost(), u.getPort())) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> r = j.scan(cursor, new ScanParams().match(prefix + "*").count(500));
                if (!r.getResult().isEmpty()) {
                    j.del(r.getResult().toArray(String[]::new));
                }
                cursor = r.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }
}
