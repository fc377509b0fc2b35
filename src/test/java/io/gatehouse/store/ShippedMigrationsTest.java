package io.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The start-up shortcut past Flyway: taken only when the history holds exactly what this build ships. */
class ShippedMigrationsTest {
    @Test
    void the_build_ships_every_migration_file_as_a_version() throws Exception {
        Set<String> files;
        try (Stream<Path> s = Files.list(Path.of("src/main/resources/db/migration"))) {
            files = s.map(p -> p.getFileName().toString().replaceFirst("^V([0-9_.]+)__.*$", "$1").replace('_', '.'))
                    .collect(Collectors.toSet());
        }
        assertThat(ShippedMigrations.versions()).contains(files);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void a_migrated_database_is_current_and_a_pending_unknown_or_failed_migration_is_not(Backend backend) throws Exception {
        Set<String> shipped = ShippedMigrations.versions().orElseThrow();
        try (TestDatabase t = TestDatabase.open(backend); Connection c = t.db.connection()) {
            assertThat(ShippedMigrations.allApplied(c, shipped)).isTrue();

            Set<String> newer = new HashSet<>(shipped);
            newer.add("100000");
            assertThat(ShippedMigrations.allApplied(c, newer)).as("a migration still to apply").isFalse();

            Set<String> older = new HashSet<>(shipped);
            older.remove("1");
            assertThat(ShippedMigrations.allApplied(c, older)).as("applied by a newer build").isFalse();

            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE flyway_schema_history SET success = FALSE WHERE version = '1'");
            }
            assertThat(ShippedMigrations.allApplied(c, shipped)).as("a failed migration").isFalse();
        }
    }

    @Test
    void a_database_without_history_is_not_current() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:empty-" + java.util.UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "")) {
            assertThat(ShippedMigrations.allApplied(c, ShippedMigrations.versions().orElseThrow())).isFalse();
        }
    }
}
