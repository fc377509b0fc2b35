package io.gatehouse.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SPEC §5 CORS: a browser app on its own origin can exchange a code and call the API; another origin cannot. */
class CorsTest {
    static final String APP_ORIGIN = "https://app.example.com";
    static final String FOREIGN = "https://evil.example";

    private OAuthHarness h;

    @BeforeEach
    void harness() {
        h = new OAuthHarness(TestServer.shared(Backend.H2));
    }

    private Resp preflight(String path, String origin, String method) {
        return h.api().send("OPTIONS", path, null, "Origin", origin, "Access-Control-Request-Method", method,
                "Access-Control-Request-Headers", "authorization, content-type");
    }

    private Resp exchange(OAuthHarness.Client spa, AuthorizationCode code, CodeVerifier v, String origin) {
        String form = "grant_type=authorization_code&client_id=" + spa.id() + "&code=" + code.getValue() + "&redirect_uri="
                + URLEncoder.encode(OAuthHarness.REDIRECT, StandardCharsets.UTF_8) + "&code_verifier=" + v.getValue();
        return h.api().send("POST", "/oauth/token", form, "Origin", origin, "Content-Type", "application/x-www-form-urlencoded");
    }

    @Test
    void a_browser_app_on_its_origin_exchanges_a_code_and_calls_the_api_and_another_origin_gets_no_cors_headers() {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client spa = h.app(u, "public", List.of("user.read"), List.of(OAuthHarness.REDIRECT));

        Resp pre = preflight("/oauth/token", APP_ORIGIN, "POST");
        assertThat(pre.status()).isEqualTo(204);
        assertThat(pre.header("Access-Control-Allow-Origin")).isEqualTo(APP_ORIGIN);
        assertThat(pre.header("Access-Control-Allow-Methods")).contains("POST");
        assertThat(pre.header("Access-Control-Allow-Headers")).containsIgnoringCase("content-type").containsIgnoringCase("authorization");
        Resp foreignPre = preflight("/oauth/token", FOREIGN, "POST");
        assertThat(foreignPre.header("Access-Control-Allow-Origin")).isNull();
        assertThat(foreignPre.status()).isNotEqualTo(204);

        CodeVerifier v = new CodeVerifier();
        Resp tokens = exchange(spa, h.code(u, spa, new State(), v), v, APP_ORIGIN);
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        assertThat(tokens.header("Access-Control-Allow-Origin")).isEqualTo(APP_ORIGIN);
        String at = tokens.json().get("access_token").asText();
        CodeVerifier v2 = new CodeVerifier();
        Resp fromForeign = exchange(spa, h.code(u, spa, new State(), v2), v2, FOREIGN);
        assertThat(fromForeign.header("Access-Control-Allow-Origin")).isNull();

        Resp apiPre = preflight("/v1.0/me", APP_ORIGIN, "GET");
        assertThat(apiPre.status()).isEqualTo(204);
        assertThat(apiPre.header("Access-Control-Allow-Origin")).isEqualTo(APP_ORIGIN);
        assertThat(preflight("/v1.0/me", FOREIGN, "GET").header("Access-Control-Allow-Origin")).isNull();

        Resp me = h.api().get("/v1.0/me", "Authorization", "Bearer " + at, "Origin", APP_ORIGIN);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.header("Access-Control-Allow-Origin")).isEqualTo(APP_ORIGIN);
        assertThat(me.header("Access-Control-Expose-Headers")).contains("X-RateLimit-Remaining").contains("X-RateLimit-Reset")
                .contains("RateLimit");
        Resp meForeign = h.api().get("/v1.0/me", "Authorization", "Bearer " + at, "Origin", FOREIGN);
        assertThat(meForeign.header("Access-Control-Allow-Origin")).isNull();
        // The origin of another app's redirect URI is not this app's.
        OAuthHarness.User other = h.user();
        h.app(other, "public", List.of("user.read"), List.of("https://other-app.example.com/cb"));
        assertThat(h.api().get("/v1.0/me", "Authorization", "Bearer " + at, "Origin", "https://other-app.example.com")
                .header("Access-Control-Allow-Origin")).isNull();

        // allowed_origins adds one.
        assertThat(h.admin().patch("/admin/v1/apps/" + spa.id(), Map.of("allowed_origins", List.of("https://spa.example.org")))
                .status()).isEqualTo(200);
        assertThat(h.api().get("/v1.0/me", "Authorization", "Bearer " + at, "Origin", "https://spa.example.org")
                .header("Access-Control-Allow-Origin")).isEqualTo("https://spa.example.org");
        // SPEC §9: and the change is in the audit log, naming the field (whichever door it came through)
        var changed = h.admin().get("/admin/v1/audit?type=app.changed&client_id=" + spa.id()).json().get("events");
        assertThat(changed.toString()).contains("allowed_origins");
    }

    @Test
    void discovery_and_jwks_are_open_to_every_origin_and_the_portal_and_admin_api_never_send_cors_headers() {
        for (String doc : List.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server",
                "/.well-known/jwks.json")) {
            assertThat(h.api().get(doc, "Origin", FOREIGN).header("Access-Control-Allow-Origin")).as(doc).isEqualTo("*");
            assertThat(preflight(doc, FOREIGN, "GET").status()).as(doc).isEqualTo(204);
        }
        for (String page : List.of("/portal/login", "/portal/apps", "/oauth/authorize?client_id=x")) {
            assertThat(h.api().get(page, "Origin", APP_ORIGIN).header("Access-Control-Allow-Origin")).as(page).isNull();
            assertThat(preflight(page, APP_ORIGIN, "POST").header("Access-Control-Allow-Origin")).as(page).isNull();
        }
        assertThat(h.admin().get("/admin/v1/apps", "Origin", APP_ORIGIN).header("Access-Control-Allow-Origin")).isNull();
        assertThat(h.admin().send("OPTIONS", "/admin/v1/apps", null, "Origin", APP_ORIGIN, "Access-Control-Request-Method", "GET")
                .header("Access-Control-Allow-Origin")).isNull();
    }
}
