package io.gatehouse.oauth;

import static io.gatehouse.testing.TestClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.Prompt;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import com.nimbusds.oauth2.sdk.TokenRequest;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.net.URI;
import java.net.URL;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** SPEC §5 v2 OpenID Connect: through the real login and consent pages, id_tokens checked by Nimbus's validator. */
@ParameterizedClass
@EnumSource(Backend.class)
class OpenIdConnectTest {
    static final String LOGGED_OUT = "https://app.example.com/logged-out";

    @Parameter
    Backend backend;

    private OAuthHarness h;

    @BeforeEach
    void harness() {
        h = new OAuthHarness(TestServer.shared(backend));
    }

    private OAuthHarness.Client oidcApp(OAuthHarness.User owner) {
        Map<String, Object> body = new HashMap<>();
        body.put("owner_id", owner.id());
        body.put("name", "Test App");
        body.put("description", "Signs in with Gatehouse");
        body.put("redirect_uris", List.of(OAuthHarness.REDIRECT));
        body.put("type", "confidential");
        body.put("permissions", List.of("user.read"));
        body.put("post_logout_redirect_uris", List.of(LOGGED_OUT));
        var r = h.admin().post("/admin/v1/apps", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().get("post_logout_redirect_uris").get(0).asText()).isEqualTo(LOGGED_OUT);
        return new OAuthHarness.Client(r.json().get("client_id").asText(), r.json().get("client_secret").asText(),
                List.of("user.read"));
    }

    private URI authUrl(OAuthHarness.Client c, State state, Nonce nonce, Prompt prompt, Map<String, String> extra) {
        AuthenticationRequest.Builder b = new AuthenticationRequest.Builder(new ResponseType("code"),
                new Scope("openid", "profile", "email", "user.read"), new ClientID(c.id()), URI.create(OAuthHarness.REDIRECT))
                .endpointURI(h.authorize).state(state).nonce(nonce).prompt(prompt);
        extra.forEach((k, v) -> b.customParameter(k, v));
        return b.build().toURI();
    }

    private IDTokenValidator validator(OAuthHarness.Client c) throws Exception {
        return new IDTokenValidator(new Issuer(h.server.server.issuer()), new ClientID(c.id()), JWSAlgorithm.RS256,
                new URL(h.api().base + "/.well-known/jwks.json"));
    }

    private static AuthorizationResponse parse(URI back) throws Exception {
        return AuthorizationResponse.parse(back);
    }

    private OIDCTokenResponse exchange(OAuthHarness.Client c, AuthorizationCode code) throws Exception {
        TokenResponse r = OIDCTokenResponseParser.parse(new TokenRequest(h.token, c.basic(),
                new AuthorizationCodeGrant(code, URI.create(OAuthHarness.REDIRECT))).toHTTPRequest().send());
        assertThat(r.indicatesSuccess()).as(() -> r.toErrorResponse().getErrorObject().toString()).isTrue();
        return (OIDCTokenResponse) r.toSuccessResponse();
    }

    @Test
    void both_discovery_documents_list_every_endpoint_and_each_one_answers() throws Exception {
        Resp oidc = h.api().get("/.well-known/openid-configuration");
        assertThat(oidc.status()).isEqualTo(200);
        OIDCProviderMetadata m = OIDCProviderMetadata.parse(oidc.body());
        String issuer = h.server.server.issuer();
        assertThat(m.getIssuer().getValue()).isEqualTo(issuer);
        assertThat(m.getUserInfoEndpointURI()).hasToString(issuer + "/oauth/userinfo");
        assertThat(m.getEndSessionEndpointURI()).hasToString(issuer + "/oauth/logout");
        assertThat(m.getIDTokenJWSAlgs()).extracting(Object::toString).containsExactly("RS256");
        assertThat(m.getSubjectTypes()).extracting(Object::toString).containsExactly("public");
        assertThat(m.getScopes().toStringList()).contains("openid", "profile", "email", "user.read", "leads.read");
        assertThat(m.getClaims()).contains("sub", "name", "email", "email_verified", "auth_time", "nonce", "at_hash", "azp");
        assertThat(m.getResponseModes()).extracting(Object::toString).containsExactly("query");
        assertThat(m.supportsRequestURIParam()).isFalse();
        assertThat(m.supportsRequestParam()).isFalse();
        assertThat(m.getServiceDocsURI()).hasToString(issuer + "/portal/docs");

        AuthorizationServerMetadata as = AuthorizationServerMetadata.parse(h.api().get("/.well-known/oauth-authorization-server").body());
        assertThat(as.getResponseModes()).extracting(Object::toString).containsExactly("query");
        assertThat(as.getServiceDocsURI()).hasToString(issuer + "/portal/docs");

        // Each listed endpoint is served (a call without credentials gets its error, never 404).
        for (URI endpoint : List.of(m.getAuthorizationEndpointURI(), m.getJWKSetURI(), m.getUserInfoEndpointURI(),
                m.getEndSessionEndpointURI())) {
            assertThat(h.api().get(endpoint.getPath()).status()).as(endpoint.toString()).isNotIn(404, 405);
        }
        for (URI endpoint : List.of(m.getTokenEndpointURI(), m.getRevocationEndpointURI(), m.getIntrospectionEndpointURI())) {
            assertThat(h.api().send("POST", endpoint.getPath(), null).status()).as(endpoint.toString()).isNotIn(404, 405);
        }
    }

