package io.gatehouse.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §11: failed client authentications and logins are throttled per (client or email, address) and
 * per address, and correct credentials are never refused by that throttle. The node trusts 127.0.0.1
 * as a proxy (GATEHOUSE_TRUSTED_PROXIES), so X-Forwarded-For plays the client's address.
 */
class OAuthThrottleTest {
    private static final String ATTACKER = "203.0.113.5";
    private static final String SOMEONE_ELSE = "198.51.100.7";

    private TestServer server;
    private OAuthHarness h;

    @BeforeEach
    void start() {
        server = TestServer.start(Backend.H2, Map.of("GATEHOUSE_TRUSTED_PROXIES", "127.0.0.1"));
        h = new OAuthHarness(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Resp token(String basic, String from, String body) {
        return h.api().send("POST", "/oauth/token", body, "Authorization", basic,
                "Content-Type", "application/x-www-form-urlencoded", "X-Forwarded-For", from);
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes());
    }

    @Test
    void wrong_client_secrets_beyond_the_limit_are_answered_429_with_retry_after() {
        OAuthHarness.Client app = h.confidential(h.user());
        for (int i = 0; i < 20; i++) {
            assertThat(token(basic(app.id(), "ghs_wrong"), ATTACKER, "grant_type=client_credentials").status()).isEqualTo(401);
        }
        Resp r = token(basic(app.id(), "ghs_wrong"), ATTACKER, "grant_type=client_credentials");
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.json().get("error").asText()).isEqualTo("too_many_requests");
        assertThat(Integer.parseInt(r.header("Retry-After"))).isBetween(1, 60);
    }

    @Test
    void the_right_client_secret_is_accepted_after_twenty_wrong_ones_from_the_same_and_from_another_address() {
        OAuthHarness.User dev = h.user();
        OAuthHarness.Client app = h.confidential(dev);
        String key = h.apiKey(dev);
        for (int i = 0; i < 25; i++) {
            assertThat(token(basic(app.id(), "ghs_wrong"), ATTACKER, "grant_type=client_credentials").status()).isIn(401, 429);
        }
        String body = "grant_type=client_credentials&customer_key=" + key;
        assertThat(token(basic(app.id(), app.secret()), ATTACKER, body).status()).isEqualTo(200);
        assertThat(token(basic(app.id(), app.secret()), SOMEONE_ELSE, body).status()).isEqualTo(200);
        // Someone else's wrong secret is still a plain 401: the attacker's failures are not theirs.
        assertThat(token(basic(app.id(), "ghs_typo"), SOMEONE_ELSE, "grant_type=client_credentials").status()).isEqualTo(401);
    }

    @Test
    void a_huge_client_id_is_refused_as_a_bad_client_not_stored_or_crashed() {
        String huge = "c".repeat(256 * 1024);
        Resp r = h.api().send("POST", "/oauth/token", "grant_type=client_credentials&client_id=" + huge + "&client_secret=x",
                "Content-Type", "application/x-www-form-urlencoded", "X-Forwarded-For", ATTACKER);
        assertThat(r.status()).isEqualTo(401);
    }

    private Browser.Page login(String email, String password, String from) {
        Browser b = new Browser(h.api().base);
        b.open("/portal/login");
        return b.request("POST", "/portal/login", Map.of("email", email, "password", password), "X-Forwarded-For", from);
    }

    @Test
    void the_right_password_logs_in_after_many_failures_for_that_account() {
        OAuthHarness.User u = h.user();
        for (int i = 0; i < 10; i++) {
            assertThat(login(u.email(), "wrong-password", ATTACKER).status()).isEqualTo(401);
        }
        Browser.Page locked = login(u.email(), "wrong-password", ATTACKER);
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.body()).contains("Too many failed attempts");
        assertThat(locked.header("Retry-After")).isNotNull();
        assertThat(login(u.email(), OAuthHarness.PASSWORD, ATTACKER).status()).isEqualTo(303);
        assertThat(login(u.email(), OAuthHarness.PASSWORD, SOMEONE_ELSE).status()).isEqualTo(303);
    }

    @Test
    void failed_logins_from_one_address_behind_a_proxy_do_not_lock_out_anyone_else() {
        OAuthHarness.User u = h.user();
        for (int i = 0; i < 60; i++) {
            assertThat(login("nobody" + i + "@example.com", "wrong-password", ATTACKER).status()).isIn(401, 429);
        }
        assertThat(login("nobody@example.com", "wrong-password", ATTACKER).status()).isEqualTo(429);
        assertThat(login(u.email(), OAuthHarness.PASSWORD, SOMEONE_ELSE).status()).isEqualTo(303);
        assertThat(login(u.email(), "typo", SOMEONE_ELSE).status()).isEqualTo(401);
    }
}
