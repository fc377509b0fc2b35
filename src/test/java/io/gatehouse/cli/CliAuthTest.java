package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §10 logins that last, run in-process against real servers. The server and the CLI share a clock the
 * test moves, so "after the token expired" and "after the rate-limit window" take no real time.
 */
class CliAuthTest {
    private static final MutableClock CLOCK = MutableClock.startingNow();
    private static final String ADMIN_TOKEN = "cli-admin-token-0123456789";
    /** Two-second access tokens, two API-key requests a minute, on the shared clock (which stands still until moved). */
    private static TestServer clocked;
    private static TestServer guarded;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        clocked = TestServer.start(Backend.H2, Map.of("GATEHOUSE_ACCESS_TOKEN_TTL", "2", "GATEHOUSE_API_KEY_RATE_LIMIT", "2"), CLOCK);
        guarded = TestServer.start(Backend.H2, Map.of("GATEHOUSE_ADMIN_TOKEN", ADMIN_TOKEN));
    }

    @AfterAll
    static void stop() {
        clocked.close();
        guarded.close();
    }

    private static void advance(Duration d) {
        CLOCK.advance(d);
    }

    private Cli cli(TestServer s) {
        Cli c = new Cli(home, s.api.base, s.admin.base);
        c.clock = CLOCK;
        return c;
    }

    private static Cli.Result ok(Cli.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private JsonNode storedToken() throws Exception {
        return CliJson.MAPPER.readTree(home.resolve(".config/gatehouse/token.json").toFile());
    }

    @Test
    void a_client_credentials_login_made_once_renews_itself_after_the_token_expired_with_no_variables_set() throws Exception {
        Cli c = cli(clocked);
        Fixtures.Account a = Fixtures.account(clocked);
        Cli.App app = Cli.app(clocked, a.id(), "confidential", List.of("https://a.example.com/cb"));
        ok(c.inProcess("auth", "set", Fixtures.apiKey(clocked.admin, a.id())));
        Cli.Result login = ok(c.inProcess(Map.of("GATEHOUSE_CLIENT_ID", app.clientId(), "GATEHOUSE_CLIENT_SECRET", app.secret()), "",
                "auth", "login"));
        assertThat(login.err()).contains("renewed automatically");
        Path tokenFile = home.resolve(".config/gatehouse/token.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        assertThat(storedToken().get("client_secret").asText()).isEqualTo(app.secret());
        String first = storedToken().get("access_token").asText();

        advance(Duration.ofSeconds(5));
        assertThat(clocked.api.get("/v1.0/me", TestClient.bearer(first)).status()).as("the first token has expired").isEqualTo(401);
        Cli.Result list = ok(c.inProcess("leads", "list"));
        assertThat(list.err()).isEmpty();
        assertThat(storedToken().get("access_token").asText()).isNotEqualTo(first);

        advance(Duration.ofSeconds(5));
        Cli.Result status = ok(c.inProcess("auth", "status"));
        assertThat(status.out()).contains("client-credentials login", app.clientId(), "CLI App", a.email(), "Key:", "Expires:")
                .doesNotContain("Problem");
    }

    /** RFC 7009: revokes an access token as its app (the client authenticates with Basic). */
    private static void revoke(Cli.App app, String accessToken) {
        String basic = "Basic " + Base64.getEncoder().encodeToString((app.clientId() + ":" + app.secret()).getBytes(StandardCharsets.UTF_8));
        Resp r = clocked.api.send("POST", "/oauth/revoke", "token=" + accessToken + "&token_type_hint=access_token",
                "Authorization", basic, "Content-Type", "application/x-www-form-urlencoded");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(clocked.api.get("/v1.0/me", TestClient.bearer(accessToken)).status()).as("the token is revoked").isEqualTo(401);
    }

    @Test
    void a_cached_token_the_server_refuses_before_it_expires_is_renewed_once_and_the_request_sent_again() throws Exception {
        Cli c = cli(clocked);
        Fixtures.Account a = Fixtures.account(clocked);
        Cli.App app = Cli.app(clocked, a.id(), "confidential", List.of("https://a.example.com/cb"));
        ok(c.inProcess("auth", "set", Fixtures.apiKey(clocked.admin, a.id())));
        ok(c.inProcess(Map.of("GATEHOUSE_CLIENT_ID", app.clientId(), "GATEHOUSE_CLIENT_SECRET", app.secret()), "", "auth", "login"));
        String first = storedToken().get("access_token").asText();
        revoke(app, first);

        Cli.Result created = ok(c.inProcess(Map.of(), "", "--verbose", "leads", "create", "--first-name", "Once"));
        assertThat(created.err()).contains("refused the cached access token", "renewed").doesNotContain(first);
        String second = storedToken().get("access_token").asText();
        assertThat(second).isNotEqualTo(first);
        assertThat(clocked.api.get("/v1.0/leads", TestClient.token(Fixtures.apiKey(clocked.admin, a.id()))).body())
                .as("the request sent again after the 401 made one lead").containsOnlyOnce("\"Once\"");
        assertThat(ok(c.inProcess("leads", "list")).err()).isEmpty();
        assertThat(storedToken().get("access_token").asText()).as("the renewed token is used as it is").isEqualTo(second);
    }

    @Test
    void auth_status_after_renewing_a_refused_token_shows_the_renewed_tokens_expiry() throws Exception {
        Cli c = cli(clocked);
        Fixtures.Account a = Fixtures.account(clocked);
        Cli.App app = Cli.app(clocked, a.id(), "confidential", List.of("https://a.example.com/cb"));
        ok(c.inProcess("auth", "set", Fixtures.apiKey(clocked.admin, a.id())));
        ok(c.inProcess(Map.of("GATEHOUSE_CLIENT_ID", app.clientId(), "GATEHOUSE_CLIENT_SECRET", app.secret()), "", "auth", "login"));
        String first = storedToken().get("access_token").asText();
        // The stored token says it lives an hour longer than the server's 2 s (as a token from a server whose
        // TTL was then cut would): its expiry is told apart from the renewed one's, and it is not due for renewal.
        com.fasterxml.jackson.databind.node.ObjectNode doctored = (com.fasterxml.jackson.databind.node.ObjectNode) storedToken();
        doctored.put("expires_at", doctored.get("expires_at").asLong() + 3600).put("expires_in", 3602);
        Files.writeString(home.resolve(".config/gatehouse/token.json"), CliJson.MAPPER.writeValueAsString(doctored));
        String firstExpiry = Instant.ofEpochSecond(storedToken().get("expires_at").asLong()).toString();
        revoke(app, first);

        Cli.Result status = ok(c.inProcess(Map.of(), "", "--verbose", "auth", "status"));
        assertThat(status.err()).contains("refused the cached access token", "renewed");
        assertThat(storedToken().get("access_token").asText()).isNotEqualTo(first);
        String renewedExpiry = Instant.ofEpochSecond(storedToken().get("expires_at").asLong()).toString();
        assertThat(renewedExpiry).isNotEqualTo(firstExpiry);
        assertThat(status.out()).contains(renewedExpiry).doesNotContain(firstExpiry).doesNotContain("Problem");
    }

    @Test
    void a_refused_cached_token_that_cannot_be_renewed_is_exit_3_saying_the_server_refused_it_and_what_to_do() throws Exception {
        Cli c = cli(clocked);
        Fixtures.Account a = Fixtures.account(clocked);
        Cli.App app = Cli.app(clocked, a.id(), "confidential", List.of("https://a.example.com/cb"));
        ok(c.inProcess("auth", "set", Fixtures.apiKey(clocked.admin, a.id())));
        ok(c.inProcess(Map.of("GATEHOUSE_CLIENT_ID", app.clientId(), "GATEHOUSE_CLIENT_SECRET", app.secret()), "", "auth", "login"));
        revoke(app, storedToken().get("access_token").asText());
        Resp rotated = clocked.api.post("/v1.0/apps/" + app.clientId() + "/secret", Map.of(),
                TestClient.token(Fixtures.apiKey(clocked.admin, a.id())));
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);

        Cli.Result list = c.inProcess("leads", "list");
        assertThat(list.exit()).as(list.toString()).isEqualTo(3);
        assertThat(list.err()).contains("The server refused the cached client-credentials login", "could not be renewed",
                "invalid_client", "Log in again");
    }

    @Test
    void auth_status_reports_an_expired_login_it_cannot_renew_and_says_what_to_do_without_failing() throws Exception {
        Cli c = cli(clocked);
        Fixtures.Account a = Fixtures.account(clocked);
        Cli.App app = Cli.app(clocked, a.id(), "confidential", List.of("https://a.example.com/cb"));
        ok(c.inProcess("auth", "set", Fixtures.apiKey(clocked.admin, a.id())));
        ok(c.inProcess(Map.of("GATEHOUSE_CLIENT_ID", app.clientId(), "GATEHOUSE_CLIENT_SECRET", app.secret()), "", "auth", "login"));
        Resp rotated = clocked.api.post("/v1.0/apps/" + app.clientId() + "/secret", Map.of(),
                TestClient.token(Fixtures.apiKey(clocked.admin, a.id())));
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        advance(Duration.ofSeconds(5));

        Cli.Result status = c.inProcess("auth", "status");
        assertThat(status.exit()).as(status.toString()).isZero();
        assertThat(status.out()).contains("client-credentials login", "(expired)", "Problem:", "could not be renewed",
                "invalid_client", "gatehouse auth login");
        Cli.Result list = c.inProcess("leads", "list");
        assertThat(list.exit()).isEqualTo(3);
        assertThat(list.err()).contains("expired at", "Log in again");
    }

    @Test
    void auth_status_shows_the_api_keys_id_name_and_expiry_and_auth_show_masks_it_as_id_and_last_4() throws Exception {
        Cli c = cli(clocked);
        Fixtures.Account a = Fixtures.account(clocked);
        Resp created = clocked.admin.post("/admin/v1/accounts/" + a.id() + "/api-keys",
                Map.of("name", "laptop", "expires_at", "2031-05-01T00:00:00Z"));
        String key = created.json().get("key").asText();
        String id = created.json().get("id").asText();
        ok(c.inProcess("auth", "set", key));

        Cli.Result status = ok(c.inProcess("auth", "status"));
        assertThat(status.out()).contains("API key", a.email(), "Key:", id, "laptop", "Key expires:", "2031-05-01T00:00:00Z")
                .doesNotContain(key);

        String shown = ok(c.inProcess("auth", "show")).out();
        assertThat(shown).contains(id + " …" + key.substring(key.length() - 4)).doesNotContain(key);
        String other = Fixtures.apiKey(clocked.admin, a.id());
        ok(c.inProcess("auth", "set", other));
        String otherShown = ok(c.inProcess("auth", "show")).out();
        assertThat(otherShown).as("two keys can be told apart").isNotEqualTo(shown).doesNotContain(id + " …");
        assertThat(ok(c.inProcess("auth", "show", "--raw")).out()).contains(other);
    }

    @Test
    void auth_status_of_a_revoked_key_reports_it_and_exits_0_while_auth_test_exits_3() {
        Cli c = cli(clocked);
        Fixtures.Account a = Fixtures.account(clocked);
        Resp created = clocked.admin.post("/admin/v1/accounts/" + a.id() + "/api-keys", Map.of("name", "old"));
        ok(c.inProcess("auth", "set", created.json().get("key").asText()));
        clocked.admin.delete("/admin/v1/api-keys/" + created.json().get("id").asLong());
        Cli.Result status = c.inProcess("auth", "status");
        assertThat(status.exit()).as(status.toString()).isZero();
        assertThat(status.out()).contains("Key:", created.json().get("id").asText(), "Problem:", "refused", "gatehouse auth set");
        Cli.Result test = c.inProcess("auth", "test");
        assertThat(test.exit()).isEqualTo(3);
        assertThat(test.err()).contains("refused the API key").contains("revoked");
        assertThat(new Cli(home.resolve("empty"), clocked.api.base, clocked.admin.base).inProcess("auth", "status").exit())
                .as("nothing stored or set").isEqualTo(3);
    }

    @Test
    void a_refresh_token_from_the_environment_serves_many_commands_without_being_reused() throws Exception {
        TestServer s = TestServer.shared(Backend.H2);
        Fixtures.Account a = Fixtures.account(s);
        Cli.App app = Cli.app(s, a.id(), "public", List.of("http://127.0.0.1/callback"));
        String refresh = refreshToken(s, a, app);
        Cli c = new Cli(home, s.api.base, s.admin.base);
        Map<String, String> env = Map.of("GATEHOUSE_REFRESH_TOKEN", refresh, "GATEHOUSE_CLIENT_ID", app.clientId());
        for (int i = 0; i < 3; i++) {
            Cli.Result r = c.inProcess(env, "", "auth", "test");
            assertThat(r.exit()).as("command " + i + "\n" + r).isZero();
        }
        assertThat(Files.exists(home.resolve(".config/gatehouse/token.json"))).as("the stored login is left alone").isFalse();
    }

    @Test
    void login_session_posts_the_session_id_to_a_token_url_and_the_login_is_used() throws Exception {
        TestServer s = TestServer.shared(Backend.H2);
        Fixtures.Account a = Fixtures.account(s);
        String key = Fixtures.apiKey(s.admin, a.id());
        Cli.App app = Cli.app(s, a.id(), "confidential", List.of("https://a.example.com/cb"));
        // A token URL outside Gatehouse (as in the Lofty CLI): it trades a session id for an OAuth token response.
        String body = clientCredentialsToken(s, app, key).body();
        HttpServer tokenUrl = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tokenUrl.createContext("/session-token", ex -> {
            String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean known = form.equals("session_id=sess-123");
            byte[] out = (known ? body : "{\"error\":\"invalid_grant\",\"error_description\":\"unknown session\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(known ? 200 : 400, out.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(out);
            }
        });
        tokenUrl.start();
        try {
            Cli c = new Cli(home, s.api.base, s.admin.base);
            String url = "http://127.0.0.1:" + tokenUrl.getAddress().getPort() + "/session-token";
            Cli.Result refused = c.inProcess("auth", "login-session", "--tokenurl", url, "--sessionid", "wrong");
            assertThat(refused.exit()).isEqualTo(3);
            assertThat(refused.err()).contains("unknown session");
            ok(c.inProcess("auth", "login-session", "--tokenurl", url, "--sessionid", "sess-123"));
            assertThat(ok(c.inProcess("auth", "status")).out()).contains("session-token login", a.email());
        } finally {
            tokenUrl.stop(0);
        }
    }

    @Test
    void an_access_token_in_the_environment_wins_over_stored_credentials_and_logout_forgets_them() {
        TestServer s = TestServer.shared(Backend.H2);
        Fixtures.Account a = Fixtures.account(s);
        Cli.App app = Cli.app(s, a.id(), "confidential", List.of("https://a.example.com/cb"));
        String token = clientCredentialsToken(s, app, Fixtures.apiKey(s.admin, a.id())).json().get("access_token").asText();
        Cli c = new Cli(home, s.api.base, s.admin.base);
        ok(c.inProcess("auth", "set", "not-a-valid-key"));
        Cli.Result r = ok(c.inProcess(Map.of("GATEHOUSE_ACCESS_TOKEN", token), "", "auth", "status"));
        assertThat(r.out()).contains("GATEHOUSE_ACCESS_TOKEN", a.email(), app.clientId()).doesNotContain(token);
        ok(c.inProcess("auth", "logout"));
        assertThat(Files.exists(home.resolve(".config/gatehouse/credentials.json"))).isFalse();
    }

    private static Resp clientCredentialsToken(TestServer s, Cli.App app, String customerKey) {
        Resp r = s.api.send("POST", "/oauth/token", "grant_type=client_credentials&customer_key=" + customerKey,
                "Content-Type", "application/x-www-form-urlencoded", "Authorization",
                "Basic " + Base64.getEncoder().encodeToString((app.clientId() + ":" + app.secret()).getBytes(StandardCharsets.UTF_8)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r;
    }

    /** A real authorization-code grant through the portal, as the browser login makes one. */
    private static String refreshToken(TestServer s, Fixtures.Account a, Cli.App app) throws Exception {
        String verifier = "v".repeat(50);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        io.gatehouse.testing.Browser b = new io.gatehouse.testing.Browser(s.api.base);
        b.submit(b.open("/portal/login"), "/portal/login", Map.of("email", a.email(), "password", "correct horse battery"));
        String redirect = "http://127.0.0.1:4711/callback";
        io.gatehouse.testing.Browser.Page consent = b.open("/oauth/authorize?response_type=code&client_id=" + app.clientId()
                + "&redirect_uri=" + java.net.URLEncoder.encode(redirect, java.nio.charset.StandardCharsets.UTF_8)
                + "&state=s&code_challenge=" + challenge + "&code_challenge_method=S256");
        String location = b.submit(consent, "/oauth/authorize", Map.of("decision", "approve")).location();
        String code = location.replaceAll(".*[?&]code=([^&]+).*", "$1");
        Resp token = s.api.send("POST", "/oauth/token", "grant_type=authorization_code&code=" + code + "&redirect_uri="
                + java.net.URLEncoder.encode(redirect, java.nio.charset.StandardCharsets.UTF_8) + "&code_verifier=" + verifier
                + "&client_id=" + app.clientId(), "Content-Type", "application/x-www-form-urlencoded");
        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        return token.json().get("refresh_token").asText();
    }

    @Test
    void an_admin_command_without_a_token_says_one_is_needed_and_a_wrong_one_says_it_was_refused() {
        Cli c = new Cli(home, guarded.api.base, guarded.admin.base);
        Cli.Result none = c.inProcess("apps", "list", "--pending");
        assertThat(none.exit()).isEqualTo(3);
        assertThat(none.err()).contains("needs the admin token", "GATEHOUSE_ADMIN_TOKEN", "none was sent").doesNotContain("refused");
        Cli.Result wrong = c.inProcess(Map.of("GATEHOUSE_ADMIN_TOKEN", "not-the-admin-token-at-all"), "", "apps", "list", "--pending");
        assertThat(wrong.exit()).isEqualTo(3);
        assertThat(wrong.err()).contains("The server refused the admin token in GATEHOUSE_ADMIN_TOKEN");
        ok(c.inProcess(Map.of("GATEHOUSE_ADMIN_TOKEN", ADMIN_TOKEN), "", "apps", "list", "--pending"));
    }

    @Test
    void rate_limited_commands_wait_until_the_window_resets_retry_and_say_so_then_exit_4_when_still_limited() {
        Cli c = cli(clocked);
        c.sleeper = CliAuthTest::advance; // waiting moves the servers' clock: no real time passes
        Fixtures.Account a = Fixtures.account(clocked);
        String k = Fixtures.apiKey(clocked.admin, a.id());
        ok(c.inProcess("auth", "set", k));
        for (int i = 0; i < 2; i++) {
            assertThat(clocked.api.get("/v1.0/me", TestClient.token(k)).status()).isEqualTo(200);
        }
        Cli.Result waited = ok(c.inProcess("auth", "test"));
        assertThat(waited.err()).contains("rate limited (2 requests per minute); waiting").contains("retrying (1 of 3)");

        Fixtures.Account b = Fixtures.account(clocked);
        String kb = Fixtures.apiKey(clocked.admin, b.id());
        for (int i = 0; i < 2; i++) {
            clocked.api.get("/v1.0/me", TestClient.token(kb));
        }
        Cli.Result gaveUp = c.inProcess(Map.of("GATEHOUSE_CUSTOMER_KEY", kb, "GATEHOUSE_MAX_RETRIES", "0"), "", "auth", "test");
        assertThat(gaveUp.exit()).as(gaveUp.toString()).isEqualTo(4);
        assertThat(gaveUp.err()).contains("Still rate limited");
    }
}