    @Test
    void openid_adds_an_id_token_that_the_nimbus_validator_accepts_and_userinfo_names_the_account() throws Exception {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = oidcApp(u);
        Browser browser = h.loggedIn(u);
        Instant loggedInBy = Instant.now();
        State state = new State();
        Nonce nonce = new Nonce();
        Browser.Page consent = browser.open(authUrl(c, state, nonce, null, Map.of()).toString());
        assertThat(consent.body()).contains("Know who you are").contains("See your name").contains("See your email address");
        Browser.Page back = browser.submit(consent, "/oauth/authorize", Map.of("decision", "approve"));
        AuthorizationResponse ar = parse(URI.create(back.location()));
        assertThat(ar.getState()).isEqualTo(state);
        AuthorizationCode code = ar.toSuccessResponse().getAuthorizationCode();

        OIDCTokenResponse tokens = exchange(c, code);
        JWT idToken = tokens.getOIDCTokens().getIDToken();
        IDTokenClaimsSet claims = validator(c).validate(idToken, nonce);
        assertThat(claims.getSubject().getValue()).isEqualTo(Long.toString(u.id()));
        assertThat(claims.getAudience()).extracting(Object::toString).containsExactly(c.id());
        assertThat(claims.getAuthorizedParty().getValue()).isEqualTo(c.id());
        assertThat(claims.getAuthenticationTime()).isBeforeOrEqualTo(java.util.Date.from(loggedInBy));
        assertThat(claims.getAccessTokenHash()).isNotNull();
        assertThat(com.nimbusds.openid.connect.sdk.claims.AccessTokenHash.compute(tokens.getOIDCTokens().getAccessToken(),
                JWSAlgorithm.RS256, null)).isEqualTo(claims.getAccessTokenHash());
        assertThat(claims.getStringClaim("email")).isEqualTo(u.email());
        assertThat(claims.getClaim("email_verified")).isEqualTo(false);
        assertThat(claims.getStringClaim("name")).isNotBlank();

        // A replayed id_token (another login's nonce) is refused by the relying party's check.
        assertThatThrownBy(() -> validator(c).validate(idToken, new Nonce())).hasMessageContaining("nonce");
        // The code works once.
        TokenResponse again = OIDCTokenResponseParser.parse(new TokenRequest(h.token, c.basic(),
                new AuthorizationCodeGrant(code, URI.create(OAuthHarness.REDIRECT))).toHTTPRequest().send());
        assertThat(again.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");

        // The access token still works (the first exchange's grant was revoked by the replay: take a new one).
        OIDCTokenResponse fresh = exchange(c, codeFor(browser, c, new Nonce()));
        String at = fresh.getOIDCTokens().getAccessToken().getValue();
        Resp info = h.api().get("/oauth/userinfo", bearer(at));
        assertThat(info.status()).as(info.body()).isEqualTo(200);
        assertThat(info.json().get("sub").asText()).isEqualTo(Long.toString(u.id()));
        assertThat(info.json().get("email").asText()).isEqualTo(u.email());
        assertThat(h.api().send("POST", "/oauth/userinfo", null, bearer(at)).status()).isEqualTo(200);

        // Refresh keeps openid: a new id_token, same subject and login time, valid without a nonce.
        OIDCTokenResponse refreshed = (OIDCTokenResponse) OIDCTokenResponseParser.parse(new TokenRequest(h.token, c.basic(),
                new com.nimbusds.oauth2.sdk.RefreshTokenGrant(fresh.getOIDCTokens().getRefreshToken())).toHTTPRequest().send())
                .toSuccessResponse();
        IDTokenClaimsSet again2 = validator(c).validate(refreshed.getOIDCTokens().getIDToken(), null);
        IDTokenClaimsSet before = validator(c).validate(fresh.getOIDCTokens().getIDToken(), null);
        assertThat(again2.getSubject()).isEqualTo(before.getSubject());
        assertThat(again2.getAuthenticationTime()).isEqualTo(before.getAuthenticationTime());
        assertThat(again2.getNonce()).isNull();
    }

    private AuthorizationCode codeFor(Browser browser, OAuthHarness.Client c, Nonce nonce) throws Exception {
        Browser.Page consent = browser.open(authUrl(c, new State(), nonce, null, Map.of()).toString());
        Browser.Page back = browser.submit(consent, "/oauth/authorize", Map.of("decision", "approve"));
        return parse(URI.create(back.location())).toSuccessResponse().getAuthorizationCode();
    }

    @Test
    void userinfo_answers_a_login_without_openid_with_only_what_the_token_can_already_read() throws Exception {
        // Spring Security's issuer-only registration asks for no scope: a plain OAuth 2.0 login, then userinfo.
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.confidential(u);
        TokenResponse t = h.codeGrant(c, h.code(u, c, new State(), null), null);
        assertThat(t.indicatesSuccess()).isTrue();
        // The SPEC v1 token response is unchanged: the app's permissions, no openid, no id_token.
        assertThat(t.toSuccessResponse().getTokens().getAccessToken().getScope().toStringList())
                .containsExactlyInAnyOrder("user.read", "leads.read");
        assertThat(t.toSuccessResponse().getCustomParameters()).doesNotContainKey("id_token");
        Resp info = h.api().get("/oauth/userinfo", bearer(OAuthHarness.accessToken(t)));
        assertThat(info.status()).as(info.body()).isEqualTo(200);
        assertThat(info.header("Cache-Control")).isEqualTo("no-store");
        // user.read already shows the name and address through GET /v1.0/me.
        assertThat(info.json().get("sub").asText()).isEqualTo(Long.toString(u.id()));
        assertThat(info.json().get("email").asText()).isEqualTo(u.email());
        assertThat(info.json().get("name").asText()).isNotBlank();

        // A token that cannot read /v1.0/me learns only its own subject (which it carries anyway).
        OAuthHarness.Client leadsOnly = h.app(u, "confidential", List.of("leads.read"), List.of(OAuthHarness.REDIRECT));
        Resp bare = h.api().get("/oauth/userinfo", bearer(OAuthHarness.accessToken(h.clientCredentials(leadsOnly, h.apiKey(u)))));
        assertThat(bare.status()).as(bare.body()).isEqualTo(200);
        assertThat(bare.json().get("sub").asText()).isEqualTo(Long.toString(u.id()));
        assertThat(bare.json().size()).as(bare.body()).isEqualTo(1);

        Resp bad = h.api().get("/oauth/userinfo", bearer("eyJhbGciOiJub25lIn0.e30."));
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.header("WWW-Authenticate")).contains("invalid_token");
        Resp none = h.api().get("/oauth/userinfo");
        assertThat(none.status()).isEqualTo(401);
    }

