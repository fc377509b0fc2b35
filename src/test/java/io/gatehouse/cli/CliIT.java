package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §10: the packaged launcher as a real process against a real server, for what only a process shows:
 * exit codes, standard input, whether stderr is a terminal, a clock of its own, a browser login. The rest of
 * the CLI is tested in-process (CliAuthTest, CliDataTest, CommandTreeTest), which is much faster.
 */
class CliIT {
    private static TestServer server;
    /** A server whose clock the test moves: the CLI process keeps the machine's, so the two disagree at will. */
    private static TestServer clocked;
    private static final MutableClock SERVER_CLOCK = MutableClock.startingNow();

    @TempDir
    Path home;

    private Cli cli;
    private Fixtures.Account account;
    private String key;

    @BeforeAll
    static void start() {
        server = TestServer.start(Backend.H2, Map.of());
        clocked = TestServer.start(Backend.H2, Map.of(), SERVER_CLOCK);
    }

    @AfterAll
    static void stop() {
        server.close();
        clocked.close();
    }

    @BeforeEach
    void account() {
        cli = new Cli(home, server.api.base, server.admin.base);
        account = Fixtures.account(server);
        key = Fixtures.apiKey(server.admin, account.id());
    }

    private static Cli.Result ok(Cli.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    @Test
    void a_client_credentials_login_keeps_working_when_the_server_refuses_its_token_as_expired_before_the_cli_thinks_it_is()
            throws Exception {
        Cli c = new Cli(home, clocked.api.base, clocked.admin.base);
        Fixtures.Account a = Fixtures.account(clocked);
        Cli.App app = Cli.app(clocked, a.id(), "confidential", List.of("https://a.example.com/cb"));
        ok(c.run("auth", "set", Fixtures.apiKey(clocked.admin, a.id())));
        ok(c.run(Map.of("GATEHOUSE_CLIENT_ID", app.clientId(), "GATEHOUSE_CLIENT_SECRET", app.secret()), "auth", "login"));
        Path tokenFile = home.resolve(".config/gatehouse/token.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        String first = CliJson.MAPPER.readTree(tokenFile.toFile()).get("access_token").asText();

        // The server's clock jumps a day ahead: it refuses the token the CLI, by its own clock, still holds valid.
        SERVER_CLOCK.advance(Duration.ofDays(1));
        assertThat(clocked.api.get("/v1.0/me", TestClient.bearer(first)).status()).as("the first token has expired").isEqualTo(401);

        Cli.Result list = ok(c.run("leads", "list"));
        assertThat(list.err()).isEmpty();
        assertThat(CliJson.MAPPER.readTree(tokenFile.toFile()).get("access_token").asText()).isNotEqualTo(first);
        assertThat(ok(c.run("auth", "status")).out()).contains("client-credentials login", app.clientId(), a.email(), "Expires:");
    }

    @Test
    void api_data_reads_at_file_as_the_readme_writes_it_and_at_dash_from_standard_input() throws Exception {
        Map<String, String> asKey = Map.of("GATEHOUSE_CUSTOMER_KEY", key);
        Files.writeString(home.resolve("lead.json"), "{\"firstName\":\"Ann\"}");
        assertThat(ok(cli.run(asKey, "api", "POST", "/v1.0/leads", "--data", "@" + home.resolve("lead.json"))).out()).contains("leadId");
        assertThat(ok(cli.piped("{\"firstName\":\"Bo\"}", asKey, "api", "POST", "/v1.0/leads", "--data", "@-")).out()).contains("leadId");
        assertThat(server.api.get("/v1.0/leads", TestClient.token(key)).body()).contains("\"Ann\"", "\"Bo\"");
    }

    @Test
    void a_progress_line_goes_to_stderr_only_when_stderr_is_a_terminal() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(server.api.post("/v1.0/leads", Map.of("firstName", "P" + i), TestClient.token(key)).status()).isEqualTo(201);
        }
        Cli.Result piped = ok(cli.run(Map.of("GATEHOUSE_CUSTOMER_KEY", key), "leads", "list", "--all"));
        assertThat(piped.err()).isEmpty();
        assertThat(piped.out()).contains("P0", "P1", "P2");

        // script(1) gives the command a pseudo-terminal; stdout goes to a file, stderr stays on the terminal.
        ok(cli.run("auth", "set", key));
        Path out = home.resolve("all.txt");
        Process p = cli.startRaw("script", "-qec", String.join(" ", cli.command("leads", "list", "--all")) + " > " + out, "/dev/null");
        String terminal = Cli.read(p.getInputStream());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(terminal).isZero();
        assertThat(terminal).contains("leads: 3 of 3");
        assertThat(Files.readString(out)).contains("P0", "P1", "P2").doesNotContain("leads: 3");
    }

