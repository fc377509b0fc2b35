package io.gatehouse.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redirect URIs that could carry text into a header, or name no real port (RFC 6749 §3.1.2, RFC 8252
 * §7.3): refused at registration and at authorize time; the consent page's CSP names only the origin.
 */
class RedirectUriHardeningTest {
    private OAuthHarness h;
    private OAuthHarness.User dev;

    @BeforeEach
    void setUp() {
        h = new OAuthHarness(TestServer.shared(Backend.H2));
        dev = h.user();
    }

    private Resp register(String redirectUri) {
        return h.admin().post("/admin/v1/apps", Map.of("owner_id", dev.id(), "name", "Odd", "type", "public",
                "redirect_uris", List.of(redirectUri), "permissions", List.of("user.read")));
    }

    @Test
    void user_info_and_impossible_ports_are_refused_at_registration() {
        for (String uri : List.of("https://a;script-src%20*@app.example.com/cb", "https://user:pass@app.example.com/cb",
                "http://x@127.0.0.1/cb", "http://127.0.0.1:0/cb", "http://127.0.0.1:99999/cb", "http://localhost:65536/cb",
                "http://127.0.0.1:/cb", "https://app.example.com:0/cb", "com.example.app://a;b/cb")) {
            Resp r = register(uri);
            assertThat(r.status()).as(uri).isEqualTo(400);
            assertThat(r.json().get("code").asInt()).isEqualTo(20012);
        }
        assertThat(register("http://127.0.0.1:65535/cb").status()).isEqualTo(201);
    }

    @Test
    void a_loopback_redirect_with_port_0_or_above_65535_is_an_error_page_at_authorize_time() {
        OAuthHarness.Client cli = h.app(dev, "public", List.of("user.read"), List.of("http://127.0.0.1/callback"));
        Browser b = h.loggedIn(dev);
        for (String redirect : List.of("http://127.0.0.1:0/callback", "http://127.0.0.1:99999/callback", "http://127.0.0.1:/callback",
                "http://u@127.0.0.1:8080/callback")) {
            Browser.Page p = b.open(h.authorizeUrl(cli, new State(), new CodeVerifier(), redirect).toString());
            assertThat(p.status()).as(redirect).isEqualTo(400);
            assertThat(p.location()).as(redirect).isNull();
        }
        Browser.Page ok = b.open(h.authorizeUrl(cli, new State(), new CodeVerifier(), "http://127.0.0.1:8080/callback").toString());
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("Content-Security-Policy")).contains("form-action 'self' http://127.0.0.1:8080;");
    }

    @Test
    void the_consent_pages_form_action_names_only_the_redirect_origin() {
        String redirect = "https://App.Example.com:8443/cb;x=1?q='a'";
        OAuthHarness.Client c = h.app(dev, "confidential", List.of("user.read"), List.of(redirect));
        Browser.Page consent = h.loggedIn(dev).open(h.authorizeUrl(c, new State(), null, redirect).toString());
        assertThat(consent.status()).as(consent.body()).isEqualTo(200);
        String csp = consent.header("Content-Security-Policy");
        assertThat(csp).contains("form-action 'self' https://app.example.com:8443;").doesNotContain("cb").doesNotContain("'a'");
        assertThat(consent.body()).contains("You will be sent back to App.Example.com");
    }
}