    @Test
    void prompt_none_without_a_session_answers_login_required_on_the_redirect() throws Exception {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = oidcApp(u);
        State state = new State();
        Browser anonymous = new Browser(h.api().base);
        // RFC 9700 §4.11.2: an unreviewed (development) app's redirect URI is not trusted for an unknown visitor
        Browser.Page dev = anonymous.open(authUrl(c, state, new Nonce(), new Prompt(Prompt.Type.NONE), Map.of()).toString());
        assertThat(dev.location()).isNull();
        assertThat(dev.body()).contains("development mode");
        assertThat(h.admin().post("/admin/v1/apps/" + c.id() + "/approve", Map.of()).status()).isEqualTo(200);
        Browser.Page p = anonymous.open(authUrl(c, state, new Nonce(), new Prompt(Prompt.Type.NONE), Map.of()).toString());
        AuthorizationResponse r = parse(URI.create(p.location()));
        assertThat(r.indicatesSuccess()).isFalse();
        assertThat(r.toErrorResponse().getErrorObject().getCode()).isEqualTo("login_required");
        assertThat(r.getState()).isEqualTo(state);

        // Logged in but never consented: consent_required; once consented, prompt=none answers with a code.
        Browser browser = h.loggedIn(u);
        Browser.Page p2 = browser.open(authUrl(c, state, new Nonce(), new Prompt(Prompt.Type.NONE), Map.of()).toString());
        assertThat(parse(URI.create(p2.location())).toErrorResponse().getErrorObject().getCode()).isEqualTo("consent_required");
        exchange(c, codeFor(browser, c, new Nonce()));
        Nonce nonce = new Nonce();
        Browser.Page p3 = browser.open(authUrl(c, state, nonce, new Prompt(Prompt.Type.NONE), Map.of()).toString());
        AuthorizationCode silent = parse(URI.create(p3.location())).toSuccessResponse().getAuthorizationCode();
        assertThat(validator(c).validate(exchange(c, silent).getOIDCTokens().getIDToken(), nonce).getNonce()).isEqualTo(nonce);
    }

