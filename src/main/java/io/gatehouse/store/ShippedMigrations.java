package io.gatehouse.store;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whether a database already holds exactly the migrations this build ships, checked without Flyway. Flyway's
 * own start (its plugins, a scan of the classpath, the history, a checksum of each file) costs about a tenth
 * of a second even when there is nothing to do, and a node starts far more often than it is upgraded. Any
 * other case (a new database, a migration to apply, a failed one, one this build does not know, a file
 * that cannot be listed) goes to Flyway, which migrates and validates as before.
 */
final class ShippedMigrations {
    static final String LOCATION = "db/migration";
    /** Rows Flyway writes for itself (the schema or history table it created), with no version. */
    private static final Set<String> MARKERS = Set.of("SCHEMA", "TABLE");
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__[^/]+\\.sql");

    private ShippedMigrations() {
    }

    /** The versions this build ships (as Flyway records them: {@code 1}, {@code 2.1}), or empty if unsure. */
    static Optional<Set<String>> versions() {
        URL url = ShippedMigrations.class.getClassLoader().getResource(LOCATION);
        if (url == null) {
            return Optional.empty();
        }
        try {
            List<String> names = new ArrayList<>();
            if (url.getProtocol().equals("jar")) {
                // The class loader's own open copy of the jar (cached by the connection): not closed here.
                JarFile jar = ((JarURLConnection) url.openConnection()).getJarFile();
                for (JarEntry e : java.util.Collections.list(jar.entries())) {
                    if (e.getName().startsWith(LOCATION + "/") && !e.isDirectory()) {
                        names.add(e.getName().substring(LOCATION.length() + 1));
                    }
                }
            } else if (url.getProtocol().equals("file")) {
                try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
                    files.forEach(f -> names.add(f.getFileName().toString()));
                }
            } else {
                return Optional.empty();
            }
            Set<String> versions = new HashSet<>();
            for (String name : names) {
                Matcher m = VERSIONED.matcher(name);
                if (!m.matches()) {
                    return Optional.empty(); // a repeatable or callback script: Flyway decides
                }
                versions.add(m.group(1).replace('_', '.'));
            }
            return versions.isEmpty() ? Optional.empty() : Optional.of(versions);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** True when every shipped version is applied successfully and nothing else is (Flyway's own markers aside). */
    static boolean allApplied(Connection c, Set<String> shipped) {
        Set<String> applied = new HashSet<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, success, type FROM flyway_schema_history")) {
            while (rs.next()) {
                if (MARKERS.contains(rs.getString(3))) {
                    continue;
                }
                if (!rs.getBoolean(2) || rs.getString(1) == null) {
                    return false;
                }
                applied.add(rs.getString(1));
            }
        } catch (SQLException noHistoryYet) {
            return false;
        }
        return applied.equals(shipped);
    }
}
