package io.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A first start copies the database the build migrated; it must be the database Flyway would have made. */
class MigratedImageTest {
    @TempDir
    Path tmp;

    @Test
    void the_build_ships_the_image_and_what_it_was_made_from() throws Exception {
        assertThat(MigratedImage.class.getClassLoader().getResource(MigratedImage.RESOURCE))
                .as("process-classes runs MigratedImage (pom.xml)").isNotNull();
        Properties about = new Properties();
        try (InputStream in = MigratedImage.class.getClassLoader().getResourceAsStream(MigratedImage.ABOUT)) {
            about.load(in);
        }
        assertThat(about).isEqualTo(MigratedImage.current().orElseThrow());
        assertThat(about.getProperty("h2")).isEqualTo(org.h2.engine.Constants.VERSION);
    }

    @Test
    void an_image_made_by_another_h2_or_from_other_migrations_is_not_copied() throws Exception {
        Properties current = MigratedImage.current().orElseThrow();
        String h2 = current.getProperty("h2");
        String migrations = current.getProperty("migrations");
        assertThat(placeWith("h2=" + h2 + "\nmigrations=" + migrations + "\n")).as("this build's").isTrue();
        assertThat(placeWith("h2=2.3.232\nmigrations=" + migrations + "\n")).as("another H2").isFalse();
        assertThat(placeWith("h2=" + h2 + "\nmigrations=" + migrations + ",100000\n")).as("a migration this jar lacks").isFalse();
        assertThat(placeWith("h2=" + h2 + "\nmigrations=" + migrations.substring(migrations.indexOf(',') + 1) + "\n"))
                .as("a migration the image lacks").isFalse();
        assertThat(placeWith(null)).as("an image without its description").isFalse();
    }