    @Test
    void prompt_login_and_max_age_send_a_logged_in_browser_to_log_in_again_with_the_login_hint() throws Exception {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = oidcApp(u);
        Browser browser = h.loggedIn(u);
        for (Map<String, String> ask : List.of(Map.of("prompt", "login"), Map.of("max_age", "0"))) {
            Map<String, String> extra = new HashMap<>(ask);
            extra.put("login_hint", u.email());
            Browser.Page login = browser.open(authUrl(c, new State(), new Nonce(), null, extra).toString());
            assertThat(login.url()).as(ask.toString()).contains("/portal/login");
            assertThat(Browser.fields(login.body())).containsEntry("email", u.email());
            Browser.Page consent = browser.submit(login, "/portal/login", Map.of("email", u.email(), "password", OAuthHarness.PASSWORD));
            assertThat(consent.body()).as(ask.toString()).contains("Approve");
        }
        // max_age that the session meets: straight to consent.
        Browser.Page consent = browser.open(authUrl(c, new State(), new Nonce(), null, Map.of("max_age", "3600")).toString());
        assertThat(consent.body()).contains("Approve");
    }

    @Test
    void logout_returns_only_to_a_registered_uri_and_ends_the_session() throws Exception {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = oidcApp(u);
        Browser browser = h.loggedIn(u);
        String idToken = exchange(c, codeFor(browser, c, new Nonce())).getOIDCTokens().getIDToken().serialize();

        Browser.Page out = browser.request("GET", "/oauth/logout?id_token_hint=" + idToken + "&post_logout_redirect_uri="
                + java.net.URLEncoder.encode(LOGGED_OUT, "UTF-8") + "&state=s%201", null);
        assertThat(out.status()).isEqualTo(302);
        assertThat(out.location()).isEqualTo(LOGGED_OUT + "?state=s%201");
        assertThat(browser.open("/portal/apps").url()).contains("/portal/login");

        Browser second = h.loggedIn(u);
        Browser.Page elsewhere = second.request("GET", "/oauth/logout?id_token_hint=" + idToken
                + "&post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F", null);
        assertThat(elsewhere.status()).isEqualTo(200);
        assertThat(elsewhere.location()).isNull();
        assertThat(elsewhere.body()).contains("You are logged out");
        assertThat(second.open("/portal/apps").url()).contains("/portal/login");
    }

