package io.gatehouse.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A new embedded database, already migrated: the build runs every shipped migration once on an empty H2 file
 * ({@link #main}, at {@code process-classes}) and ships the result in the jar; a node that finds no database
 * in its data folder copies it in ({@link #placeInto}) instead of having H2 create the schema and Flyway run
 * every migration, which was about a second of a first start's 1.4 s. The copy holds the schema and Flyway's
 * history, nothing of an installation (keys, secrets, accounts: made at first start as before); Flyway's
 * history then matches what this build ships, so the start goes on as on an existing folder. Without the
 * image (a build that skipped the step) a new database is created and migrated by Flyway as before.
 * Beside it the build writes what it was made from ({@link #ABOUT}: H2's version and the migration versions);
 * a start copies it only when both are this jar's, and the build makes it again when either changed (an H2
 * upgrade in pom.xml, a migration removed or renamed), so a file of another H2 format, or a history this build
 * would refuse, is never copied in: without a fitting image the database is created and migrated as before.
 */
public final class MigratedImage {
    /** The image in the jar: an H2 file, made by {@link #main} from the same migrations this jar ships. */
    static final String RESOURCE = "db/image/gatehouse.mv.db";
    /** The embedded database's file in a data folder (see {@link Database#embeddedUrl}). */
    static final String DATABASE_FILE = "gatehouse.mv.db";
    /** What the image was made from, beside it: {@code h2=<version>} and {@code migrations=<v1>,<v2>,...}. */
    static final String ABOUT = "db/image/image.properties";

    private MigratedImage() {
    }

    /**
     * Copies the shipped image into {@code dataDir} when no database is there yet; true if it did. The copy is
     * written beside the target, forced to disk and moved into place in one step, so a start interrupted
     * half-way leaves no half database (a stale {@code .new} file is overwritten by the next start).
     * The caller holds the data folder's lock.
     */
    static boolean placeInto(Path dataDir) throws IOException {
        return placeInto(dataDir, MigratedImage.class.getClassLoader());
    }

    /** As above, with the image and its {@link #ABOUT} read from {@code resources}. */
    static boolean placeInto(Path dataDir, ClassLoader resources) throws IOException {
        Path target = dataDir.resolve(DATABASE_FILE);
        if (Files.exists(target)) {
            return false;
        }
        Properties about = new Properties();
        try (InputStream in = resources.getResourceAsStream(ABOUT)) {
            if (in == null) {
                return false;
            }
            about.load(in);
        }
        if (!about.equals(current().orElse(null))) {
            return false; // made by another H2 or from other migrations than this jar's: Flyway makes it
        }
        try (InputStream image = resources.getResourceAsStream(RESOURCE)) {
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
     * file with the migrations in that folder, and {@link #ABOUT} beside it. Skipped when the image is newer
     * than every migration file and was made by this H2 from the same migration versions.
     */
    public static void main(String[] args) throws Exception {
        Path classes = Path.of(args[0]);
        Path image = classes.resolve(RESOURCE);
        Path aboutFile = classes.resolve(ABOUT);
        Path migrations = classes.resolve(ShippedMigrations.LOCATION);
        Properties about = current().orElse(null);
        if (about == null) {
            // Migrations Flyway alone can judge (a repeatable one, a callback): no image; starts create and migrate.
            System.err.println("MigratedImage: no image (the migrations are not all versioned, or H2's version is unknown)");
            Files.deleteIfExists(image);
            Files.deleteIfExists(aboutFile);
            return;
        }
        if (Files.exists(image) && newestIn(migrations).compareTo(Files.getLastModifiedTime(image)) < 0
                && about.equals(read(aboutFile))) {
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
            Files.write(aboutFile, text(about).getBytes(StandardCharsets.ISO_8859_1));
        } finally {
            deleteTree(work);
        }
    }

    /** This jar's H2 version and the migration versions it ships, as {@link #ABOUT} holds them; empty if unsure. */
    static Optional<Properties> current() {
        String h2;
        try {
            // Read at run time: a constant would be the H2 this class was compiled against, copied in by javac.
            h2 = (String) Class.forName("org.h2.engine.Constants").getField("VERSION").get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
        return ShippedMigrations.versions().map(versions -> {
            Properties p = new Properties();
            p.setProperty("h2", h2);
            p.setProperty("migrations", String.join(",", new TreeSet<>(versions)));
            return p;
        });
    }

    private static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
        }
        return p;
    }

    /** The properties as lines, without the date {@link Properties#store} would add (the build stays repeatable). */
    private static String text(Properties p) {
        StringBuilder out = new StringBuilder("# what db/image/gatehouse.mv.db was made from (io.gatehouse.store.MigratedImage)\n");
        new TreeSet<>(p.stringPropertyNames()).forEach(k -> out.append(k).append('=').append(p.getProperty(k)).append('\n'));
        return out.toString();
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
