package io.gatehouse.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.gatehouse.config.Settings;
import io.gatehouse.core.StartupFault;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one database of a node: an embedded H2 file (the default) or a shared PostgreSQL.
 * The same Flyway migrations and the same JDBC code run on both; H2 runs in its PostgreSQL mode.
 */
public final class Database implements AutoCloseable {
    public enum Kind { H2, POSTGRESQL }

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /** How long a database may stay unreachable at start before the node gives up (SPEC §1). */
    public static final Duration REACH_WITHIN = Duration.ofSeconds(60);

    private final HikariDataSource dataSource;
    private final Kind kind;
    private FileChannel dataDirLock;
    /** Embedded database only: PostgreSQL has made a commit durable by the time it returns. */
    private final GroupFlush groupFlush;

    private Database(HikariDataSource dataSource, Kind kind) {
        this.dataSource = dataSource;
        this.kind = kind;
        this.groupFlush = kind == Kind.H2 ? new GroupFlush(this::checkpoint) : null;
        this.diskSync = kind == Kind.H2 ? new DiskSync(this::sync, LOG) : null;
    }

    /** Embedded database only: the once-a-second sync and whether it is failing. */
    private final DiskSync diskSync;

    private ScheduledExecutorService syncer;
    /** Dedicated connections of the flush leader and of the sync thread (embedded database only). */
    private Connection flushConnection;
    private volatile Connection syncConnection;

    public static Database open(Settings settings, MeterRegistry metrics) {
        if (settings.usesPostgres()) {
            return open(settings.dbUrl(), settings.dbUser(), settings.dbPassword(), metrics);
        }
        Path dir = settings.dataDir().toAbsolutePath().normalize();
        createPrivateDirectory(dir);
        FileChannel lock = lockDataDir(dir);
        try {
            if (MigratedImage.placeInto(dir)) {
                LOG.debug("New embedded database in {} from the image migrated at build time", dir);
            }
        } catch (IOException e) {
            release(lock);
            throw new StartupFault("cannot create the embedded database in " + dir + ": " + e, e);
        }
        String url = embeddedUrl(dir);
        // Opening the file can take seconds on a small or busy machine, longer than the pool's 2 s
        // timeout (meant for PostgreSQL outages); so it is opened once here, without a timeout, and
        // held open while the pool connects to the already open database.
        try (Connection first = DriverManager.getConnection(url, EMBEDDED_USER, "")) {
            try (var files = Files.newDirectoryStream(dir, "gatehouse.*")) {
                files.forEach(Database::makePrivate);
            } catch (IOException ignored) {
                // the folder's own mode still protects them
            }
            Database db = open(url, EMBEDDED_USER, "", metrics);
            db.dataDirLock = lock;
            db.syncEverySecond();
            return db;
        } catch (SQLException e) {
            release(lock);
            if (e.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
                throw new StartupFault(inUse(dir), e);
            }
            throw new StartupFault("cannot open the embedded database in " + dir + ": " + firstLine(e.getMessage()), e);
        } catch (RuntimeException e) {
            release(lock);
            throw e;
        }
    }

    private static final int H2_DATABASE_ALREADY_OPEN = 90020;

    private static String inUse(Path dir) {
        return "the data folder " + dir + " is in use by another Gatehouse process; stop it, or give this one "
                + "another GATEHOUSE_DATA_DIR";
    }

