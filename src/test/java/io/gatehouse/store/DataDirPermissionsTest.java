package io.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §11 *v2* "Files": the data folder is created 0700 and its files are 0600 (hashes, emails, keys). */
class DataDirPermissionsTest {
    @TempDir
    Path tmp;

    @Test
    void a_new_data_folder_is_0700_and_the_database_and_master_key_are_0600() throws IOException {
        Path dir = tmp.resolve("gatehouse-data");
        try (TestServer s = TestServer.start(Backend.H2, Map.of("GATEHOUSE_DATA_DIR", dir.toString()))) {
            assertThat(s.admin.post("/admin/v1/accounts", Map.of("email", "perm@example.com", "password", "correct horse"))
                    .status()).isEqualTo(201);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("gatehouse.mv.db"))))
                    .isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("master.key"))))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void an_existing_database_file_readable_by_others_is_made_0600_at_start() throws IOException {
        Path dir = tmp.resolve("old-data");
        try (TestServer ignored = TestServer.start(Backend.H2, Map.of("GATEHOUSE_DATA_DIR", dir.toString()))) {
            // first start creates the files
        }
        Path db = dir.resolve("gatehouse.mv.db");
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        try (TestServer ignored = TestServer.start(Backend.H2, Map.of("GATEHOUSE_DATA_DIR", dir.toString()))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rw-------");
        }
    }
}
