package io.gatehouse.backup;

import io.gatehouse.core.DomainException;
import io.gatehouse.store.Database;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Backups of the embedded database: H2's online {@code BACKUP TO} (a consistent copy taken while the
 * server keeps serving), repacked into one zip together with the data dir's {@code master.key} when the
 * master key lives there, since the signing keys in the database cannot be read without it. Restoring
 * is unzipping that file into an empty data dir. PostgreSQL is backed up with its own tools (pg_dump).
 */
public final class Backups {
    /** The data dir's file that holds the master key when GATEHOUSE_MASTER_KEY is not set. */
    public static final String MASTER_KEY_FILE = "master.key";
    public static final String POSTGRES_ADVICE = "Gatehouse runs on PostgreSQL here (GATEHOUSE_DB_URL): back it up with pg_dump,"
            + " e.g. pg_dump --format=custom --file=gatehouse.dump 'postgresql://gatehouse@db.internal:5432/gatehouse'"
            + " (GATEHOUSE_DB_URL without its jdbc: prefix), and keep GATEHOUSE_MASTER_KEY with it"
            + " (docs/operations.md, \"Backup and restore\")";

    private Backups() {
    }

    /** A backup taken and waiting in a temporary file until it is written out; closing deletes the file. */
    public static final class Snapshot implements AutoCloseable {
        private final Path h2Zip;
        private final Path masterKey;

        private Snapshot(Path h2Zip, Path masterKey) {
            this.h2Zip = h2Zip;
            this.masterKey = masterKey;
        }

        /** Writes the backup as one zip: the database file(s) and, when there is one, {@code master.key}. */
        public void writeTo(OutputStream out) throws IOException {
            ZipOutputStream zip = new ZipOutputStream(out);
            try (ZipFile h2 = new ZipFile(h2Zip.toFile())) {
                Enumeration<? extends ZipEntry> entries = h2.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry e = entries.nextElement();
                    zip.putNextEntry(new ZipEntry(e.getName()));
                    try (InputStream in = h2.getInputStream(e)) {
                        in.transferTo(zip);
                    }
                    zip.closeEntry();
                }
            }
            if (masterKey != null && Files.isRegularFile(masterKey)) {
                zip.putNextEntry(new ZipEntry(MASTER_KEY_FILE));
                zip.write(Files.readAllBytes(masterKey));
                zip.closeEntry();
            }
            zip.finish();
            zip.flush();
        }

        @Override
        public void close() {
            try {
                Files.deleteIfExists(h2Zip);
            } catch (IOException ignored) {
                // a stray temporary file in the data dir is harmless
            }
        }
    }

    /**
     * Takes a backup of a running node's database. {@code masterKeyInDataDir} is false when the master
     * key comes from GATEHOUSE_MASTER_KEY (then the operator keeps it, and the backup holds none).
     */
    public static Snapshot take(Database db, Path dataDir, boolean masterKeyInDataDir) {
        if (db.kind() != Database.Kind.H2) {
            throw DomainException.conflict(POSTGRES_ADVICE);
        }
        try (Connection c = db.connection()) {
            return backup(c, dataDir, masterKeyInDataDir);
        } catch (SQLException e) {
            throw new IllegalStateException("backup failed: " + e.getMessage(), e);
        }
    }

    /**
     * Takes a backup of a data dir whose database no process holds: opens it directly. Fails with a
     * message naming the cause when the database is missing or in use by a running server.
     */
    public static Snapshot takeOffline(Path dataDir, boolean masterKeyInDataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("gatehouse.mv.db"))) {
            throw DomainException.notFound("there is no Gatehouse database in " + dir + " (GATEHOUSE_DATA_DIR)");
        }
        try (Connection c = DriverManager.getConnection(Database.embeddedUrl(dir) + ";IFEXISTS=TRUE",
                Database.EMBEDDED_USER, "")) {
            return backup(c, dir, masterKeyInDataDir);
        } catch (SQLException e) {
            if (e.getErrorCode() == 90020) { // DATABASE_ALREADY_OPEN: another process holds the file
                throw DomainException.conflict("the database in " + dir + " is in use by a running Gatehouse that did not answer"
                        + " on its admin URL; give that URL with --admin-url (or GATEHOUSE_ADMIN_PORT)");
            }
            throw new IllegalStateException("cannot open the database in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Snapshot backup(Connection c, Path dataDir, boolean masterKeyInDataDir) throws SQLException {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path tmp;
        try {
            // In the data dir: always writable by the server (also under systemd's ProtectSystem=strict).
            tmp = Files.createTempFile(dir, ".backup-", ".zip");
            Files.delete(tmp);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write in " + dir + ": " + e.getMessage(), e);
        }
        try (Statement s = c.createStatement()) {
            s.execute("BACKUP TO '" + tmp.toString().replace("'", "''") + "'");
        }
        return new Snapshot(tmp, masterKeyInDataDir ? dir.resolve(MASTER_KEY_FILE) : null);
    }
}
