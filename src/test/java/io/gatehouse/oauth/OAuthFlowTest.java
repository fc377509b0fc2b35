package io.gatehouse.oauth;

import static io.gatehouse.testing.TestClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** SPEC §5: every flow end to end, token side driven by the Nimbus OAuth SDK, on both databases. */
@ParameterizedClass
@EnumSource(Backend.class)
class OAuthFlowTest {
    @Parameter
    Backend backend;

    private OAuthHarness h;

    @BeforeEach
    void harness() {
        h = new OAuthHarness(TestServer.shared(backend));
    }

    @Test
    void the_metadata_lists_every_endpoint_and_access_tokens_verify_against_the_jwks() throws Exception {
        Resp meta = h.api().get("/.well-known/oauth-authorization-server");
        AuthorizationServerMetadata m = AuthorizationServerMetadata.parse(meta.body());
        String issuer = h.server.server.issuer();
        assertThat(m.getIssuer().getValue()).isEqualTo(issuer);
        assertThat(m.getAuthorizationEndpointURI()).hasToString(issuer + "/oauth/authorize");
        assertThat(m.getTokenEndpointURI()).hasToString(issuer + "/oauth/token");
        assertThat(m.getRevocationEndpointURI()).hasToString(issuer + "/oauth/revoke");
        assertThat(m.getIntrospectionEndpointURI()).hasToString(issuer + "/oauth/introspect");
        assertThat(m.getJWKSetURI()).hasToString(issuer + "/.well-known/jwks.json");
        assertThat(m.getGrantTypes()).extracting(Object::toString)
                .containsExactlyInAnyOrder("authorization_code", "refresh_token", "client_credentials",
                        "urn:ietf:params:oauth:grant-type:device_code");
        assertThat(m.getResponseTypes()).extracting(Object::toString).containsExactly("code");
        assertThat(m.getCodeChallengeMethods()).extracting(Object::toString).containsExactly("S256");
        assertThat(m.getTokenEndpointAuthMethods()).extracting(Object::toString)
                .containsExactlyInAnyOrder("client_secret_basic", "client_secret_post", "none");

        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.confidential(u);
        String at = OAuthHarness.accessToken(h.clientCredentials(c, h.apiKey(u)));

        // RFC 9068 §4, as a resource server would check it, keys fetched from the JWKS.
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        URL jwks = new URL(h.api().base + "/.well-known/jwks.json");
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, JWKSourceBuilder.create(jwks).build()));
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(issuer, new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of("sub", "exp", "iat", "jti", "client_id", "scope")));
        JWTClaimsSet claims = p.process(at, null);
        assertThat(claims.getSubject()).isEqualTo(Long.toString(u.id()));
        assertThat(claims.getStringClaim("client_id")).isEqualTo(c.id());
        assertThat(claims.getStringClaim("scope")).isEqualTo("user.read leads.read");
        assertThat(claims.getAudience()).containsExactly(issuer);
    }

    @Test
    void a_confidential_app_runs_the_code_flow_with_basic_and_refresh_rotates_with_reuse_detection() {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.confidential(u);
        AuthorizationCode code = h.code(u, c, new State(), null);
        TokenResponse first = h.codeGrant(c, code, null);
        String at = OAuthHarness.accessToken(first);
        AccessTokenResponse ok = first.toSuccessResponse();
        assertThat(ok.getTokens().getBearerAccessToken().getLifetime()).isEqualTo(3600);
        assertThat(ok.getTokens().getBearerAccessToken().getScope().toStringList()).containsExactly("user.read", "leads.read");
        assertThat(ok.getCustomParameters().get("app_info")).isInstanceOf(Map.class);
        Map<?, ?> appInfo = (Map<?, ?>) ok.getCustomParameters().get("app_info");
        assertThat(appInfo.get("client_id")).isEqualTo(c.id());
        assertThat(appInfo.get("mode")).isEqualTo("development");
        assertThat(((Number) appInfo.get("rate_limit_per_minute")).intValue()).isEqualTo(100);

        Resp me = h.api().get("/v1.0/me", bearer(at));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("email").asText()).isEqualTo(u.email());

        RefreshToken rt1 = ok.getTokens().getRefreshToken();
        TokenResponse second = h.refresh(c, rt1);
        String at2 = OAuthHarness.accessToken(second);
        RefreshToken rt2 = second.toSuccessResponse().getTokens().getRefreshToken();
        assertThat(rt2.getValue()).isNotEqualTo(rt1.getValue());
        assertThat(h.api().get("/v1.0/me", bearer(at2)).status()).isEqualTo(200);

        // Presenting the old refresh token again: refused, and the whole family dies.
        assertThat(OAuthHarness.error(h.refresh(c, rt1))).isEqualTo("invalid_grant");
        assertThat(h.api().get("/v1.0/me", bearer(at2)).status()).isEqualTo(401);
        assertThat(h.api().get("/v1.0/me", bearer(at)).status()).isEqualTo(401);
        assertThat(OAuthHarness.error(h.refresh(c, rt2))).isEqualTo("invalid_grant");
    }

    @Test
    void a_code_used_twice_is_refused_and_revokes_the_tokens_issued_from_it() {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.confidential(u);
        AuthorizationCode code = h.code(u, c, new State(), null);
        AccessTokenResponse first = h.codeGrant(c, code, null).toSuccessResponse();
        String at = first.getTokens().getAccessToken().getValue();
        assertThat(h.api().get("/v1.0/me", bearer(at)).status()).isEqualTo(200);
        assertThat(OAuthHarness.error(h.codeGrant(c, code, null))).isEqualTo("invalid_grant");
        assertThat(h.api().get("/v1.0/me", bearer(at)).status()).isEqualTo(401);
        assertThat(OAuthHarness.error(h.refresh(c, first.getTokens().getRefreshToken()))).isEqualTo("invalid_grant");
    }

    @Test
    void a_used_code_presented_by_another_client_ends_nothing() {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.confidential(u);
        OAuthHarness.Client other = h.app(h.user(), "public", List.of("user.read"), List.of(OAuthHarness.REDIRECT));
        AuthorizationCode code = h.code(u, c, new State(), null);
        String at = OAuthHarness.accessToken(h.codeGrant(c, code, null));
        // Anyone can name a public client: replaying another app's used code must not revoke that app's tokens.
        assertThat(OAuthHarness.error(h.exchangePublic(other, new AuthorizationCodeGrant(code, URI.create(OAuthHarness.REDIRECT)))))
                .isEqualTo("invalid_grant");
        assertThat(h.api().get("/v1.0/me", bearer(at)).status()).isEqualTo(200);
        // Its own client replaying it still revokes (RFC 6749 §4.1.2).
        assertThat(OAuthHarness.error(h.codeGrant(c, code, null))).isEqualTo("invalid_grant");
        assertThat(h.api().get("/v1.0/me", bearer(at)).status()).isEqualTo(401);
    }

    @Test
    void client_secret_post_works_too() {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.confidential(u);
        AuthorizationCode code = h.code(u, c, new State(), null);
        TokenResponse r = h.exchange(new ClientSecretPost(new ClientID(c.id()), new Secret(c.secret())),
                new AuthorizationCodeGrant(code, URI.create(OAuthHarness.REDIRECT)));
        assertThat(h.api().get("/v1.0/me", bearer(OAuthHarness.accessToken(r))).status()).isEqualTo(200);
    }

    @Test
    void a_public_app_must_prove_pkce() {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.app(u, "public", List.of("user.read"), List.of(OAuthHarness.REDIRECT));
        assertThat(c.secret()).isNull();

        CodeVerifier verifier = new CodeVerifier();
        AuthorizationCode code = h.code(u, c, new State(), verifier);
        URI redirect = URI.create(OAuthHarness.REDIRECT);
        assertThat(OAuthHarness.error(h.exchangePublic(c, new AuthorizationCodeGrant(code, redirect)))).isEqualTo("invalid_grant");
        // SPEC §11 v2: the failed check ended the code; the right verifier comes too late for it.
        assertThat(OAuthHarness.error(h.exchangePublic(c, new AuthorizationCodeGrant(code, redirect, verifier))))
                .isEqualTo("invalid_grant");
        AuthorizationCode second = h.code(u, c, new State(), verifier);
        assertThat(OAuthHarness.error(h.exchangePublic(c, new AuthorizationCodeGrant(second, redirect, new CodeVerifier()))))
                .isEqualTo("invalid_grant");
        CodeVerifier fresh = new CodeVerifier();
        TokenResponse r = h.exchangePublic(c, new AuthorizationCodeGrant(h.code(u, c, new State(), fresh), redirect, fresh));
        assertThat(h.api().get("/v1.0/me", bearer(OAuthHarness.accessToken(r))).status()).isEqualTo(200);
    }

    @Test
    void client_credentials_with_a_customer_key_acts_for_that_account_with_the_apps_scope() {
        OAuthHarness.User dev = h.user();
        OAuthHarness.Client c = h.confidential(dev);
        String key = h.apiKey(dev);
        TokenResponse r = h.clientCredentials(c, key);
        String at = OAuthHarness.accessToken(r);
        assertThat(r.toSuccessResponse().getTokens().getRefreshToken()).isNotNull();
        assertThat(h.api().get("/v1.0/me", bearer(at)).json().get("id").asLong()).isEqualTo(dev.id());
        assertThat(h.api().get("/v1.0/leads", bearer(at)).status()).isEqualTo(200);
        Resp write = h.api().post("/v1.0/leads", Map.of("firstName", "x"), bearer(at));
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.json().get("code").asInt()).isEqualTo(200100);

        // Revoking the key revokes what it was used for.
        long keyId = h.admin().get("/admin/v1/accounts/" + dev.id() + "/api-keys").json().get("api_keys").get(0).get("id").asLong();
        h.admin().delete("/admin/v1/api-keys/" + keyId);
        assertThat(h.api().get("/v1.0/me", bearer(at)).status()).isEqualTo(401);
        assertThat(OAuthHarness.error(h.clientCredentials(c, key))).isEqualTo("invalid_grant");
        assertThat(OAuthHarness.error(h.clientCredentials(c, "garbage"))).isEqualTo("invalid_grant");
    }

    @Test
    void a_development_app_may_be_authorized_only_by_its_owner_and_test_users() {
        OAuthHarness.User dev = h.user();
        OAuthHarness.User stranger = h.user();
        OAuthHarness.Client c = h.confidential(dev);
        TokenResponse refused = h.clientCredentials(c, h.apiKey(stranger));
        assertThat(OAuthHarness.error(refused)).isEqualTo("invalid_grant");
        assertThat(refused.toErrorResponse().getErrorObject().getDescription()).contains("not yet approved");

        // Refused before any consent page is shown, on our page: the unreviewed app's redirect URI is trusted only
        // for its developer and test users (RFC 9700 §4.11.2; else any sign-up makes an open redirector).
        var refusedPage = h.loggedIn(stranger).open(h.authorizeUrl(c, new State("s1"), null, OAuthHarness.REDIRECT).toString());
        assertThat(refusedPage.location()).isNull();
        assertThat(refusedPage.body()).contains("not yet approved").contains("development mode");

        h.admin().patch("/admin/v1/apps/" + c.id(), Map.of("test_users", List.of(stranger.id())));
        assertThat(h.clientCredentials(c, h.apiKey(stranger)).indicatesSuccess()).isTrue();

        OAuthHarness.User third = h.user();
        h.admin().post("/admin/v1/apps/" + c.id() + "/approve", Map.of());
        TokenResponse prod = h.clientCredentials(c, h.apiKey(third));
        assertThat(prod.indicatesSuccess()).isTrue();
        Map<?, ?> info = (Map<?, ?>) prod.toSuccessResponse().getCustomParameters().get("app_info");
        assertThat(info.get("mode")).isEqualTo("production");
        assertThat(((Number) info.get("rate_limit_per_minute")).intValue()).isEqualTo(500);
    }

    @Test
    void revoking_an_access_token_stops_it_and_introspection_says_inactive() {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.confidential(u);
        String at = OAuthHarness.accessToken(h.clientCredentials(c, h.apiKey(u)));
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((c.id() + ":" + c.secret()).getBytes());
        Resp active = h.api().send("POST", "/oauth/introspect", "token=" + at,
                "Authorization", basic, "Content-Type", "application/x-www-form-urlencoded");
        assertThat(active.json().get("active").asBoolean()).isTrue();
        assertThat(active.json().get("sub").asText()).isEqualTo(Long.toString(u.id()));
        assertThat(active.json().get("client_id").asText()).isEqualTo(c.id());
        assertThat(active.json().get("scope").asText()).isEqualTo("user.read leads.read");
        assertThat(active.json().get("token_type").asText()).isEqualTo("Bearer");
        assertThat(active.json().get("exp").asLong()).isGreaterThan(active.json().get("iat").asLong());

        Resp revoke = h.api().send("POST", "/oauth/revoke", "token=" + at + "&token_type_hint=access_token",
                "Authorization", basic, "Content-Type", "application/x-www-form-urlencoded");
        assertThat(revoke.status()).isEqualTo(200);
        assertThat(h.api().get("/v1.0/me", bearer(at)).status()).isEqualTo(401);
        Resp inactive = h.api().send("POST", "/oauth/introspect", "token=" + at,
                "Authorization", basic, "Content-Type", "application/x-www-form-urlencoded");
        assertThat(inactive.json().get("active").asBoolean()).isFalse();
        assertThat(inactive.json().size()).isEqualTo(1);
    }

    @Test
    void revoking_a_refresh_token_revokes_its_grant() {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.confidential(u);
        AccessTokenResponse r = h.clientCredentials(c, h.apiKey(u)).toSuccessResponse();
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((c.id() + ":" + c.secret()).getBytes());
        h.api().send("POST", "/oauth/revoke", "token=" + r.getTokens().getRefreshToken().getValue(),
                "Authorization", basic, "Content-Type", "application/x-www-form-urlencoded");
        assertThat(h.api().get("/v1.0/me", bearer(r.getTokens().getAccessToken().getValue())).status()).isEqualTo(401);
        assertThat(OAuthHarness.error(h.refresh(c, r.getTokens().getRefreshToken()))).isEqualTo("invalid_grant");
    }

    @Test
    void deny_at_consent_returns_access_denied_with_the_same_state() {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.confidential(u);
        State state = new State("x y/z&é");
        URI back = h.consent(h.loggedIn(u), h.authorizeUrl(c, state, null, OAuthHarness.REDIRECT), "deny");
        assertThat(back.toString()).startsWith(OAuthHarness.REDIRECT + "?");
        assertThat(back.getQuery()).contains("error=access_denied");
        try {
            assertThat(com.nimbusds.oauth2.sdk.AuthorizationResponse.parse(back).getState()).isEqualTo(state);
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void revoking_an_authorization_stops_every_token_of_that_app_for_the_account() {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.confidential(u);
        String key = h.apiKey(u);
        String viaCode = OAuthHarness.accessToken(h.codeGrant(c, h.code(u, c, new State(), null), null));
        String viaKey = OAuthHarness.accessToken(h.clientCredentials(c, key));
        AuthorizationCode pending = h.code(u, c, new State(), null); // consented, not yet exchanged
        Resp list = h.api().get("/v1.0/me/authorizations", io.gatehouse.testing.TestClient.token(key));
        assertThat(list.json().get("authorizations")).hasSize(1);
        assertThat(list.json().get("authorizations").get(0).get("client_id").asText()).isEqualTo(c.id());
        // An app's token cannot manage the account's authorizations.
        assertThat(h.api().get("/v1.0/me/authorizations", bearer(viaKey)).status()).isEqualTo(403);

        Resp revoked = h.api().delete("/v1.0/me/authorizations/" + c.id(), io.gatehouse.testing.TestClient.token(key));
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().get("revoked_grants").asInt()).isEqualTo(2);
        assertThat(h.api().get("/v1.0/me", bearer(viaCode)).status()).isEqualTo(401);
        assertThat(h.api().get("/v1.0/me", bearer(viaKey)).status()).isEqualTo(401);
        // a code given before the revocation gives nothing after it
        assertThat(OAuthHarness.error(h.codeGrant(c, pending, null))).isEqualTo("invalid_grant");
        assertThat(h.api().get("/v1.0/me/authorizations", io.gatehouse.testing.TestClient.token(key)).json()
                .get("authorizations")).isEmpty();
        assertThat(h.api().delete("/v1.0/me/authorizations/" + c.id(), io.gatehouse.testing.TestClient.token(key)).status())
                .isEqualTo(404);
    }

    @Test
    void a_token_keeps_the_scope_it_was_issued_with() {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.confidential(u);
        String key = h.apiKey(u);
        String before = OAuthHarness.accessToken(h.clientCredentials(c, key));
        h.admin().patch("/admin/v1/apps/" + c.id(), Map.of("permissions", List.of("user.read", "leads.read", "leads.write")));
        assertThat(h.api().post("/v1.0/leads", Map.of("firstName", "x"), bearer(before)).status()).isEqualTo(403);
        String after = OAuthHarness.accessToken(h.clientCredentials(c, key));
        assertThat(h.api().post("/v1.0/leads", Map.of("firstName", "x"), bearer(after)).status()).isEqualTo(201);
    }

    @Test
    void no_secret_or_token_reaches_the_log() {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.confidential(u);
        AccessTokenResponse r = h.codeGrant(c, h.code(u, c, new State(), null), null).toSuccessResponse();
        String at = r.getTokens().getAccessToken().getValue();
        h.api().get("/v1.0/me", bearer(at));
        h.refresh(c, r.getTokens().getRefreshToken());
        String log = LogCapture.all();
        assertThat(log).doesNotContain(c.secret()).doesNotContain(at.substring(at.lastIndexOf('.') + 1))
                .doesNotContain(r.getTokens().getRefreshToken().getValue()).doesNotContain(OAuthHarness.PASSWORD);
    }
}
