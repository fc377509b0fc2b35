package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.core.Json;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §10: the CLI as a real subprocess against a real server. */
class CliIT {
    private static TestServer server;
    private static TestServer shortTokens;
    private static TestServer limited;
    private static final io.gatehouse.testing.ShiftableClock LIMITED_CLOCK = new io.gatehouse.testing.ShiftableClock();

    @TempDir
    Path home;

    private Cli cli;
    private Fixtures.Account account;
    private String key;

    @BeforeAll
    static void start() {
        server = TestServer.start(Backend.H2, Map.of());
        // Tokens that live 30 s: always inside the CLI's refresh margin, so every use refreshes.
        shortTokens = TestServer.start(Backend.H2, Map.of("GATEHOUSE_ACCESS_TOKEN_TTL", "30"));
        // Its clock can be shifted: a window opened "55 s ago" ends ~5 s from now, so 429 waits stay short.
        limited = TestServer.start(Backend.H2, Map.of("GATEHOUSE_API_KEY_RATE_LIMIT", "2"), LIMITED_CLOCK);
    }

    @AfterAll
    static void stop() {
        server.close();
        shortTokens.close();
        limited.close();
    }

    @BeforeEach
    void account() {
        cli = new Cli(home, server.api.base, server.admin.base);
        account = Fixtures.account(server);
        key = Fixtures.apiKey(server.admin, account.id());
    }

