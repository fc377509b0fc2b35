package io.gatehouse.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.id.State;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Audit "attack2": disabling or deleting an account ends its keys, grants and sessions; an authorization code or an
 * approved device code it gave a moment before must not turn into new tokens afterwards.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class EndedAccountTest {
    @Parameter
    Backend backend;

    private OAuthHarness h;

    @BeforeEach
    void harness() {
        h = new OAuthHarness(TestServer.shared(backend));
    }

    private void disable(OAuthHarness.User u) {
        assertThat(h.admin().patch("/admin/v1/accounts/" + u.id(), Map.of("disabled", true)).status()).isEqualTo(200);
    }

    private void delete(OAuthHarness.User u) {
        Resp r = h.admin().delete("/admin/v1/accounts/" + u.id());
        assertThat(r.status()).as(r.toString()).isIn(200, 204);
    }

    @Test
    void a_code_given_before_the_account_was_disabled_gives_no_tokens() {
        OAuthHarness.User dev = h.user();
        OAuthHarness.Client c = h.confidential(dev);
        AuthorizationCode code = h.code(dev, c, new State(), null);
        disable(dev);
        TokenResponse r = h.codeGrant(c, code, null);
        assertThat(r.indicatesSuccess()).as("tokens for a disabled account").isFalse();
        assertThat(OAuthHarness.error(r)).isEqualTo("invalid_grant");
    }

    @Test
    void a_code_given_before_the_account_was_deleted_gives_no_tokens() {
        OAuthHarness.User dev = h.user();
        OAuthHarness.Client c = h.confidential(dev);
        assertThat(h.admin().post("/admin/v1/apps/" + c.id() + "/approve", Map.of()).status()).isEqualTo(200);
        OAuthHarness.User u = h.user();
        AuthorizationCode code = h.code(u, c, new State(), null);
        delete(u);
        TokenResponse r = h.codeGrant(c, code, null);
        assertThat(r.indicatesSuccess()).as("tokens for a deleted account").isFalse();
        assertThat(OAuthHarness.error(r)).isEqualTo("invalid_grant");
    }

    @Test
    void a_device_code_approved_before_the_account_was_disabled_gives_no_tokens() {
        OAuthHarness.User dev = h.user();
        OAuthHarness.Client c = h.app(dev, "public", List.of("user.read"), List.of("http://127.0.0.1/callback"));
        JsonNode d = h.api().send("POST", "/oauth/device_authorization", "client_id=" + c.id(),
                "Content-Type", "application/x-www-form-urlencoded").json();
        Browser b = h.loggedIn(dev);
        Browser.Page consent = b.submit(b.open("/portal/device"), "/portal/device", Map.of("user_code", d.get("user_code").asText()));
        assertThat(b.submit(consent, "/portal/device/decide", Map.of("decision", "approve")).body()).contains("Device connected");
        disable(dev);
        Resp r = h.api().send("POST", "/oauth/token", "grant_type=" + DeviceCodeGrant.GRANT_TYPE + "&client_id=" + c.id()
                + "&device_code=" + d.get("device_code").asText(), "Content-Type", "application/x-www-form-urlencoded");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    /**
     * A development app's test user who was removed after consenting: the refresh and device grants already checked
     * that the account may still authorize the app when tokens are made; the code exchange did not, and gave them.
     */
    @Test
    void a_code_of_a_test_user_removed_since_gives_no_tokens() {
        OAuthHarness.User dev = h.user();
        OAuthHarness.Client c = h.confidential(dev);
        OAuthHarness.User tester = h.user();
        assertThat(h.admin().patch("/admin/v1/apps/" + c.id(), Map.of("test_users", List.of(tester.id()))).status()).isEqualTo(200);
        AuthorizationCode code = h.code(tester, c, new State(), null);
        assertThat(h.admin().patch("/admin/v1/apps/" + c.id(), Map.of("test_users", List.of())).status()).isEqualTo(200);
        TokenResponse r = h.codeGrant(c, code, null);
        assertThat(r.indicatesSuccess()).as("tokens for an account that may no longer authorize the app").isFalse();
        assertThat(OAuthHarness.error(r)).isEqualTo("invalid_grant");
    }
}