    /**
     * Audit "attack2": any page could end a Gatehouse session with {@code <img src=".../oauth/logout">} (logout CSRF).
     * RP-Initiated Logout 1.0 §2 and §6: without an id_token_hint for the session's own account, the person is asked
     * first, on a form of ours; a hint of another account (an attacker's own id_token) is no better than none.
     */
    @Test
    void a_logout_request_without_the_sessions_own_id_token_asks_before_ending_the_session() throws Exception {
        OAuthHarness.User u = h.user();
        Browser browser = h.loggedIn(u);
        Browser.Page ask = browser.request("GET", "/oauth/logout", null);
        assertThat(ask.status()).isEqualTo(200);
        assertThat(ask.body()).contains("Log out of Gatehouse?");
        assertThat(browser.open("/portal/apps").url()).as("still logged in").endsWith("/portal/apps");
        Browser.Page posted = browser.raw("POST", "/oauth/logout", "", "Content-Type", "application/x-www-form-urlencoded");
        assertThat(posted.status()).as("a cross-site form post, no token").isEqualTo(200);
        assertThat(browser.open("/portal/apps").url()).as("still logged in").endsWith("/portal/apps");

        OAuthHarness.User attacker = h.user();
        OAuthHarness.Client attackersApp = oidcApp(attacker);
        String attackersToken = exchange(attackersApp, codeFor(h.loggedIn(attacker), attackersApp, new Nonce()))
                .getOIDCTokens().getIDToken().serialize();
        Browser.Page asked = browser.open("/oauth/logout?id_token_hint=" + attackersToken + "&post_logout_redirect_uri="
                + java.net.URLEncoder.encode(LOGGED_OUT, "UTF-8") + "&state=x");
        assertThat(asked.status()).isEqualTo(200);
        assertThat(asked.body()).contains("Log out of Gatehouse?");
        assertThat(browser.open("/portal/apps").url()).as("still logged in").endsWith("/portal/apps");

        // An unreviewed (development) app's address is trusted only for its developer and test users: anyone else
        // logged out through it stays on our page (else any sign-up makes an open redirector).
        Browser.Page devApp = new Browser(h.api().base).open("/oauth/logout?client_id=" + attackersApp.id()
                + "&post_logout_redirect_uri=" + java.net.URLEncoder.encode(LOGGED_OUT, "UTF-8"));
        assertThat(devApp.location()).isNull();
        assertThat(devApp.body()).contains("You have been logged out");

        // The person confirms on our page: the session ends, and the registered address of a reviewed app is honoured.
        assertThat(h.admin().post("/admin/v1/apps/" + attackersApp.id() + "/approve", Map.of()).status()).isEqualTo(200);
        Browser.Page done = browser.submit(asked, "/oauth/logout", Map.of("confirm", "yes"));
        assertThat(done.leftServer()).isTrue();
        assertThat(done.location()).isEqualTo(LOGGED_OUT + "?state=x");
        assertThat(browser.open("/portal/apps").url()).contains("/portal/login");
    }

    @Test
    void addresses_added_after_approval_are_not_used_for_everyone_until_an_admin_approves_them() throws Exception {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = oidcApp(u);
        assertThat(h.admin().post("/admin/v1/apps/" + c.id() + "/approve", Map.of()).status()).isEqualTo(200);
        String added = "https://added.example/cb";
        String addedBye = "https://added.example/bye";
        Resp patched = h.api().send("PATCH", "/v1.0/apps/" + c.id(), Map.of("redirect_uris", List.of(OAuthHarness.REDIRECT, added),
                "post_logout_redirect_uris", List.of(LOGGED_OUT, addedBye)), "Authorization", "token " + h.apiKey(u));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        String bad = "/oauth/authorize?response_type=x&client_id=" + c.id() + "&redirect_uri=";
        Browser anonymous = new Browser(h.api().base);

        Browser.Page toAdded = anonymous.open(bad + java.net.URLEncoder.encode(added, "UTF-8"));
        assertThat(toAdded.location()).as("an address no admin approved, for a stranger").isNull();
        assertThat(toAdded.body()).contains("no admin has reviewed this address");
        assertThat(anonymous.open(bad + java.net.URLEncoder.encode(OAuthHarness.REDIRECT, "UTF-8")).location())
                .as("an approved address").startsWith(OAuthHarness.REDIRECT + "?").contains("error=unsupported_response_type");
        assertThat(h.loggedIn(u).open(bad + java.net.URLEncoder.encode(added, "UTF-8")).location())
                .as("its developer trying it").startsWith(added + "?").contains("error=unsupported_response_type");
        Browser.Page bye = anonymous.open("/oauth/logout?client_id=" + c.id() + "&post_logout_redirect_uri="
                + java.net.URLEncoder.encode(addedBye, "UTF-8"));
        assertThat(bye.location()).isNull();
        assertThat(anonymous.open("/oauth/logout?client_id=" + c.id() + "&post_logout_redirect_uri="
                + java.net.URLEncoder.encode(LOGGED_OUT, "UTF-8")).location()).isEqualTo(LOGGED_OUT);

        // An admin approves the app as it is now: both addresses are reviewed (read again within seconds).
        assertThat(h.admin().post("/admin/v1/apps/" + c.id() + "/approve", Map.of()).status()).isEqualTo(200);
        assertThat(anonymous.open(bad + java.net.URLEncoder.encode(added, "UTF-8")).location()).startsWith(added + "?")
                .contains("error=unsupported_response_type");
        assertThat(anonymous.open("/oauth/logout?client_id=" + c.id() + "&post_logout_redirect_uri="
                + java.net.URLEncoder.encode(addedBye, "UTF-8")).location()).isEqualTo(addedBye);
    }

