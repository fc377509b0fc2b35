package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.config.Settings;
import io.gatehouse.store.Database;
import io.gatehouse.store.Jdbc;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestDatabases;
import io.gatehouse.testing.TestServer;
import io.gatehouse.token.MasterKey;
import io.gatehouse.token.MasterKeyRotation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** docs/operations.md, "Rotating the master key": every signing key is sealed again, and credentials keep working. */
class RotateMasterKeyTest {
    @TempDir
    Path tmp;

    @Test
    void rotating_the_key_in_the_data_dir_replaces_master_key_and_every_api_key_keeps_working() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> settings = Map.of("GATEHOUSE_DATA_DIR", data.toString());
        Fixtures.Account account;
        String key;
        try (TestServer node = TestServer.start(Backend.H2, settings)) {
            account = Fixtures.account(node);
            key = Fixtures.apiKey(node.admin, account.id());
        }
        String oldKey = Files.readString(data.resolve("master.key"));

        Run r = run(settings);
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.err).contains("2 signing key(s) encrypted with the new master key").contains("replaced");
        assertThat(Files.readString(data.resolve("master.key"))).isNotEqualTo(oldKey);
        assertThat(data.resolve("master.key.new")).doesNotExist();

        try (TestServer node = TestServer.start(Backend.H2, settings)) {
            assertThat(node.api.get("/v1.0/me", TestClient.token(key)).json().get("id").asLong()).isEqualTo(account.id());
        }
        // The database really changed: the old key no longer opens it.
        Files.writeString(data.resolve("master.key"), oldKey);
        assertThatThrownBy(() -> TestServer.start(Backend.H2, settings)).hasMessageContaining("master key differs");
    }

    @Test
    void with_the_key_in_the_environment_the_new_key_comes_from_a_file_and_a_second_run_changes_nothing() throws Exception {
        String url = TestDatabases.create();
        try {
            String oldKey = MasterKey.generateText();
            String newKey = MasterKey.generateText();
            Path newKeyFile = Files.writeString(tmp.resolve("new.key"), newKey + "\n");
            String key;
            try (TestServer node = TestServer.node(Map.of("GATEHOUSE_DB_URL", url, "GATEHOUSE_MASTER_KEY", oldKey))) {
                key = Fixtures.apiKey(node.admin, Fixtures.account(node).id());
            }
            Map<String, String> env = Map.of("GATEHOUSE_DB_URL", url, "GATEHOUSE_MASTER_KEY", oldKey);

            Run withoutFile = run(env);
            assertThat(withoutFile.exit).isEqualTo(2);
            assertThat(withoutFile.err).contains("--new-key-file");

            Run r = run(env, "--new-key-file", newKeyFile.toString());
            assertThat(r.exit).as(r.err).isZero();
            assertThat(r.err).contains("2 signing key(s) encrypted").contains("set GATEHOUSE_MASTER_KEY to the new key on every node");

            Run again = run(env, "--new-key-file", newKeyFile.toString());
            assertThat(again.exit).as(again.err).isZero();
            assertThat(again.err).contains("0 signing key(s) encrypted with the new master key (2 already were)");

            try (TestServer node = TestServer.node(Map.of("GATEHOUSE_DB_URL", url, "GATEHOUSE_MASTER_KEY", newKey))) {
                assertThat(node.api.get("/v1.0/me", TestClient.token(key)).status()).isEqualTo(200);
            }
            assertThatThrownBy(() -> TestServer.node(Map.of("GATEHOUSE_DB_URL", url, "GATEHOUSE_MASTER_KEY", oldKey)))
                    .hasMessageContaining("master key differs");
        } finally {
            TestDatabases.drop(url);
        }
    }

    @Test
    void a_rotation_interrupted_after_the_database_changed_finishes_when_run_again() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> settings = Map.of("GATEHOUSE_DATA_DIR", data.toString());
        String key;
        try (TestServer node = TestServer.start(Backend.H2, settings)) {
            key = Fixtures.apiKey(node.admin, Fixtures.account(node).id());
        }
        // As if the process died between the commit and replacing master.key.
        String pending = MasterKey.generateText();
        Files.writeString(data.resolve("master.key.new"), pending + "\n");
        try (Database db = Database.open(Settings.load(settings, null), null)) {
            MasterKeyRotation.reseal(new Jdbc(db), MasterKey.parse(Files.readString(data.resolve("master.key"))), MasterKey.parse(pending));
        }

        Run r = run(settings);
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.err).contains("finishing the rotation").contains("(2 already were)");
        assertThat(Files.readString(data.resolve("master.key")).strip()).isEqualTo(pending);
        try (TestServer node = TestServer.start(Backend.H2, settings)) {
            assertThat(node.api.get("/v1.0/me", TestClient.token(key)).status()).isEqualTo(200);
        }
    }

    @Test
    void a_master_key_that_does_not_belong_to_the_database_changes_nothing() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> settings = Map.of("GATEHOUSE_DATA_DIR", data.toString());
        try (TestServer node = TestServer.start(Backend.H2, settings)) {
            Fixtures.account(node);
        }
        Files.writeString(data.resolve("master.key"), MasterKey.generateText() + "\n");
        String stranger = Files.readString(data.resolve("master.key"));

        Run r = run(settings);
        assertThat(r.exit).isEqualTo(1);
        assertThat(r.err).contains("opens with neither the current master key nor the new one");
        assertThat(Files.readString(data.resolve("master.key"))).isEqualTo(stranger);
        assertThat(data.resolve("master.key.new")).doesNotExist();
    }

    private record Run(int exit, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        RotateMasterKeyCommand cmd = new RotateMasterKeyCommand();
        cmd.env = new HashMap<>(env);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        cmd.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(cmd).execute(args);
        return new Run(exit, err.toString(StandardCharsets.UTF_8));
    }
}
