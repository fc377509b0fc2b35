package io.gatehouse.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A new embedded database, already migrated: the build runs every shipped migration once on an empty H2 file
 * ({@link #main}, at {@code process-classes}) and ships the result in the jar; a node that finds no database
 * in its data folder copies it in ({@link #placeInto}) instead of having H2 create the schema and Flyway run
 * every migration, which was about a second of a first start's 1.4 s. The copy holds the schema and Flyway's
 * history, nothing of an installation (keys, secrets, accounts: made at first start as before); Flyway's
 * history then matches what this build ships, so the start goes on as on an existing folder. Without the
 * image (a build that skipped the step) a new database is created and migrated by Flyway as before.
 * Built and read by the same H2, the one in the jar's libraries.
 */
public final class MigratedImage {
    /** The image in the jar: an H2 file, made by {@link #main} from the same migrations this jar ships. */
    static final String RESOURCE = "db/image/gatehouse.mv.db";
    /** The embedded database's file in a data folder (see {@link Database#embeddedUrl}). */
    static final String DATABASE_FILE = "gatehouse.mv.db";

    private MigratedImage() {
    }

    /**
     * Copies the shipped image into {@code dataDir} when no database is there yet; true if it did. The copy is
     * written beside the target, forced to disk and moved into place in one step, so a start interrupted
     * half-way leaves no half database (a stale {@code .new} file is overwritten by the next start).
     * The caller holds the data folder's lock.
     */
    static boolean placeInto(Path dataDir) throws IOException {
        Path target = dataDir.resolve(DATABASE_FILE);
        if (Files.exists(target)) {
            return false;
        }
        try (InputStream image = MigratedImage.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (image == null) {
                return false;
            }
            Path partial = dataDir.resolve(DATABASE_FILE + ".new");
            Files.deleteIfExists(partial);
            Files.createFile(partial);
            Database.makePrivate(partial); // before a byte of it is written
            try (FileChannel out = FileChannel.open(partial, StandardOpenOption.WRITE);
                 OutputStream stream = java.nio.channels.Channels.newOutputStream(out)) {
                image.transferTo(stream);
                out.force(true);
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target);
            }
            return true;
        }
    }

    /**
     * Build step: {@code MigratedImage <classes folder>} writes {@link #RESOURCE} under it by migrating a new H2
     * file with the migrations in that folder. Skipped when the image is newer than every migration file.
     */
    public static void main(String[] args) throws Exception {
        Path classes = Path.of(args[0]);
        Path image = classes.resolve(RESOURCE);
        Path migrations = classes.resolve(ShippedMigrations.LOCATION);
        if (Files.exists(image) && newestIn(migrations).compareTo(Files.getLastModifiedTime(image)) < 0) {
            return;
        }
        Path work = Files.createTempDirectory("gatehouse-image");
        try {
            String url = Database.embeddedUrl(work);
            // Opened and migrated exactly as a node opens a new data folder, then closed with the file compacted.
            Database.open(url, Database.EMBEDDED_USER, "", null).close();
            try (Connection c = DriverManager.getConnection(url, Database.EMBEDDED_USER, "");
                 Statement s = c.createStatement()) {
                s.execute("SHUTDOWN COMPACT");
            }
            Files.createDirectories(image.getParent());
            Files.copy(work.resolve(DATABASE_FILE), image, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            deleteTree(work);
        }
    }

    private static FileTime newestIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(MigratedImage::modified).max(Comparator.naturalOrder()).orElse(FileTime.fromMillis(0));
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(Long.MAX_VALUE); // unknown: build the image again
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
