package io.gatehouse.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SPEC §11: JSON calls authenticated by the portal cookie ({@code /v1.0/me/…}, {@code /v1.0/apps…}) take
 * state-changing requests only as JSON from this server's own pages, and count against the account's
 * key bucket like API-key calls.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class SessionCallsTest {
    private static final String JSON = "application/json";
    private static final String EVIL = "https://evil.example";

    @Parameter
    Backend backend;

    private TestServer server;
    private Fixtures.Account account;
    private Browser browser;
    private String origin;
    private String key;

    @BeforeEach
    void setUp() {
        server = TestServer.shared(backend);
        account = Fixtures.account(server);
        browser = PortalPagesTest.loggedIn(server, account);
        origin = server.api.base;
        key = Fixtures.apiKey(server.admin, account.id());
    }

    private int activeKeys() {
        return (int) java.util.stream.StreamSupport.stream(
                server.api.get("/v1.0/me/api-keys", "Authorization", "token " + key).json().get("api_keys").spliterator(), false)
                .filter(k -> k.get("status").asText().equals("active")).count();
    }

    private static void refused(Browser.Page p) {
        assertThat(p.status()).as(p.body()).isEqualTo(403);
        assertThat(p.body()).contains("\"code\":20017").contains("\"error\":\"PERMISSION_DENIED\"");
    }

    @Test
    void a_text_plain_post_from_another_site_is_refused_and_creates_nothing() {
        int before = activeKeys();
        refused(browser.raw("POST", "/v1.0/me/api-keys", "{\"name\":\"csrf\"}", "Content-Type", "text/plain", "Origin", EVIL));
        refused(browser.raw("POST", "/v1.0/me/api-keys", "{\"name\":\"csrf\"}", "Content-Type", JSON, "Origin", EVIL));
        refused(browser.raw("POST", "/v1.0/me/api-keys", "{\"name\":\"csrf\"}", "Content-Type", "text/plain", "Origin", origin));
        refused(browser.raw("POST", "/v1.0/me/api-keys", "{\"name\":\"csrf\"}", "Content-Type", JSON));
        refused(browser.raw("POST", "/v1.0/me/api-keys", "{\"name\":\"csrf\"}", "Content-Type", JSON, "Sec-Fetch-Site", "cross-site",
                "X-CSRF-Token", browser.cookie(Csrf.COOKIE)));
        refused(browser.raw("POST", "/v1.0/me/api-keys", "{\"name\":\"csrf\"}", "Content-Type", JSON, "X-CSRF-Token", "forged-token-1234567890"));
        refused(browser.raw("POST", "/v1.0/me/api-keys", "{\"name\":\"csrf\"}", "Content-Type", JSON, "Origin", "null"));
        assertThat(activeKeys()).isEqualTo(before);
    }

    @Test
    void json_from_this_servers_own_origin_or_with_the_csrf_header_goes_through() {
        int before = activeKeys();
        Browser.Page sameOrigin = browser.raw("POST", "/v1.0/me/api-keys", "{\"name\":\"a\"}", "Content-Type", JSON, "Origin", origin);
        assertThat(sameOrigin.status()).as(sameOrigin.body()).isEqualTo(201);
        // The header repeats the pages' form token, bound to the session (a double-submit cookie left from before
        // the login, which a sibling subdomain could have planted, is not it).
        if (browser.cookie(Csrf.COOKIE) != null) {
            refused(browser.raw("POST", "/v1.0/me/api-keys", "{\"name\":\"x\"}", "Content-Type", JSON, "X-CSRF-Token", browser.cookie(Csrf.COOKIE)));
        }
        Browser.Page withHeader = browser.raw("POST", "/v1.0/me/api-keys", "{\"name\":\"b\"}", "Content-Type", "application/json; charset=utf-8",
                "X-CSRF-Token", Csrf.forSession(browser.cookie("gatehouse_session")));
        assertThat(withHeader.status()).as(withHeader.body()).isEqualTo(201);
        assertThat(activeKeys()).isEqualTo(before + 2);
        assertThat(browser.raw("GET", "/v1.0/me/api-keys", null, "Origin", EVIL).status()).isEqualTo(200);
    }

    @Test
    void rotating_a_secret_or_revoking_a_key_from_another_site_changes_nothing() {
        Resp app = server.api.post("/v1.0/apps", Map.of("name", "Target", "redirect_uris", java.util.List.of("https://t.example.com/cb")),
                "Authorization", "token " + key);
        String clientId = app.json().get("client_id").asText();
        refused(browser.raw("POST", "/v1.0/apps/" + clientId + "/secret", "", "Content-Type", "text/plain", "Origin", EVIL));
        String secret = app.json().get("client_secret").asText();
        Resp token = server.api.send("POST", "/oauth/token", "grant_type=client_credentials&customer_key=" + key,
                "Content-Type", "application/x-www-form-urlencoded", "Authorization", "Basic "
                        + java.util.Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes()));
        assertThat(token.status()).as("the old secret still works").isEqualTo(200);

        long keyId = server.api.get("/v1.0/me/api-keys", "Authorization", "token " + key).json().get("api_keys").get(0).get("id").asLong();
        refused(browser.raw("DELETE", "/v1.0/me/api-keys/" + keyId, null, "Origin", EVIL));
        assertThat(server.api.get("/v1.0/me", "Authorization", "token " + key).status()).isEqualTo(200);
    }

    @Test
    void session_calls_count_against_the_accounts_key_bucket_and_carry_the_headers() {
        Resp byKey = server.api.get("/v1.0/me/api-keys", "Authorization", "token " + key);
        int left = Integer.parseInt(byKey.header("X-RateLimit-Remaining"));
        Browser.Page bySession = browser.raw("GET", "/v1.0/me/api-keys", null);
        assertThat(bySession.status()).isEqualTo(200);
        assertThat(bySession.header("X-RateLimit-Limit")).isEqualTo("100");
        assertThat(Integer.parseInt(bySession.header("X-RateLimit-Remaining"))).isEqualTo(left - 1);
        assertThat(bySession.header("RateLimit-Policy")).contains("\"key\";q=100");
        Resp again = server.api.get("/v1.0/me", "Authorization", "token " + key);
        assertThat(Integer.parseInt(again.header("X-RateLimit-Remaining"))).isEqualTo(left - 2);
        // Portal pages are not API calls: they are neither counted nor given the headers.
        Browser.Page page = browser.raw("GET", "/portal/keys", null);
        assertThat(page.header("X-RateLimit-Remaining")).isNull();
    }
}
