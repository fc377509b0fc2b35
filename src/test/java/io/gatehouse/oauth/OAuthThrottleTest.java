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

/** SPEC §11: failed client authentications and logins are throttled (a server of its own: it locks out 127.0.0.1). */
class OAuthThrottleTest {
    private TestServer server;
    private OAuthHarness h;

    @BeforeEach
    void start() {
        server = TestServer.start(Backend.H2, Map.of());
        h = new OAuthHarness(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void repeated_bad_client_secrets_are_answered_429_even_with_the_right_one() {
        OAuthHarness.User dev = h.user();
        OAuthHarness.Client app = h.confidential(dev);
        String wrong = "Basic " + Base64.getEncoder().encodeToString((app.id() + ":ghs_wrong").getBytes());
        for (int i = 0; i < 20; i++) {
            assertThat(h.api().send("POST", "/oauth/token", "grant_type=client_credentials", "Authorization", wrong,
                    "Content-Type", "application/x-www-form-urlencoded").status()).isEqualTo(401);
        }
        String right = "Basic " + Base64.getEncoder().encodeToString((app.id() + ":" + app.secret()).getBytes());
        Resp r = h.api().send("POST", "/oauth/token", "grant_type=client_credentials&customer_key=" + h.apiKey(dev),
                "Authorization", right, "Content-Type", "application/x-www-form-urlencoded");
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.json().get("error").asText()).isEqualTo("too_many_requests");
        assertThat(Integer.parseInt(r.header("Retry-After"))).isBetween(1, 60);
    }

    @Test
    void repeated_bad_passwords_lock_the_login_for_a_while() {
        OAuthHarness.User u = h.user();
        Browser b = new Browser(h.api().base);
        for (int i = 0; i < 10; i++) {
            Browser.Page p = b.submit(b.open("/portal/login"), "/portal/login", Map.of("email", u.email(), "password", "wrong-password"));
            assertThat(p.status()).isEqualTo(401);
        }
        Browser.Page locked = b.submit(b.open("/portal/login"), "/portal/login",
                Map.of("email", u.email(), "password", OAuthHarness.PASSWORD));
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.body()).contains("Too many failed attempts");
    }
}