    private Cli.Result ok(String... args) {
        Cli.Result r = cli.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    @Test
    void auth_set_then_leads_list_prints_a_table_json_csv_and_yaml() throws Exception {
        ok("auth", "set", key);
        Path dir = home.resolve(".config/gatehouse");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("credentials.json")))).isEqualTo("rw-------");
        ok("leads", "create", "--first-name", "Ann", "--last-name", "Lee", "--email", "ann@example.com", "--tag", "vip");
        ok("leads", "create", "--first-name", "Bo", "--email", "bo@example.com");

        Cli.Result table = ok("leads", "list", "--limit", "10");
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0)).startsWith("ID").contains("FIRST NAME", "EMAIL");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).contains("Bo", "bo@example.com");

        JsonNode json = Json.MAPPER.readTree(ok("leads", "list", "--limit", "10", "--json").out());
        assertThat(json.get("get_metadata").get("total").asInt()).isEqualTo(2);
        assertThat(json.get("leads")).hasSize(2);

        Cli.Result csv = ok("leads", "list", "--format", "csv", "--no-header");
        assertThat(csv.out().lines().toList()).hasSize(2).allSatisfy(l -> assertThat(l).matches("\\d+,.*"));
        assertThat(csv.out()).contains(",Ann,Lee,ann@example.com,");

        assertThat(ok("leads", "list", "--format", "yaml").out()).contains("collection: leads", "firstName: Ann");
        assertThat(ok("--json", "leads", "list").out()).contains("\"get_metadata\"");
    }

    @Test
    void auth_show_masks_the_key_unless_raw() {
        ok("auth", "set", key);
        String shown = ok("auth", "show").out();
        assertThat(shown).doesNotContain(key).contains(key.substring(key.length() - 4));
        assertThat(ok("auth", "show", "--raw").out()).contains(key);
        ok("auth", "remove");
        assertThat(cli.run("auth", "test").exit()).isEqualTo(3);
    }

    @Test
    void leads_round_trip_and_api_prints_the_account() throws Exception {
        ok("auth", "set", key);
        String id = ok("leads", "create", "--first-name", "Cy", "--email", "cy@example.com").out().strip();
        assertThat(ok("leads", "get", id).out()).contains("Cy", "cy@example.com");
        assertThat(ok("leads", "update", id, "--stage", "Won").out()).contains("Won");
        assertThat(Json.MAPPER.readTree(ok("leads", "get", id, "--json").out()).get("lead").get("stage").asText()).isEqualTo("Won");
        ok("leads", "delete", id, "--reason", "duplicate");
        Cli.Result gone = cli.run("leads", "get", id);
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("does not exist");

        JsonNode me = Json.MAPPER.readTree(ok("api", "GET", "/v1.0/me").out());
        assertThat(me.get("email").asText()).isEqualTo(account.email());
        assertThat(ok("api", "POST", "/v1.0/leads", "--data", "{\"firstName\":\"Dee\"}").out()).contains("leadId");
    }

    @Test
    void auth_test_with_a_revoked_key_exits_3_saying_the_key_was_refused() {
        Resp created = server.admin.post("/admin/v1/accounts/" + account.id() + "/api-keys", Map.of("name", "soon revoked"));
        ok("auth", "set", created.json().get("key").asText());
        assertThat(ok("auth", "test").out()).contains("OK", account.email());
        server.admin.delete("/admin/v1/api-keys/" + created.json().get("id").asLong());
        Cli.Result r = cli.run("auth", "test");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("refused the API key").contains("revoked");
    }

    private record App(String clientId, String secret) {
    }

    private static App app(TestServer s, long owner, String type, List<String> redirects) {
        Resp r = s.admin.post("/admin/v1/apps", Map.of("owner_id", owner, "name", "CLI App", "type", type,
                "redirect_uris", redirects, "permissions", List.of("user.read", "leads.read")));
        return new App(r.json().get("client_id").asText(), r.json().has("client_secret") ? r.json().get("client_secret").asText() : null);
    }

    @Test
    void client_credentials_login_shows_app_account_and_expiry_and_refreshes_silently() throws Exception {
        Cli c = new Cli(home, shortTokens.api.base, shortTokens.admin.base);
        Fixtures.Account a = Fixtures.account(shortTokens);
        App app = app(shortTokens, a.id(), "confidential", List.of("https://a.example.com/cb"));
        c.env.put("GATEHOUSE_CLIENT_ID", app.clientId);
        c.env.put("GATEHOUSE_CLIENT_SECRET", app.secret);
        assertThat(c.run("auth", "set", Fixtures.apiKey(shortTokens.admin, a.id())).exit()).isZero();
        Cli.Result login = c.run("auth", "login");
        assertThat(login.exit()).as(login.toString()).isZero();
        Path tokenFile = home.resolve(".config/gatehouse/token.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        String first = Json.MAPPER.readTree(tokenFile.toFile()).get("access_token").asText();

        Cli.Result status = c.run("auth", "status");
        assertThat(status.exit()).as(status.toString()).isZero();
        assertThat(status.out()).contains("client credentials", app.clientId, "CLI App", a.email(), "Expires:");

        Cli.Result again = c.run("leads", "list");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.err()).isEmpty();
        assertThat(Json.MAPPER.readTree(tokenFile.toFile()).get("access_token").asText()).isNotEqualTo(first);
    }

    @Test
    void rate_limited_commands_wait_retry_and_say_so_then_exit_4_when_still_limited() {
        Cli c = new Cli(home, limited.api.base, limited.admin.base);
        Fixtures.Account a = Fixtures.account(limited);
        String k = Fixtures.apiKey(limited.admin, a.id());
        assertThat(c.run("auth", "set", k).exit()).isZero();
        LIMITED_CLOCK.shift(Duration.ofSeconds(-55));
        for (int i = 0; i < 2; i++) {
            assertThat(limited.api.get("/v1.0/me", TestClient.token(k)).status()).isEqualTo(200);
        }
        LIMITED_CLOCK.shift(Duration.ZERO); // the window opened 55 s ago; it ends in about 5 s
        Cli.Result waited = c.run("auth", "test");
        assertThat(waited.exit()).as(waited.toString()).isZero();
        assertThat(waited.err()).contains("rate limited").contains("waiting").contains("retrying (1 of 3)");

        Fixtures.Account b = Fixtures.account(limited);
        String kb = Fixtures.apiKey(limited.admin, b.id());
        for (int i = 0; i < 2; i++) {
            limited.api.get("/v1.0/me", TestClient.token(kb));
        }
        Cli.Result gaveUp = c.run(Map.of("GATEHOUSE_CUSTOMER_KEY", kb, "GATEHOUSE_MAX_RETRIES", "0"), "auth", "test");
        assertThat(gaveUp.exit()).as(gaveUp.toString()).isEqualTo(4);
        assertThat(gaveUp.err()).contains("Still rate limited");
    }

    @Test
    void login_browser_runs_the_code_flow_with_pkce_through_a_loopback_redirect() throws Exception {
        App app = app(server, account.id(), "public", List.of("http://127.0.0.1/callback"));
        Process p = cli.start(Map.of("GATEHOUSE_CLIENT_ID", app.clientId), "auth", "login-browser", "--no-browser", "--timeout", "60");
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

        Cli.Result status = cli.run("auth", "status");
        assertThat(status.out()).contains("browser login", account.email());
    }

    @Test
    void login_session_posts_the_session_id_to_a_token_url() throws Exception {
        App app = app(server, account.id(), "confidential", List.of("https://a.example.com/cb"));
        // A token URL outside Gatehouse (as in the Lofty CLI): it trades a session id for an OAuth token response.
        String body = server.api.send("POST", "/oauth/token", "grant_type=client_credentials&customer_key=" + key,
                "Content-Type", "application/x-www-form-urlencoded", "Authorization",
                "Basic " + Base64.getEncoder().encodeToString((app.clientId + ":" + app.secret).getBytes())).body();
        HttpServer tokenUrl = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tokenUrl.createContext("/session-token", ex -> {
            String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            byte[] out = form.equals("session_id=sess-123") ? body.getBytes(StandardCharsets.UTF_8)
                    : "{\"error\":\"invalid_grant\",\"error_description\":\"unknown session\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(form.equals("session_id=sess-123") ? 200 : 400, out.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(out);
            }
        });
        tokenUrl.start();
        try {
            String url = "http://127.0.0.1:" + tokenUrl.getAddress().getPort() + "/session-token";
            assertThat(cli.run("auth", "login-session", "--tokenurl", url, "--sessionid", "wrong").exit()).isEqualTo(3);
            Cli.Result r = cli.run("auth", "login-session", "--tokenurl", url, "--sessionid", "sess-123");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(ok("auth", "status").out()).contains("session token", account.email());
        } finally {
            tokenUrl.stop(0);
        }
    }

    @Test
    void an_access_token_in_the_environment_wins_over_stored_credentials() {
        ok("auth", "set", "not-a-valid-key");
        App app = app(server, account.id(), "confidential", List.of("https://a.example.com/cb"));
        String token = server.api.send("POST", "/oauth/token", "grant_type=client_credentials&customer_key=" + key,
                "Content-Type", "application/x-www-form-urlencoded", "Authorization",
                "Basic " + Base64.getEncoder().encodeToString((app.clientId + ":" + app.secret).getBytes()))
                .json().get("access_token").asText();
        Cli.Result r = cli.run(Map.of("GATEHOUSE_ACCESS_TOKEN", token), "auth", "status");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("GATEHOUSE_ACCESS_TOKEN", account.email());
        ok("auth", "logout");
        assertThat(Files.exists(home.resolve(".config/gatehouse/credentials.json"))).isFalse();
    }

    @Test
    void usage_errors_exit_2_and_completion_prints_a_script() {
        assertThat(cli.run("leads", "list", "--limit").exit()).isEqualTo(2);
        assertThat(cli.run("nonsense").exit()).isEqualTo(2);
        assertThat(ok("completion", "bash").out()).contains("complete -F");
        assertThat(ok("completion", "zsh").out()).contains("bashcompinit");
        assertThat(ok("--version").out()).startsWith("gatehouse ");
    }
}
