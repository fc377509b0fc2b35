package io.gatehouse.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The portal over HTTP, as a browser without script sees it (SPEC §8, §11): session pages, redirects
 * after login, POST-redirect-GET with secrets shown once, and malformed ids. Runs without Chromium.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class PortalPagesTest {
    static final String PASSWORD = "correct horse battery";
    private static final Pattern SECRET = Pattern.compile("id=\"client-secret\"[^>]*value=\"(gths_[^\"]+)\"");

    @Parameter
    Backend backend;

    private TestServer server;

    @BeforeEach
    void setUp() {
        server = TestServer.shared(backend);
    }

    /** A browser logged in through the login page. */
    static Browser loggedIn(TestServer server, Fixtures.Account account) {
        Browser b = new Browser(server.api.base);
        Browser.Page login = b.open("/portal/login");
        Browser.Page after = b.submit(login, "/portal/login", Map.of("email", account.email(), "password", PASSWORD));
        assertThat(after.status()).as(after.body()).isEqualTo(200);
        return b;
    }

    private String registerApp(Browser b, String name) {
        b.open("/portal/apps/new");
        Browser.Page created = b.request("POST", "/portal/apps/new", Map.of("name", name, "description", "d", "type", "confidential",
                "redirect_uris", "https://app.example.com/cb", "perm:user.read", "on"));
        assertThat(created.status()).as(created.body()).isEqualTo(303);
        assertThat(created.location()).matches("/portal/apps/gthc_[A-Za-z0-9]+\\?done=created");
        return created.location().substring("/portal/apps/".length(), created.location().indexOf('?'));
    }

    @Test
    void a_page_that_needs_a_session_sends_a_browser_without_one_to_log_in_and_back() {
        Fixtures.Account a = Fixtures.account(server);
        Browser b = new Browser(server.api.base);
        Browser.Page get = b.request("GET", "/portal/keys?done=revoked", null);
        assertThat(get.status()).isEqualTo(303);
        assertThat(get.location()).isEqualTo("/portal/login?next=%2Fportal%2Fkeys%3Fdone%3Drevoked");

        Browser.Page post = b.raw("POST", "/portal/keys", "name=x&acknowledge=on", "Content-Type", "application/x-www-form-urlencoded");
        assertThat(post.status()).isEqualTo(303);
        assertThat(post.location()).isEqualTo("/portal/login?next=%2Fportal");

        Browser.Page login = b.open(get.location());
        Browser.Page back = b.submit(login, "/portal/login", Map.of("email", a.email(), "password", PASSWORD));
        assertThat(back.url()).endsWith("/portal/keys?done=revoked");
        assertThat(back.body()).contains("<h1>API keys</h1>").doesNotContain("data-key-id");
    }

    @Test
    void after_login_next_is_only_a_path_of_this_server_and_never_a_500() {
        Fixtures.Account a = Fixtures.account(server);
        for (String next : List.of("/%09/evil.com", "/%0a/x", "//evil.com", "/%5Cevil.com", "https://evil.com",
                "/portal/%2e%2e/%2e%2e/x", "/v1.0/me", "%2F%2Fevil.com")) {
            Browser b = new Browser(server.api.base);
            b.open("/portal/login");
            Browser.Page r = b.request("POST", "/portal/login?next=" + next, Map.of("email", a.email(), "password", PASSWORD));
            assertThat(r.status()).as(next).isEqualTo(303);
            assertThat(r.location()).as(next).isEqualTo("/portal");
            assertThat(b.open("/portal/apps").body()).as(next).contains("<h1>My apps</h1>");
        }
        Browser b = new Browser(server.api.base);
        Browser.Page form = b.open("/portal/login?next=%2Fportal%2Fkeys");
        assertThat(form.body()).contains("action=\"/portal/login?next=%2Fportal%2Fkeys\"");
        Browser.Page r = b.request("POST", "/portal/login?next=%2Fportal%2Fkeys", Map.of("email", a.email(), "password", PASSWORD));
        assertThat(r.location()).isEqualTo("/portal/keys");
    }

    @Test
    void a_malformed_or_unknown_id_in_a_portal_url_is_a_404_page() {
        Fixtures.Account a = Fixtures.account(server);
        Browser b = loggedIn(server, a);
        String clientId = registerApp(b, "Ids");
        for (String path : List.of("/portal/keys/abc/revoke", "/portal/keys/99999999999999999999/revoke", "/portal/keys/-1/revoke",
                "/portal/apps/" + clientId + "/test-users/abc/remove", "/portal/apps/" + clientId + "/test-users/1e9/remove",
                "/portal/apps/" + clientId + "/invitations/%20/withdraw", "/portal/invitations/x/accept",
                "/portal/invitations/99999999999999999999/decline", "/portal/apps/ghc_nope/submit")) {
            Browser.Page p = b.request("POST", path, Map.of());
            assertThat(p.status()).as(path).isEqualTo(404);
            assertThat(p.header("Content-Type")).as(path).startsWith("text/html");
            assertThat(p.body()).as(path).contains("<h1>Not found</h1>");
        }
        for (String path : List.of("/portal/apps/ghc_nope", "/portal/apps/" + "x".repeat(300) + "/edit")) {
            Browser.Page p = b.request("GET", path, null);
            assertThat(p.status()).as(path).isEqualTo(404);
            assertThat(p.body()).as(path).contains("<h1>Not found</h1>");
        }
        // SPEC §11 "One path": a control character in a path is refused before any route, for pages too.
        assertThat(b.request("GET", "/portal/apps/%00", null).status()).isEqualTo(400);
    }

    @Test
    void an_admin_form_for_an_unknown_app_is_a_404_page_and_a_non_admin_gets_403() {
        String email = Fixtures.uniqueEmail();
        server.admin.post("/admin/v1/accounts", Map.of("email", email, "password", PASSWORD, "role", "admin"));
        Browser admin = loggedIn(server, new Fixtures.Account(0, email));
        for (String action : List.of("approve", "decline", "limit")) {
            Browser.Page p = admin.request("POST", "/portal/admin/apps/ghc_nope/" + action, Map.of("note", "n", "limit", "5"));
            assertThat(p.status()).as(action).isEqualTo(404);
            assertThat(p.body()).contains("<h1>Not found</h1>");
        }
        Browser user = loggedIn(server, Fixtures.account(server));
        assertThat(user.request("GET", "/portal/admin", null).status()).isEqualTo(403);
    }

    @Test
    void registering_an_app_redirects_and_shows_its_secret_once_and_never_in_a_url() {
        Fixtures.Account a = Fixtures.account(server);
        Browser b = loggedIn(server, a);
        String clientId = registerApp(b, "Once");
        String page = "/portal/apps/" + clientId + "?done=created";
        Browser.Page first = b.open(page);
        Matcher m = SECRET.matcher(first.body());
        assertThat(m.find()).as(first.body()).isTrue();
        String secret = m.group(1);
        assertThat(first.body()).contains("App registered.");
        assertThat(first.url()).doesNotContain(secret);
        assertThat(first.header("Cache-Control")).isEqualTo("no-store");

        Browser.Page reload = b.open(page);
        assertThat(reload.body()).doesNotContain(secret).doesNotContain("client-secret");
        String key = Fixtures.apiKey(server.admin, a.id());
        assertThat(server.api.get("/v1.0/apps", "Authorization", "token " + key).json().get("apps")).hasSize(1);

        Browser.Page rotated = b.request("POST", "/portal/apps/" + clientId + "/secret", Map.of());
        assertThat(rotated.status()).isEqualTo(303);
        assertThat(rotated.location()).isEqualTo("/portal/apps/" + clientId + "?done=rotated");
        Matcher n = SECRET.matcher(b.open(rotated.location()).body());
        assertThat(n.find()).isTrue();
        assertThat(n.group(1)).isNotEqualTo(secret);
        assertThat(b.open(rotated.location()).body()).doesNotContain(n.group(1));

        // Another browser of the same account (another session) never sees it.
        Browser other = loggedIn(server, a);
        other.request("POST", "/portal/apps/" + clientId + "/secret", Map.of());
        assertThat(b.open("/portal/apps/" + clientId).body()).doesNotContain("client-secret");
    }

    @Test
    void creating_an_api_key_redirects_and_shows_the_key_once() {
        Fixtures.Account a = Fixtures.account(server);
        Browser b = loggedIn(server, a);
        b.open("/portal/keys");
        Browser.Page created = b.request("POST", "/portal/keys", Map.of("name", "ci", "acknowledge", "on"));
        assertThat(created.status()).isEqualTo(303);
        assertThat(created.location()).isEqualTo("/portal/keys?done=created");
        Matcher m = Pattern.compile("id=\"new-key\"[^>]*value=\"([^\"]+)\"").matcher(b.open(created.location()).body());
        assertThat(m.find()).isTrue();
        assertThat(server.api.get("/v1.0/me", "Authorization", "token " + m.group(1)).status()).isEqualTo(200);
        Browser.Page reload = b.open(created.location());
        assertThat(reload.body()).doesNotContain(m.group(1)).doesNotContain("id=\"new-key\"");
        assertThat(reload.body().split("data-key-id=").length - 1).isEqualTo(1);

        Browser.Page refused = b.request("POST", "/portal/keys", Map.of("name", "no ack"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("Tick the box");
    }

    @Test
    void every_successful_app_form_redirects() {
        Fixtures.Account a = Fixtures.account(server);
        Browser b = loggedIn(server, a);
        String clientId = registerApp(b, "Forms");
        String base = "/portal/apps/" + clientId;
        Map<String, Map<String, String>> forms = new java.util.LinkedHashMap<>();
        forms.put(base + "/edit", Map.of("name", "Forms 2", "redirect_uris", "https://app.example.com/cb", "perm:user.read", "on"));
        forms.put(base + "/submit", Map.of());
        forms.put(base + "/test-users", Map.of("email", "someone@example.com"));
        forms.forEach((path, fields) -> {
            Browser.Page p = b.request("POST", path, fields);
            assertThat(p.status()).as(path + ": " + p.body()).isEqualTo(303);
            assertThat(p.location()).as(path).startsWith(base + "?done=");
        });
        String body = b.open(base).body();
        Matcher invitation = Pattern.compile("/invitations/(\\d+)/withdraw").matcher(body);
        assertThat(invitation.find()).isTrue();
        Browser.Page withdrawn = b.request("POST", base + "/invitations/" + invitation.group(1) + "/withdraw", Map.of());
        assertThat(withdrawn.location()).isEqualTo(base + "?done=withdrawn");
        assertThat(b.open(withdrawn.location()).body()).contains("Invitation withdrawn.").doesNotContain("someone@example.com");
        Browser.Page logout = b.request("POST", "/portal/logout", Map.of());
        assertThat(logout.status()).isEqualTo(303);
        assertThat(b.request("GET", "/portal/apps", null).status()).isEqualTo(303);
    }

    @Test
    void every_page_forbids_inline_script_and_framing() {
        Browser b = loggedIn(server, Fixtures.account(server));
        String clientId = registerApp(b, "Headers");
        for (String path : List.of("/portal/login", "/portal/signup", "/portal/apps", "/portal/apps/new", "/portal/apps/" + clientId,
                "/portal/apps/" + clientId + "/edit", "/portal/keys", "/portal/authorized", "/portal/invitations")) {
            Browser.Page p = b.open(path);
            assertThat(p.status()).as(path).isEqualTo(200);
            assertThat(p.header("Content-Security-Policy")).as(path).contains("script-src 'self'").contains("frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline'; script").doesNotContain("script-src 'self' 'unsafe-inline'");
            assertThat(p.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(p.body()).doesNotContain("<script>").doesNotContain("onclick=");
        }
    }

    @Test
    void the_root_of_the_public_port_redirects_to_the_portal() {
        Browser.Page root = new Browser(server.api.base).request("GET", "/", null);
        assertThat(root.status()).isIn(302, 303);
        assertThat(root.location()).isEqualTo("/portal");
    }
}