    /**
     * One process per data folder (SPEC §1): an exclusive lock on {@code gatehouse.lock}, held while the
     * database is open. The operating system drops it when the process dies, so a crash leaves no stale lock.
     */
    private static FileChannel lockDataDir(Path dir) {
        Path file = dir.resolve("gatehouse.lock");
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            makePrivate(file);
        } catch (IOException e) {
            throw new StartupFault("cannot write " + file + ": " + e.getMessage(), e);
        }
        try {
            if (channel.tryLock() != null) {
                return channel;
            }
        } catch (OverlappingFileLockException | IOException e) {
            // held by this JVM (another node in a test), or not lockable: in use either way
        }
        release(channel);
        throw new StartupFault(inUse(dir));
    }

    private static void release(FileChannel lock) {
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException ignored) {
                // closing releases the lock; nothing else to do
            }
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * SPEC §11 "Files": the data folder holds password hashes, emails and keys, so a folder we create is
     * 0700 (its parents as {@code mkdir -p} makes them). An existing folder is left as the operator made it.
     */
    public static void createPrivateDirectory(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                return;
            }
            if (dir.getParent() != null) {
                Files.createDirectories(dir.getParent());
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                // the umask may have taken bits away, never added: set exactly
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException notPosix) {
                Files.createDirectories(dir);
            } catch (FileAlreadyExistsException raced) {
                // another process made it first
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A file of the data folder is readable by its owner only (0600), whatever the umask made it. */
    public static void makePrivate(Path file) {
        try {
            if (Files.exists(file)) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system, or not ours to change: the folder's mode still protects it
        }
    }

    /** The embedded database's user (its creator, so it may run BACKUP). */
    public static final String EMBEDDED_USER = "gatehouse";

    /** H2's own background store and compaction period (its default); durability does not depend on it. */
    private static final int H2_WRITE_DELAY_MS = 500;
    private static final int H2_RETENTION_TIME_MS = 3_000;

    /** The JDBC URL of the embedded database in a data dir (its file is {@code gatehouse.mv.db}). */
    public static String embeddedUrl(Path dataDir) {
        // A commit reaches the file (CHECKPOINT, in groups: awaitDurable) before the caller is answered, so
        // an acknowledged write survives the process being killed; the file is forced to the device once a
        // second (syncEverySecond), so a power loss costs at most the last second. WRITE_DELAY stays above 0
        // (set explicitly: it is persistent, and files made before group commit hold 0), since only then
        // does H2 run its background housekeeping, which reuses the space of dead chunks. RETENTION_TIME:
        // how long a dead chunk is kept before its space is reused; H2's 45 s default guards against write
        // caches never forced to disk, and at hundreds of commits a second it let the file grow by
        // gigabytes; 3 s is past the once-a-second sync (docs/decisions.md, "Embedded database: group commit").
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("gatehouse")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=" + H2_WRITE_DELAY_MS
                + ";RETENTION_TIME=" + H2_RETENTION_TIME_MS;
    }

    public static Database open(String url, String user, String password, MeterRegistry metrics) {
        return open(url, user, password, metrics, REACH_WITHIN);
    }

    /** Opens the pool and migrates, waiting up to {@code reachWithin} for the database to answer at all. */
    public static Database open(String url, String user, String password, MeterRegistry metrics, Duration reachWithin) {
        Kind kind = url.startsWith("jdbc:postgresql:") ? Kind.POSTGRESQL : Kind.H2;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setPoolName("gatehouse-db");
        config.setMaximumPoolSize(kind == Kind.H2 ? 8 : 16);
        // PostgreSQL: fail fast during an outage, /readyz says so. H2 is a local file that is never "down";
        // on a busy machine a connection may just take long (three nodes starting at once died at 2 s).
        config.setConnectionTimeout(kind == Kind.H2 ? 30_000 : 2_000);
        config.setValidationTimeout(2_000);
        // Start even if PostgreSQL is not up yet: /readyz reports it, and the pool reconnects by itself.
        config.setInitializationFailTimeout(-1);
        if (metrics != null) {
            config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(metrics));
        }
        HikariDataSource ds = new HikariDataSource(config);
        Database db = new Database(ds, kind);
        try {
            db.awaitReachable(reachWithin);
            db.migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        if (metrics != null && db.diskSync != null) {
            db.registerSyncMetrics(metrics);
        }
        return db;
    }

    /** SPEC §1: a database still unreachable after {@code within} stops the start with one clear line. */
    private void awaitReachable(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try (Connection c = dataSource.getConnection()) {
                return;
            } catch (SQLException e) {
                if (System.nanoTime() - deadline >= 0) {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    throw new StartupFault("the database stayed unreachable for " + within.toSeconds() + " s: "
                            + firstLine(cause.getMessage()), e);
                }
                LOG.warn("Database not reachable yet ({}); retrying until {} s have passed", firstLine(e.getMessage()),
                        within.toSeconds());
            }
        }
    }

    private void migrate() {
        var shipped = ShippedMigrations.versions();
        if (shipped.isPresent()) {
            try (Connection c = dataSource.getConnection()) {
                if (ShippedMigrations.allApplied(c, shipped.get())) {
                    return; // the common start: nothing to migrate, and Flyway not even loaded
                }
            } catch (SQLException e) {
                // Flyway below reports it
            }
        }
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:" + ShippedMigrations.LOCATION)
                .loggers("slf4j")
                .load()
                .migrate();
    }

    public Kind kind() {
        return kind;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /**
     * Returns once every transaction this thread has committed is on disk. Call it after the commit and
     * after the connection went back to the pool (a flush needs a connection of its own), and before
     * answering anyone. On PostgreSQL a returned commit is already durable.
     */
    public void awaitDurable() throws SQLException {
        if (groupFlush != null) {
            groupFlush.awaitDurable();
        }
    }

    /** H2's CHECKPOINT writes every committed change to the file (one MVStore chunk). */
    private void checkpoint() throws SQLException {
        // Its own connection, not the pool's: a flush must never queue behind requests for a connection
        // while every committer waits for it. Used only by the flush leader (GroupFlush's lock).
        flushConnection = run(flushConnection, "CHECKPOINT");
    }

    /** Runs one statement on a dedicated connection, opening it first if needed; a failure drops it. */
    private Connection run(Connection dedicated, String sql) throws SQLException {
        Connection c = dedicated;
        try {
            if (c == null) {
                c = DriverManager.getConnection(dataSource.getJdbcUrl(), dataSource.getUsername(), dataSource.getPassword());
            }
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }

    /**
     * Embedded database: forces the file to the device once a second (CHECKPOINT SYNC), see {@link #embeddedUrl};
     * a failure shows in readiness and metrics ({@link DiskSync}).
     */
    private void syncEverySecond() {
        syncer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("gatehouse-db-sync").daemon().factory());
        syncer.scheduleWithFixedDelay(diskSync::run, 1, 1, TimeUnit.SECONDS);
    }

    private void sync() throws SQLException {
        try {
            syncConnection = run(syncConnection, "CHECKPOINT SYNC");
        } catch (SQLException | RuntimeException e) {
            syncConnection = null;
            throw e;
        }
    }

    /** Embedded database: false while forcing the file to disk fails (readiness: {@code "disk": "down"}); PostgreSQL: true. */
    public boolean syncsToDisk() {
        return diskSync == null || !diskSync.failing();
    }

    /** Tests: force the file to disk with this instead (e.g. one that fails; null: as before). */
    void syncWith(GroupFlush.Flusher flusher) {
        diskSync.syncWith(flusher == null ? this::sync : flusher);
    }

    /** Tests: one attempt of the once-a-second sync, now. */
    void syncNow() {
        diskSync.run();
    }

    private void registerSyncMetrics(MeterRegistry metrics) {
        Gauge.builder("gatehouse.db.sync.failing", diskSync, d -> d.failing() ? 1 : 0)
                .description("1 while forcing the embedded database's file to disk fails").register(metrics);
        FunctionCounter.builder("gatehouse.db.sync.failures", diskSync, DiskSync::failures)
                .description("failed attempts to force the embedded database's file to disk").register(metrics);
    }

    /** Tests: make group commit flush with {@code flusher} (e.g. one that fails once). */
    void flushWith(GroupFlush.Flusher flusher) {
        groupFlush.flushWith(flusher);
    }

    /** File flushes made by group commit so far (embedded database; 0 on PostgreSQL). */
    public long flushes() {
        return groupFlush == null ? 0 : groupFlush.flushes();
    }

    /** True when a connection answers within two seconds. */
    public boolean isReachable() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (syncer != null) {
            // Never interrupt it: an interrupt during FileChannel.force closes H2's file under it.
            syncer.shutdown();
            try {
                if (!syncer.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("Embedded database: the once-a-second sync did not finish within 30 s; closing anyway");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly(syncConnection);
        if (groupFlush != null) {
            LOG.info("Embedded database: {} commits made durable in {} file writes", groupFlush.commits(), groupFlush.flushes());
        }
        closeQuietly(flushConnection);
        dataSource.close();
        release(dataDirLock);
    }
}