    @Test
    void login_browser_runs_the_code_flow_with_pkce_through_a_loopback_redirect() throws Exception {
        Cli.App app = Cli.app(server, account.id(), "public", List.of("http://127.0.0.1/callback"));
        Process p = cli.start(Map.of("GATEHOUSE_CLIENT_ID", app.clientId()), "auth", "login-browser", "--no-browser", "--timeout", "60");
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String url = null;
        for (String line; (line = err.readLine()) != null; ) {
            if (line.strip().startsWith("http")) {
                url = line.strip();
                break;
            }
        }
        assertThat(url).startsWith(server.api.base + "/oauth/authorize?").contains("code_challenge_method=S256");

        Browser b = new Browser(server.api.base);
        b.submit(b.open("/portal/login"), "/portal/login", Map.of("email", account.email(), "password", "correct horse battery"));
        Browser.Page consent = b.open(url);
        Browser.Page back = b.submit(consent, "/oauth/authorize", Map.of("decision", "approve"));
        assertThat(back.location()).startsWith("http://127.0.0.1:");
        java.net.http.HttpResponse<String> done = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(back.location())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(done.body()).contains("Logged in");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();

        Cli.Result status = ok(cli.run("auth", "status"));
        assertThat(status.out()).contains("browser login", account.email());
    }

    @Test
    void login_device_as_a_process_logs_in_when_a_second_client_approves_the_code_and_auth_test_then_works() throws Exception {
        Cli.App app = Cli.app(server, account.id(), "public", List.of("http://127.0.0.1/callback"));
        Process p = cli.start(Map.of("GATEHOUSE_CLIENT_ID", app.clientId()), "auth", "login-device");
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String url = null;
        String code = null;
        for (String line; code == null && (line = err.readLine()) != null; ) {
            if (line.contains("/portal/device") && url == null) {
                url = line;
            }
            if (line.strip().matches("[A-Z]{4}-[A-Z]{4}")) {
                code = line.strip();
            }
        }
        assertThat(url).contains(server.server.issuer() + "/portal/device"); // the issuer's host, not the test's 127.0.0.1
        assertThat(code).isNotNull();

        Browser b = new Browser(server.api.base);
        b.submit(b.open("/portal/login"), "/portal/login", Map.of("email", account.email(), "password", "correct horse battery"));
        Browser.Page consent = b.submit(b.open("/portal/device"), "/portal/device", Map.of("user_code", code));
        assertThat(b.submit(consent, "/portal/device/decide", Map.of("decision", "approve")).body()).contains("Device connected");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Cli.read(p.getErrorStream())).isZero();

        Cli.Result test = ok(cli.run("auth", "test"));
        assertThat(test.out()).contains(account.email());
    }

    @Test
    void the_launcher_exits_2_on_usage_errors_and_answers_help_and_version() {
        assertThat(cli.run("leads", "list", "--limit").exit()).isEqualTo(2);
        assertThat(cli.run("nonsense").exit()).isEqualTo(2);
        assertThat(ok(cli.run("help", "leads", "list")).out()).startsWith("Usage: gatehouse leads list");
        assertThat(ok(cli.run("--version")).out()).startsWith("gatehouse ");
    }
}
