package io.gatehouse.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.Ports;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Backups of the embedded database: over the admin API, by the command, offline, and restored on a fresh node. */
class BackupTest {
    private static final String ADMIN_TOKEN = "backup-test-admin-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    @Test
    void a_backup_from_the_admin_api_restores_on_a_fresh_node_with_its_accounts_and_keys() throws Exception {
        Path data = tmp.resolve("data");
        Fixtures.Account account;
        String key;
        byte[] zip;
        try (TestServer node = TestServer.start(Backend.H2, Map.of("GATEHOUSE_DATA_DIR", data.toString()))) {
            account = Fixtures.account(node);
            key = Fixtures.apiKey(node.admin, account.id());
            HttpResponse<byte[]> r = postBackup(node.admin, null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/zip");
            assertThat(r.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment; filename=\"gatehouse-backup-");
            zip = r.body();
            // The node keeps serving after the online backup.
            assertThat(node.api.get("/v1.0/me", TestClient.token(key)).status()).isEqualTo(200);
        }
        assertThat(entries(zip)).containsExactlyInAnyOrder("gatehouse.mv.db", "master.key");

        Path restored = tmp.resolve("restored");
        unzip(zip, restored);
        try (TestServer fresh = TestServer.start(Backend.H2, Map.of("GATEHOUSE_DATA_DIR", restored.toString()))) {
            assertThat(fresh.admin.get("/admin/v1/accounts/" + account.id()).json().get("email").asText()).isEqualTo(account.email());
            // The key still verifies: the signing keys came back with the master key that opens them.
            assertThat(fresh.api.get("/v1.0/me", TestClient.token(key)).json().get("id").asLong()).isEqualTo(account.id());
        }
    }

    @Test
    void with_a_master_key_from_the_environment_the_backup_holds_no_key() throws Exception {
        String masterKey = "a passphrase that is long enough to be a master key";
        try (TestServer node = TestServer.start(Backend.H2, Map.of("GATEHOUSE_MASTER_KEY", masterKey))) {
            HttpResponse<byte[]> r = postBackup(node.admin, null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(entries(r.body())).containsExactly("gatehouse.mv.db");
        }
    }

    @Test
    void the_command_saves_the_running_servers_backup_privately_and_needs_the_admin_token() throws Exception {
        Path data = tmp.resolve("data");
        try (TestServer node = TestServer.start(Backend.H2, Map.of("GATEHOUSE_DATA_DIR", data.toString(),
                "GATEHOUSE_ADMIN_TOKEN", ADMIN_TOKEN))) {
            assertThat(postBackup(node.admin, null).statusCode()).isEqualTo(401);

            Path file = tmp.resolve("nightly.zip");
            Map<String, String> env = new HashMap<>(Map.of("GATEHOUSE_ADMIN_URL", node.admin.base,
                    "GATEHOUSE_DATA_DIR", data.toString()));
            Run refused = run(env, file.toString());
            assertThat(refused.exit).isEqualTo(3);
            assertThat(refused.err).contains("GATEHOUSE_ADMIN_TOKEN");
            assertThat(file).doesNotExist();

            env.put("GATEHOUSE_ADMIN_TOKEN", ADMIN_TOKEN);
            Run ok = run(env, file.toString());
            assertThat(ok.exit).as(ok.err).isZero();
            assertThat(ok.err).contains("backup written to " + file).contains("from the server at " + node.admin.base);
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(entries(Files.readAllBytes(file))).contains("gatehouse.mv.db", "master.key");
            assertThat(tmp.resolve("nightly.zip.part")).doesNotExist();
        }
    }

    @Test
    void with_no_server_running_the_command_backs_up_the_data_dir_directly() throws Exception {
        Path data = tmp.resolve("data");
        Fixtures.Account account;
        try (TestServer node = TestServer.start(Backend.H2, Map.of("GATEHOUSE_DATA_DIR", data.toString()))) {
            account = Fixtures.account(node);
        }
        Path file = tmp.resolve("offline.zip");
        Run r = run(Map.of("GATEHOUSE_ADMIN_URL", "http://127.0.0.1:" + closedPort(), "GATEHOUSE_DATA_DIR", data.toString()),
                file.toString());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.err).contains("no server answers").contains("backup written to");

        Path restored = tmp.resolve("restored");
        unzip(Files.readAllBytes(file), restored);
        try (TestServer fresh = TestServer.start(Backend.H2, Map.of("GATEHOUSE_DATA_DIR", restored.toString()))) {
            assertThat(fresh.admin.get("/admin/v1/accounts/" + account.id()).status()).isEqualTo(200);
        }
    }

    @Test
    void a_data_dir_without_a_database_is_refused_by_name() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Run r = run(Map.of("GATEHOUSE_ADMIN_URL", "http://127.0.0.1:" + closedPort(), "GATEHOUSE_DATA_DIR", empty.toString()),
                tmp.resolve("x.zip").toString());
        assertThat(r.exit).isEqualTo(1);
        assertThat(r.err).contains("there is no Gatehouse database in " + empty);
        assertThat(tmp.resolve("x.zip")).doesNotExist();
    }

    @Test
    void on_postgresql_the_endpoint_and_the_command_point_to_pg_dump_and_write_nothing() throws Exception {
        try (TestServer node = TestServer.start(Backend.POSTGRES, Map.of())) {
            HttpResponse<byte[]> r = postBackup(node.admin, null);
            assertThat(r.statusCode()).isEqualTo(409);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"error\":\"CONFLICT\"").contains("pg_dump");
        }
        Path file = tmp.resolve("pg.zip");
        Run r = run(Map.of("GATEHOUSE_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test"), file.toString());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("pg_dump");
        assertThat(file).doesNotExist();
    }

    // ---- helpers ----

    private record Run(int exit, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        BackupCommand cmd = new BackupCommand();
        cmd.env = env;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        cmd.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(cmd).execute(args);
        return new Run(exit, err.toString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<byte[]> postBackup(TestClient admin, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(admin.base + "/admin/v1/backup"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static List<String> entries(byte[] zip) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        return names;
    }

    /** What the documented restore does with unzip: every entry into the (new) data dir. */
    static void unzip(byte[] zip, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path target = dir.resolve(e.getName()).normalize();
                assertThat(target.getParent()).isEqualTo(dir.normalize());
                Files.copy(in, target);
            }
        }
    }

    /** A port where no server answers (connections refused), held so no other process can take it meanwhile. */
    private static final Socket NO_SERVER = Ports.refusing();

    private static int closedPort() {
        return NO_SERVER.getLocalPort();
    }
}