    @Test
    void app_apis_take_and_check_post_logout_redirect_uris_and_allowed_origins() {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = oidcApp(u);
        Resp ok = h.admin().patch("/admin/v1/apps/" + c.id(), Map.of("allowed_origins", List.of("https://spa.example.com")));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("allowed_origins").get(0).asText()).isEqualTo("https://spa.example.com");
        assertThat(ok.json().get("post_logout_redirect_uris").get(0).asText()).isEqualTo(LOGGED_OUT);
        for (Object bad : List.of(List.of("https://spa.example.com/path"), List.of("http://spa.example.com"), List.of("*"))) {
            Resp r = h.admin().patch("/admin/v1/apps/" + c.id(), Map.of("allowed_origins", bad));
            assertThat(r.status()).as(bad.toString()).isEqualTo(400);
            assertThat(r.json().get("message").asText()).contains("allowed_origins");
        }
        Resp r = h.admin().patch("/admin/v1/apps/" + c.id(), Map.of("post_logout_redirect_uris", List.of("http://evil.example/")));
        assertThat(r.status()).isEqualTo(400);
        assertThat(h.admin().get("/admin/v1/apps/" + c.id()).json().get("allowed_origins").get(0).asText())
                .isEqualTo("https://spa.example.com");
        // the developer's own API takes them too (README: POST/PATCH …/apps)
        Resp own = h.api().send("PATCH", "/v1.0/apps/" + c.id(), "{\"allowed_origins\":[\"https://own.example.com\"]}",
                "Content-Type", "application/json", "Authorization", "token " + h.apiKey(u));
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(own.json().get("allowed_origins").get(0).asText()).isEqualTo("https://own.example.com");
    }

    @Test
    void the_portal_form_registers_and_edits_logout_uris_and_origins() {
        OAuthHarness.User u = h.user();
        Browser b = h.loggedIn(u);
        b.open("/portal/apps/new");
        Browser.Page created = b.request("POST", "/portal/apps/new", Map.of("name", "Portal OIDC", "type", "confidential",
                "redirect_uris", OAuthHarness.REDIRECT, "post_logout_redirect_uris", LOGGED_OUT + "\n", "allowed_origins",
                "https://spa.example.com"));
        assertThat(created.status()).as(created.body()).isEqualTo(303);
        String clientId = created.location().substring("/portal/apps/".length(), created.location().indexOf('?'));
        var app = h.admin().get("/admin/v1/apps/" + clientId).json();
        assertThat(app.get("post_logout_redirect_uris").get(0).asText()).isEqualTo(LOGGED_OUT);
        assertThat(app.get("allowed_origins").get(0).asText()).isEqualTo("https://spa.example.com");
        Browser.Page edit = b.open("/portal/apps/" + clientId + "/edit");
        assertThat(edit.body()).contains(LOGGED_OUT).contains("https://spa.example.com");
        Browser.Page refused = b.request("POST", "/portal/apps/" + clientId + "/edit", Map.of("name", "Portal OIDC",
                "redirect_uris", OAuthHarness.REDIRECT, "allowed_origins", "https://spa.example.com/with/path"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("allowed_origins");
    }
}
