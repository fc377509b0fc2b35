package io.gatehouse.token;

import static io.gatehouse.testing.TestClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §5: signing keys rotate without breaking tokens in flight; the JWKS carries old and new. */
class SigningKeyRotationApiTest {
    @Test
    void rotating_the_access_token_key_keeps_old_tokens_valid_and_new_ones_use_the_new_key() {
        MutableClock clock = new MutableClock(Instant.now());
        try (TestServer s = TestServer.start(Backend.H2, Map.of(), clock)) {
            Fixtures.Account dev = Fixtures.account(s);
            Resp app = s.admin.post("/admin/v1/apps", Map.of("owner_id", dev.id(), "name", "Rot", "type", "confidential",
                    "redirect_uris", List.of("https://a.example.com/cb"), "permissions", List.of("user.read")));
            String basic = "Basic " + Base64.getEncoder().encodeToString((app.json().get("client_id").asText() + ":"
                    + app.json().get("client_secret").asText()).getBytes());
            String key = Fixtures.apiKey(s.admin, dev.id());
            String before = token(s, basic, key);
            clock.advance(Duration.ofSeconds(1));

            Resp rotated = s.admin.post("/admin/v1/signing-keys/rotate", Map.of("purpose", "access-token"));
            assertThat(rotated.status()).isEqualTo(201);
            String kid = rotated.json().get("kid").asText();
            assertThat(rotated.json().get("signing").asBoolean()).isFalse();
            assertThat(s.api.get("/.well-known/jwks.json").json().get("keys")).hasSize(2);
            assertThat(s.admin.get("/admin/v1/signing-keys").json().get("signing_keys")).hasSize(3);

            clock.advance(Duration.ofSeconds(31));
            String after = token(s, basic, key);
            assertThat(header(after)).contains(kid);
            assertThat(header(before)).doesNotContain(kid);
            assertThat(s.api.get("/v1.0/me", bearer(before)).status()).isEqualTo(200);
            assertThat(s.api.get("/v1.0/me", bearer(after)).status()).isEqualTo(200);
            assertThat(s.admin.post("/admin/v1/signing-keys/rotate", Map.of("purpose", "everything")).status()).isEqualTo(400);
        }
    }

    private static String token(TestServer s, String basic, String key) {
        return s.api.send("POST", "/oauth/token", "grant_type=client_credentials&customer_key=" + key,
                "Content-Type", "application/x-www-form-urlencoded", "Authorization", basic).json().get("access_token").asText();
    }

    private static String header(String jwt) {
        return new String(Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))));
    }
}
