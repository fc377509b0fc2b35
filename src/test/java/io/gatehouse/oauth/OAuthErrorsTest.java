package io.gatehouse.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 6749 §4.1.2.1 and §5.2 error cases and the RFC 9700 items, each through a real port. */
class OAuthErrorsTest {
    private OAuthHarness h;
    private OAuthHarness.User dev;
    private OAuthHarness.Client app;

    @BeforeEach
    void setUp() {
        h = new OAuthHarness(TestServer.shared(Backend.H2));
        dev = h.user();
        app = h.confidential(dev);
    }

    private Resp token(String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/x-www-form-urlencoded";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return h.api().send("POST", "/oauth/token", body, all);
    }

    private String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes());
    }

    private static void oauthError(Resp r, int status, String error) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).isEqualTo(error);
        assertThat(r.json().get("error_description").asText()).isNotBlank();
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void token_endpoint_errors_follow_rfc_6749_section_5_2() {
        String auth = basic(app.id(), app.secret());
        oauthError(token("", "Authorization", auth), 400, "invalid_request");
        oauthError(token("grant_type=password&username=a&password=b", "Authorization", auth), 400, "unsupported_grant_type");
        oauthError(token("grant_type=authorization_code", "Authorization", auth), 400, "invalid_request");
        oauthError(token("grant_type=authorization_code&code=nope&redirect_uri=" + OAuthHarness.REDIRECT, "Authorization", auth),
                400, "invalid_grant");
        oauthError(token("grant_type=refresh_token&refresh_token=ghr_nope", "Authorization", auth), 400, "invalid_grant");
        oauthError(token("grant_type=client_credentials&customer_key=" + h.apiKey(dev) + "&scope=leads.write",
                "Authorization", auth), 400, "invalid_scope");
        oauthError(h.api().send("POST", "/oauth/token", "{\"grant_type\":\"client_credentials\"}",
                "Content-Type", "application/json", "Authorization", auth), 400, "invalid_request");
        oauthError(token("grant_type=client_credentials&client_secret=" + app.secret(), "Authorization", auth),
                400, "invalid_request");
    }

    @Test
    void a_bad_client_is_401_invalid_client_with_a_basic_challenge() {
        for (Resp r : List.of(
                token("grant_type=client_credentials", "Authorization", basic(app.id(), "ghs_wrong")),
                token("grant_type=client_credentials", "Authorization", basic("ghc_nobody", "x")),
                token("grant_type=client_credentials&client_id=" + app.id()),
                token("grant_type=client_credentials"),
                token("grant_type=client_credentials", "Authorization", "Basic %%%"))) {
            oauthError(r, 401, "invalid_client");
            assertThat(r.header("WWW-Authenticate")).isEqualTo("Basic realm=\"gatehouse\"");
        }
    }

    @Test
    void a_public_client_cannot_use_client_credentials_or_introspect() {
        OAuthHarness.Client pub = h.app(dev, "public", List.of("user.read"), List.of(OAuthHarness.REDIRECT));
        oauthError(token("grant_type=client_credentials&client_id=" + pub.id() + "&customer_key=" + h.apiKey(dev)),
                400, "unauthorized_client");
        oauthError(h.api().send("POST", "/oauth/introspect", "client_id=" + pub.id() + "&token=x",
                "Content-Type", "application/x-www-form-urlencoded"), 401, "invalid_client");
    }

    @Test
    void the_code_is_bound_to_its_client_and_redirect_uri() {
        AuthorizationCode code = h.code(dev, app, new State(), null);
        OAuthHarness.Client other = h.confidential(dev);
        assertThat(OAuthHarness.error(h.codeGrant(other, code, null))).isEqualTo("invalid_grant");
        assertThat(OAuthHarness.error(h.exchange(app.basic(),
                new AuthorizationCodeGrant(code, URI.create("https://app.example.com/other"))))).isEqualTo("invalid_grant");
        // Refused attempts do not burn the code for its rightful client.
        assertThat(h.codeGrant(app, code, null).indicatesSuccess()).isTrue();
    }

    @Test
    void a_verifier_without_a_challenge_is_a_downgrade_and_refused() {
        AuthorizationCode code = h.code(dev, app, new State(), null);
        assertThat(OAuthHarness.error(h.codeGrant(app, code, new CodeVerifier()))).isEqualTo("invalid_grant");
    }

    @Test
    void a_confidential_app_may_use_pkce_and_then_must_prove_it() {
        CodeVerifier v = new CodeVerifier();
        AuthorizationCode code = h.code(dev, app, new State(), v);
        assertThat(OAuthHarness.error(h.codeGrant(app, code, null))).isEqualTo("invalid_grant");
        // SPEC §11 v2: the failed check ended that code; a new one with its verifier works.
        assertThat(OAuthHarness.error(h.codeGrant(app, code, v))).isEqualTo("invalid_grant");
        CodeVerifier v2 = new CodeVerifier();
        assertThat(h.codeGrant(app, h.code(dev, app, new State(), v2), v2).indicatesSuccess()).isTrue();
    }

    @Test
    void an_unknown_client_or_unregistered_redirect_uri_gets_an_error_page_never_a_redirect() {
        Browser b = h.loggedIn(dev);
        for (String url : List.of(
                "/oauth/authorize?response_type=code&client_id=ghc_nobody&redirect_uri=https://evil.example/cb&state=s",
                "/oauth/authorize?response_type=code&client_id=" + app.id() + "&redirect_uri=https://evil.example/cb&state=s",
                "/oauth/authorize?response_type=code&client_id=" + app.id() + "&redirect_uri=" + OAuthHarness.REDIRECT + "/x",
                "/oauth/authorize?response_type=code&client_id=" + app.id() + "&redirect_uri=https://APP.example.com/callback")) {
            Browser.Page p = b.open(url);
            assertThat(p.status()).as(url).isEqualTo(400);
            assertThat(p.location()).isNull();
            assertThat(p.body()).contains("<h1>");
        }
    }

    @Test
    void other_authorize_errors_go_back_to_the_app_with_the_state_unchanged() {
        Browser b = h.loggedIn(dev);
        String base = "/oauth/authorize?client_id=" + app.id() + "&redirect_uri=" + OAuthHarness.REDIRECT + "&state=abc%2F1";
        Map<String, String> cases = Map.of(
                base + "&response_type=token", "unsupported_response_type",
                base, "unsupported_response_type",
                base + "&response_type=code&scope=leads.write", "invalid_scope",
                base + "&response_type=code&code_challenge=" + "a".repeat(43) + "&code_challenge_method=plain", "invalid_request",
                base + "&response_type=code&code_challenge=" + "a".repeat(43), "invalid_request",
                base + "&response_type=code&code_challenge=short&code_challenge_method=S256", "invalid_request");
        cases.forEach((url, error) -> {
            Browser.Page p = b.open(url);
            assertThat(p.location()).as(url).startsWith(OAuthHarness.REDIRECT + "?");
            assertThat(p.location()).contains("error=" + error).contains("state=abc%2F1");
        });
        // A public app without PKCE is turned back too.
        OAuthHarness.Client pub = h.app(dev, "public", List.of("user.read"), List.of(OAuthHarness.REDIRECT));
        Browser.Page p = b.open("/oauth/authorize?response_type=code&client_id=" + pub.id() + "&redirect_uri="
                + OAuthHarness.REDIRECT + "&state=q");
        assertThat(p.location()).contains("error=invalid_request").contains("state=q");
    }

    @Test
    void the_client_id_alias_and_a_single_registered_redirect_uri_are_accepted() {
        Browser b = h.loggedIn(dev);
        Browser.Page consent = b.open("/oauth/authorize?response_type=code&clientId=" + app.id() + "&state=s");
        assertThat(consent.status()).isEqualTo(200);
        Browser.Page back = b.submit(consent, "/oauth/authorize", Map.of("decision", "approve"));
        assertThat(back.location()).startsWith(OAuthHarness.REDIRECT + "?code=");
    }

    @Test
    void a_native_app_may_use_any_port_on_its_loopback_redirect_uri() {
        OAuthHarness.Client cli = h.app(dev, "public", List.of("user.read"), List.of("http://127.0.0.1/callback"));
        CodeVerifier v = new CodeVerifier();
        String redirect = "http://127.0.0.1:53177/callback";
        URI back = h.consent(h.loggedIn(dev), h.authorizeUrl(cli, new State(), v, redirect), "approve");
        assertThat(back.toString()).startsWith(redirect + "?code=");
        AuthorizationCode code;
        try {
            code = com.nimbusds.oauth2.sdk.AuthorizationResponse.parse(back).toSuccessResponse().getAuthorizationCode();
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw new AssertionError(e);
        }
        assertThat(h.exchangePublic(cli, new AuthorizationCodeGrant(code, URI.create(redirect), v)).indicatesSuccess()).isTrue();
        // Other hosts and paths still have to match exactly.
        Browser.Page p = h.loggedIn(dev).open(h.authorizeUrl(cli, new State(), v, "http://127.0.0.1:53177/other").toString());
        assertThat(p.status()).isEqualTo(400);
    }

    @Test
    void the_consent_form_needs_its_csrf_token() {
        Browser b = h.loggedIn(dev);
        Browser.Page consent = b.open(h.authorizeUrl(app, new State(), null, OAuthHarness.REDIRECT).toString());
        Browser.Page forged = b.submit(consent, "/oauth/authorize", Map.of("decision", "approve", "csrf", "forged-token-value-123"));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.location()).isNull();
    }

    @Test
    void a_refresh_token_works_only_for_its_own_client() {
        var r = h.clientCredentials(app, h.apiKey(dev)).toSuccessResponse();
        RefreshToken rt = r.getTokens().getRefreshToken();
        OAuthHarness.Client other = h.confidential(dev);
        assertThat(OAuthHarness.error(h.refresh(other, rt))).isEqualTo("invalid_grant");
        assertThat(h.refresh(app, rt).indicatesSuccess()).isTrue();
    }

    @Test
    void a_narrower_scope_may_be_asked_for() {
        var r = OAuthHarness.send(new TokenRequest(h.token, new ClientSecretBasic(new ClientID(app.id()), new Secret(app.secret())),
                new ClientCredentialsGrant(), new Scope("leads.read"), null, Map.of("customer_key", List.of(h.apiKey(dev)))));
        String at = OAuthHarness.accessToken(r);
        assertThat(h.api().get("/v1.0/leads", io.gatehouse.testing.TestClient.bearer(at)).status()).isEqualTo(200);
        assertThat(h.api().get("/v1.0/me", io.gatehouse.testing.TestClient.bearer(at)).status()).isEqualTo(403);
    }

    @Test
    void a_forged_or_foreign_bearer_token_is_401() {
        String at = OAuthHarness.accessToken(h.clientCredentials(app, h.apiKey(dev)));
        String[] p = at.split("\\.");
        for (String bad : List.of(p[0] + "." + p[1] + ".AAAA", "eyJhbGciOiJub25lIn0." + p[1] + ".", "not-a-jwt", at + "x")) {
            Resp r = h.api().get("/v1.0/me", io.gatehouse.testing.TestClient.bearer(bad));
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).contains("invalid_token");
        }
    }
}