    /** placeInto with the build's image file and the given description (null: none), in a folder of its own. */
    private boolean placeWith(String about) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "data");
        Path resources = Files.createTempDirectory(tmp, "classes");
        Files.createDirectories(resources.resolve(MigratedImage.RESOURCE).getParent());
        try (InputStream image = MigratedImage.class.getClassLoader().getResourceAsStream(MigratedImage.RESOURCE)) {
            Files.copy(image, resources.resolve(MigratedImage.RESOURCE));
        }
        if (about != null) {
            Files.writeString(resources.resolve(MigratedImage.ABOUT), about);
        }
        // Only that folder: not the test class path's own image.
        try (URLClassLoader loader = new URLClassLoader(new URL[] {resources.toUri().toURL()}, null)) {
            boolean placed = MigratedImage.placeInto(dir, loader);
            assertThat(Files.exists(dir.resolve(MigratedImage.DATABASE_FILE))).isEqualTo(placed);
            return placed;
        }
    }

    @Test
    void the_build_makes_the_image_again_when_h2_or_the_migrations_are_not_those_it_was_made_with() throws Exception {
        Path classes = Files.createDirectory(tmp.resolve("classes"));
        Path migrations = Files.createDirectories(classes.resolve(ShippedMigrations.LOCATION));
        Files.writeString(migrations.resolve("V1__old.sql"), "-- older than the image\n");
        Files.setLastModifiedTime(migrations.resolve("V1__old.sql"), FileTime.fromMillis(0));
        Path image = classes.resolve(MigratedImage.RESOURCE);
        Files.createDirectories(image.getParent());
        String current = String.join("", MigratedImage.current().orElseThrow().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue() + "\n").toList());

        Files.writeString(image, "an image newer than every migration");
        Files.writeString(classes.resolve(MigratedImage.ABOUT), current);
        MigratedImage.main(new String[] {classes.toString()});
        assertThat(Files.readString(image)).as("made by this H2 from these migrations: kept").isEqualTo("an image newer than every migration");

        Files.writeString(classes.resolve(MigratedImage.ABOUT), current.replaceFirst("h2=[^\n]*", "h2=2.3.232"));
        MigratedImage.main(new String[] {classes.toString()});
        assertThat(Files.readAllBytes(image)).as("made by another H2: made again").startsWith("H:2".getBytes(StandardCharsets.US_ASCII));
        assertThat(Files.readString(classes.resolve(MigratedImage.ABOUT))).contains(current.split("\n"));
    }

    @Test
    void a_database_from_the_image_has_the_schema_and_history_flyway_gives_a_new_one() throws Exception {
        Path byFlyway = Files.createDirectory(tmp.resolve("flyway"));
        Path fromImage = Files.createDirectory(tmp.resolve("image"));
        assertThat(MigratedImage.placeInto(fromImage)).isTrue();
        assertThat(Files.exists(byFlyway.resolve(MigratedImage.DATABASE_FILE))).isFalse();

        List<String> expected = describe(byFlyway); // opened without the image: H2 creates it, Flyway migrates
        List<String> actual = describe(fromImage);
        assertThat(actual).isEqualTo(expected);
        assertThat(actual).anyMatch(row -> row.startsWith("column accounts.email"))
                .anyMatch(row -> row.startsWith("history 1|"));
    }

    @Test
    void a_migration_added_after_the_image_applies_to_a_database_made_from_it() throws Exception {
        assertThat(MigratedImage.placeInto(tmp)).isTrue();
        Path later = Files.createDirectory(tmp.resolve("later"));
        Files.writeString(later.resolve("V100000__later.sql"), "CREATE TABLE later_feature (id BIGINT PRIMARY KEY);\n");
        String url = Database.embeddedUrl(tmp);

        var result = Flyway.configure().dataSource(url, Database.EMBEDDED_USER, "")
                .locations("classpath:" + ShippedMigrations.LOCATION, "filesystem:" + later).load().migrate();

        assertThat(result.migrationsExecuted).isEqualTo(1);
        try (Connection c = DriverManager.getConnection(url, Database.EMBEDDED_USER, "");
             Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO later_feature VALUES (1)")).isEqualTo(1);
        }
    }

    @Test
    void a_half_written_copy_left_by_an_interrupted_start_is_replaced() throws Exception {
        Files.writeString(tmp.resolve(MigratedImage.DATABASE_FILE + ".new"), "torn");

        assertThat(MigratedImage.placeInto(tmp)).isTrue();

        assertThat(tmp.resolve(MigratedImage.DATABASE_FILE + ".new")).doesNotExist();
        try (Connection c = DriverManager.getConnection(Database.embeddedUrl(tmp), Database.EMBEDDED_USER, "")) {
            assertThat(ShippedMigrations.allApplied(c, ShippedMigrations.versions().orElseThrow())).isTrue();
        }
    }

    @Test
    void an_existing_database_is_never_replaced() throws Exception {
        Path file = tmp.resolve(MigratedImage.DATABASE_FILE);
        Files.writeString(file, "an operator's database");

        assertThat(MigratedImage.placeInto(tmp)).isFalse();

        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("an operator's database");
    }

    /** Tables, columns, indexes, constraints, sequences and Flyway's history, one sorted line each. */
    private static List<String> describe(Path dataDir) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Database db = Database.open(Database.embeddedUrl(dataDir), Database.EMBEDDED_USER, "", null);
             Connection c = db.connection()) {
            rows(c, "column", "SELECT table_name || '.' || column_name, ordinal_position, data_type, character_maximum_length,"
                    + " numeric_precision, is_nullable, column_default, is_identity FROM information_schema.columns"
                    + " WHERE table_schema = 'public'", rows);
            rows(c, "index", "SELECT i.table_name || '.' || i.index_name, i.index_type_name, c.column_name, c.ordinal_position,"
                    + " c.ordering_specification FROM information_schema.indexes i JOIN information_schema.index_columns c"
                    + " ON c.index_schema = i.index_schema AND c.index_name = i.index_name WHERE i.table_schema = 'public'", rows);
            rows(c, "constraint", "SELECT t.table_name || '.' || t.constraint_name, t.constraint_type, k.column_name,"
                    + " k.ordinal_position, cc.check_clause FROM information_schema.table_constraints t"
                    + " LEFT JOIN information_schema.key_column_usage k ON k.constraint_schema = t.constraint_schema"
                    + " AND k.constraint_name = t.constraint_name LEFT JOIN information_schema.check_constraints cc"
                    + " ON cc.constraint_schema = t.constraint_schema AND cc.constraint_name = t.constraint_name"
                    + " WHERE t.table_schema = 'public'", rows);
            rows(c, "reference", "SELECT constraint_name, unique_constraint_name, update_rule, delete_rule"
                    + " FROM information_schema.referential_constraints WHERE constraint_schema = 'public'", rows);
            rows(c, "sequence", "SELECT sequence_name, start_value, increment FROM information_schema.sequences"
                    + " WHERE sequence_schema = 'public'", rows);
            // H2's persistent settings (WRITE_DELAY, RETENTION_TIME, ...), not its figures about the file and cache
            rows(c, "setting", "SELECT setting_name, setting_value FROM information_schema.settings"
                    + " WHERE setting_name NOT LIKE 'info.%'", rows);
            rows(c, "user", "SELECT user_name, is_admin FROM information_schema.users", rows);
            rows(c, "right", "SELECT * FROM information_schema.rights", rows);
            rows(c, "history", "SELECT installed_rank, version, description, type, script, checksum, success"
                    + " FROM flyway_schema_history", rows);
        }
        rows.sort(null);
        return rows;
    }

    private static void rows(Connection c, String kind, String sql, List<String> out) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder(kind).append(' ');
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
    }
}
