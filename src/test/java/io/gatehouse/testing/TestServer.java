package io.gatehouse.testing;

import io.gatehouse.config.Settings;
import io.gatehouse.http.ClientDeadlines;
import io.gatehouse.server.GatehouseServer;
import io.gatehouse.server.Tuning;
import io.gatehouse.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * A real Gatehouse node on free ports, in this JVM, over H2 (in a temporary data dir) or a fresh
 * PostgreSQL database. {@link #shared} gives one per backend for the whole test run; tests that need
 * other settings start their own and close it.
 */
public final class TestServer implements AutoCloseable {
    private static final Map<Backend, TestServer> SHARED = new EnumMap<>(Backend.class);
    /** Production's tuning, but a Redis command may take {@link TestRedis#COMMAND_TIMEOUT} on a loaded machine. */
    private static final Tuning TUNING = Tuning.DEFAULT.withRedisTimeout(TestRedis.COMMAND_TIMEOUT);

    public final Backend backend;
    public final GatehouseServer server;
    public final TestClient api;
    public final TestClient admin;
    private final Path dataDir;
    private final String pgUrl;

    private TestServer(Backend backend, GatehouseServer server, Path dataDir, String pgUrl) {
        this.backend = backend;
        this.server = server;
        this.dataDir = dataDir;
        this.pgUrl = pgUrl;
        this.api = new TestClient("http://127.0.0.1:" + server.port());
        this.admin = new TestClient("http://127.0.0.1:" + server.adminPort());
    }

    public static synchronized TestServer shared(Backend backend) {
        return SHARED.computeIfAbsent(backend, b -> {
            TestServer s = start(b, Map.of());
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
            return s;
        });
    }

    public static TestServer start(Backend backend, Map<String, String> settings) {
        return start(backend, settings, Clock.systemUTC());
    }

    public static TestServer start(Backend backend, Map<String, String> settings, Clock clock) {
        return start(backend, settings, clock, ClientDeadlines.Limits.DEFAULT);
    }

    /** A node with its own slow-client limits (short ones, so tests need not wait for SPEC §11's). */
    public static TestServer start(Backend backend, Map<String, String> settings, Clock clock, ClientDeadlines.Limits limits) {
        return start(backend, settings, clock, limits, System::nanoTime);
    }

    /** The same, with the slow-client deadlines measured on {@code nanoTime} (e.g. {@link MutableClock#nanoTime}). */
    public static TestServer start(Backend backend, Map<String, String> settings, Clock clock, ClientDeadlines.Limits limits,
                                   LongSupplier nanoTime) {
        Path dir = tempDataDir();
        Map<String, String> env = nodeEnv(dir);
        String pgUrl = null;
        if (backend == Backend.POSTGRES) {
            pgUrl = TestDatabases.create();
            env.put("GATEHOUSE_DB_URL", pgUrl);
        }
        env.putAll(settings);
        GatehouseServer server = GatehouseServer.start(Settings.load(env, null), clock,
                TUNING.withClientLimits(limits).withNanoTime(nanoTime));
        return new TestServer(backend, server, dir, pgUrl);
    }

    /**
     * A node on a database it does not own (another node's, or a cluster's): closing it leaves the data.
     * {@code settings} must name the database (GATEHOUSE_DB_URL) and any shared master key.
     */
    public static TestServer node(Map<String, String> settings) {
        Path dir = tempDataDir();
        Map<String, String> env = nodeEnv(dir);
        env.putAll(settings);
        return new TestServer(Backend.POSTGRES, GatehouseServer.start(Settings.load(env, null), Clock.systemUTC(), TUNING), dir, null);
    }

    /** Free ports on loopback and a data dir of its own: what every test node starts from. */
    private static Map<String, String> nodeEnv(Path dataDir) {
        Map<String, String> env = new HashMap<>();
        env.put("GATEHOUSE_PORT", "0");
        env.put("GATEHOUSE_ADMIN_PORT", "0");
        env.put("GATEHOUSE_BIND", "127.0.0.1");
        env.put("GATEHOUSE_DATA_DIR", dataDir.toString());
        return env;
    }

    private static Path tempDataDir() {
        LogCapture.install();
        try {
            return Files.createTempDirectory("gatehouse-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs one statement on this node's database directly, as an operator (or a fault) would. */
    public int sql(String statement, Object... args) {
        String url = pgUrl != null ? pgUrl : backend == Backend.H2 ? Database.embeddedUrl(dataDir) : null;
        if (url == null) {
            throw new IllegalStateException("a node on a database it does not own: use the cluster's URL");
        }
        String user = backend == Backend.H2 ? Database.EMBEDDED_USER : null;
        try (Connection c = user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, "");
             PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(statement + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        server.stopGracefully(Duration.ofSeconds(5));
        if (pgUrl != null) {
            TestDatabases.drop(pgUrl);
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
