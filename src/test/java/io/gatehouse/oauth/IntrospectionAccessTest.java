package io.gatehouse.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.oauth2.sdk.TokenResponse;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §11 v2 "Introspection": a token is described only to the client it was issued to, or to a client an
 * admin marked {@code introspect: true} (a resource server); any other client hears {@code active: false}.
 */
class IntrospectionAccessTest {
    private OAuthHarness h;
    private OAuthHarness.User dev;
    private OAuthHarness.Client owner;
    private String accessToken;
    private String refreshToken;

    @BeforeEach
    void setUp() {
        h = new OAuthHarness(TestServer.shared(Backend.H2));
        dev = h.user();
        owner = h.confidential(dev);
        TokenResponse r = h.clientCredentials(owner, h.apiKey(dev));
        accessToken = OAuthHarness.accessToken(r);
        refreshToken = r.toSuccessResponse().getTokens().getRefreshToken().getValue();
    }

    private Resp introspect(OAuthHarness.Client caller, String token) {
        String basic = "Basic " + Base64.getEncoder().encodeToString((caller.id() + ":" + caller.secret()).getBytes());
        Resp r = h.api().send("POST", "/oauth/introspect", "token=" + token,
                "Authorization", basic, "Content-Type", "application/x-www-form-urlencoded");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r;
    }

    private static void inactive(Resp r) {
        assertThat(r.json().get("active").asBoolean()).isFalse();
        assertThat(r.json().size()).as("nothing but active: false").isEqualTo(1);
    }

    @Test
    void the_client_a_token_was_issued_to_sees_it_active() {
        JsonNode at = introspect(owner, accessToken).json();
        assertThat(at.get("active").asBoolean()).isTrue();
        assertThat(at.get("client_id").asText()).isEqualTo(owner.id());
        JsonNode rt = introspect(owner, refreshToken).json();
        assertThat(rt.get("active").asBoolean()).isTrue();
        assertThat(rt.get("token_type").asText()).isEqualTo("refresh_token");
        assertThat(rt.get("exp").asLong()).as("the refresh token's own expiry").isGreaterThan(rt.get("iat").asLong());
    }

    @Test
    void another_client_hears_inactive_for_access_and_refresh_tokens() {
        OAuthHarness.Client stranger = h.confidential(h.user());
        inactive(introspect(stranger, accessToken));
        inactive(introspect(stranger, refreshToken));
        // Asking changed nothing: the token still works for its own client.
        assertThat(introspect(owner, refreshToken).json().get("active").asBoolean()).isTrue();
    }

    @Test
    void a_client_an_admin_marked_introspect_sees_every_token() {
        OAuthHarness.Client resourceServer = h.confidential(h.user());
        Resp marked = h.admin().patch("/admin/v1/apps/" + resourceServer.id(), Map.of("introspect", true));
        assertThat(marked.status()).as(marked.toString()).isEqualTo(200);
        assertThat(marked.json().get("introspect").asBoolean()).isTrue();
        assertThat(h.admin().get("/admin/v1/apps/" + resourceServer.id()).json().get("introspect").asBoolean()).isTrue();

        JsonNode at = introspect(resourceServer, accessToken).json();
        assertThat(at.get("active").asBoolean()).isTrue();
        assertThat(at.get("client_id").asText()).isEqualTo(owner.id());
        assertThat(introspect(resourceServer, refreshToken).json().get("active").asBoolean()).isTrue();

        // Unmarked again, it is a stranger again.
        assertThat(h.admin().patch("/admin/v1/apps/" + resourceServer.id(), Map.of("introspect", false)).status()).isEqualTo(200);
        inactive(introspect(resourceServer, accessToken));
    }

    @Test
    void new_apps_are_not_marked_and_the_change_is_audited() {
        OAuthHarness.Client app = h.confidential(h.user());
        assertThat(h.admin().get("/admin/v1/apps/" + app.id()).json().get("introspect").asBoolean()).isFalse();
        assertThat(h.admin().patch("/admin/v1/apps/" + app.id(), Map.of("introspect", true)).status()).isEqualTo(200);
        Resp audit = h.admin().get("/admin/v1/audit?type=app.changed&client_id=" + app.id());
        assertThat(audit.status()).as(audit.toString()).isEqualTo(200);
        JsonNode event = audit.json().get("events").get(0);
        assertThat(event.get("actor").asText()).isEqualTo("admin");
        assertThat(event.get("details").get("fields").toString()).contains("introspect");
        assertThat(event.get("details").get("introspect").asBoolean()).isTrue();
    }

    @Test
    void a_bad_introspect_value_is_400_and_changes_nothing() {
        OAuthHarness.Client app = h.confidential(h.user());
        Resp r = h.admin().patch("/admin/v1/apps/" + app.id(), Map.of("introspect", "yes", "name", "Renamed"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("introspect");
        JsonNode now = h.admin().get("/admin/v1/apps/" + app.id()).json();
        assertThat(now.get("introspect").asBoolean()).isFalse();
        assertThat(now.get("name").asText()).isEqualTo("Test App");
    }

    @Test
    void a_developer_cannot_mark_their_own_app() {
        String key = h.apiKey(dev);
        Resp r = h.api().patch("/v1.0/apps/" + owner.id(), Map.of("introspect", true), "Authorization", "token " + key);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).contains("introspect");
        assertThat(h.admin().get("/admin/v1/apps/" + owner.id()).json().get("introspect").asBoolean()).isFalse();
    }

    @Test
    void api_keys_are_not_introspected() {
        inactive(introspect(owner, h.apiKey(dev)));
    }
}
