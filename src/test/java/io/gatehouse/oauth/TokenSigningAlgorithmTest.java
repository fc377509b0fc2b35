package io.gatehouse.oauth;

import static io.gatehouse.testing.TestClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.AccessTokenHash;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.IDTokenClaimsVerifier;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.gatehouse.config.SettingsException;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.TestServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GATEHOUSE_TOKEN_SIGNING_ALG: access tokens and id_tokens signed with the chosen algorithm, checked by
 * Nimbus's own processor and OIDC validator against the published JWKS (for EdDSA that is Tink's Ed25519,
 * an implementation independent of the JDK's that Gatehouse signs with); a restart with another
 * algorithm on the same data keeps every token already issued valid.
 */
class TokenSigningAlgorithmTest {
    private final List<TestServer> servers = new ArrayList<>();
    private Path dataDir;

    @AfterEach
    void stop() throws Exception {
        servers.forEach(TestServer::close);
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private TestServer start(String alg) throws Exception {
        if (dataDir == null) {
            dataDir = Files.createTempDirectory("gatehouse-alg-");
        }
        // A fixed issuer: the default names the port, which changes across the restarts below.
        TestServer s = TestServer.start(Backend.H2, Map.of("GATEHOUSE_TOKEN_SIGNING_ALG", alg,
                "GATEHOUSE_DATA_DIR", dataDir.toString(), "GATEHOUSE_ISSUER", "http://gatehouse.test"));
        servers.add(s);
        return s;
    }

    private static JWKSet jwks(TestServer s) throws Exception {
        return JWKSet.parse(s.api.get("/.well-known/jwks.json").body());
    }

    /**
     * Verifies an access token the way a resource server using Nimbus would (RFC 9068 §4). Nimbus's
     * DefaultJWTProcessor has no Ed25519 (its verifier factory knows RSA, EC and HMAC keys only), so an
     * EdDSA token is checked with Nimbus's Ed25519Verifier (Tink) on the JWKS key and the same claim checks.
     */
    private static JWTClaimsSet verifyAccessToken(TestServer s, String token, Set<JWSAlgorithm> algs) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        if (JWSAlgorithm.EdDSA.equals(jwt.getHeader().getAlgorithm())) {
            assertThat(algs).contains(JWSAlgorithm.EdDSA);
            assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
            OctetKeyPair okp = jwks(s).getKeyByKeyId(jwt.getHeader().getKeyID()).toOctetKeyPair();
            assertThat(jwt.verify(new Ed25519Verifier(okp))).isTrue();
            new DefaultJWTClaimsVerifier<>(null, Set.of("iss", "exp", "jti", "client_id")).verify(jwt.getJWTClaimsSet(), null);
            return jwt.getJWTClaimsSet();
        }
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(algs, new ImmutableJWKSet<>(jwks(s))));
        return p.process(token, null);
    }

    /** Nimbus's OIDC validator; for EdDSA (which its key selector cannot turn into a Java key) the signature by Tink. */
    private static IDTokenClaimsSet validateIdToken(TestServer s, JWT idToken, String clientId, JWSAlgorithm alg, Nonce nonce)
            throws Exception {
        JWKSet keys = jwks(s);
        if (!JWSAlgorithm.EdDSA.equals(alg)) {
            return new IDTokenValidator(new Issuer(s.server.issuer()), new ClientID(clientId), alg, keys).validate(idToken, nonce);
        }
        SignedJWT jwt = (SignedJWT) idToken;
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
        assertThat(jwt.verify(new Ed25519Verifier(keys.getKeyByKeyId(jwt.getHeader().getKeyID()).toOctetKeyPair()))).isTrue();
        new IDTokenClaimsVerifier(new Issuer(s.server.issuer()), new ClientID(clientId), nonce, 60).verify(jwt.getJWTClaimsSet(), null);
        return new IDTokenClaimsSet(jwt.getJWTClaimsSet());
    }

    private static String clientCredentialsToken(OAuthHarness h) {
        OAuthHarness.User u = h.user();
        return OAuthHarness.accessToken(h.clientCredentials(h.confidential(u), h.apiKey(u)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "ES256", "EdDSA"})
    void tokens_are_signed_with_the_chosen_algorithm_and_verify_against_the_published_key(String alg) throws Exception {
        TestServer s = start(alg);
        OAuthHarness h = new OAuthHarness(s);
        JWSAlgorithm jws = JWSAlgorithm.parse(alg);

        String token = clientCredentialsToken(h);
        assertThat(SignedJWT.parse(token).getHeader().getAlgorithm()).isEqualTo(jws);
        JWTClaimsSet claims = verifyAccessToken(s, token, Set.of(jws));
        assertThat(claims.getIssuer()).isEqualTo(s.server.issuer());
        assertThat(s.api.get("/v1.0/me", bearer(token)).status()).isEqualTo(200);

        JWKSet keys = jwks(s);
        assertThat(keys.getKeys()).hasSize(1);
        var jwk = keys.getKeys().get(0);
        assertThat(jwk.isPrivate()).isFalse();
        switch (alg) {
            case "RS256" -> assertThat(jwk.getKeyType().getValue()).isEqualTo("RSA");
            case "ES256" -> {
                assertThat(jwk.getKeyType().getValue()).isEqualTo("EC");
                assertThat(jwk.toECKey().getCurve()).isEqualTo(Curve.P_256);
            }
            default -> {
                assertThat(jwk.getKeyType().getValue()).isEqualTo("OKP");
                assertThat(jwk.toOctetKeyPair().getCurve()).isEqualTo(Curve.Ed25519);
            }
        }
        for (String doc : List.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")) {
            JsonNode m = s.api.get(doc).json();
            assertThat(m.get("id_token_signing_alg_values_supported").toString()).isEqualTo("[\"" + alg + "\"]");
        }
        JsonNode listed = s.admin.get("/admin/v1/signing-keys").json().get("signing_keys");
        assertThat(listed.findValuesAsText("algorithm")).containsExactlyInAnyOrder("HS256", alg);

        // OpenID Connect: the id_token, checked by Nimbus's validator configured for this algorithm.
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.app(u, "confidential", List.of("user.read"), List.of(OAuthHarness.REDIRECT));
        Browser browser = h.loggedIn(u);
        State state = new State();
        Nonce nonce = new Nonce();
        URI authorize = new AuthenticationRequest.Builder(new ResponseType("code"), new Scope("openid", "user.read"),
                new ClientID(c.id()), URI.create(OAuthHarness.REDIRECT)).endpointURI(h.authorize).state(state).nonce(nonce)
                .build().toURI();
        Browser.Page consent = browser.open(authorize.toString());
        Browser.Page back = browser.submit(consent, "/oauth/authorize", Map.of("decision", "approve"));
        AuthorizationCode code = AuthorizationResponse.parse(URI.create(back.location())).toSuccessResponse().getAuthorizationCode();
        TokenResponse r = OIDCTokenResponseParser.parse(new TokenRequest(h.token, c.basic(),
                new AuthorizationCodeGrant(code, URI.create(OAuthHarness.REDIRECT))).toHTTPRequest().send());
        assertThat(r.indicatesSuccess()).as(() -> r.toErrorResponse().getErrorObject().toString()).isTrue();
        JWT idToken = ((OIDCTokenResponse) r.toSuccessResponse()).getOIDCTokens().getIDToken();
        BearerAccessToken at = ((OIDCTokenResponse) r.toSuccessResponse()).getOIDCTokens().getBearerAccessToken();
        IDTokenClaimsSet id = validateIdToken(s, idToken, c.id(), jws, nonce);
        assertThat(id.getSubject().getValue()).isEqualTo(Long.toString(u.id()));
        assertThat(id.getAccessTokenHash())
                .isEqualTo(AccessTokenHash.compute(at, jws, "EdDSA".equals(alg) ? Curve.Ed25519 : null));
        verifyAccessToken(s, at.getValue(), Set.of(jws));
    }

    @Test
    void a_restart_with_another_algorithm_signs_with_a_new_key_and_old_tokens_keep_verifying() throws Exception {
        TestServer rsa = start("RS256");
        String before = clientCredentialsToken(new OAuthHarness(rsa));
        servers.remove(rsa);
        rsa.close();

        TestServer ec = start("ES256");
        String after = clientCredentialsToken(new OAuthHarness(ec));
        assertThat(SignedJWT.parse(after).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jwks(ec).getKeys()).extracting(k -> k.getKeyType().getValue()).containsExactlyInAnyOrder("RSA", "EC");
        Set<JWSAlgorithm> both = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
        verifyAccessToken(ec, before, both);
        verifyAccessToken(ec, after, both);
        assertThat(ec.api.get("/v1.0/me", bearer(before)).status()).isEqualTo(200);
        assertThat(ec.api.get("/v1.0/me", bearer(after)).status()).isEqualTo(200);
        assertThat(ec.api.get("/.well-known/openid-configuration").json().get("id_token_signing_alg_values_supported")
                .toString()).isEqualTo("[\"ES256\"]");
        servers.remove(ec);
        ec.close();

        // Back to RS256: the existing RSA key signs again, and the EC-signed token still verifies.
        TestServer back = start("rs256");
        String third = clientCredentialsToken(new OAuthHarness(back));
        assertThat(SignedJWT.parse(third).getHeader().getKeyID()).isEqualTo(SignedJWT.parse(before).getHeader().getKeyID());
        assertThat(jwks(back).getKeys()).hasSize(2);
        assertThat(back.api.get("/v1.0/me", bearer(after)).status()).isEqualTo(200);
    }

    @Test
    void a_token_whose_header_names_another_algorithm_than_its_key_is_refused() throws Exception {
        TestServer s = start("ES256");
        String token = clientCredentialsToken(new OAuthHarness(s));
        String[] parts = token.split("\\.");
        String header = new String(java.util.Base64.getUrlDecoder().decode(parts[0]), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"ES256\"", "\"ES384\"");
        String forged = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(header.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2];
        assertThat(s.api.get("/v1.0/me", bearer(forged)).status()).isEqualTo(401);
    }

    @Test
    void an_unknown_algorithm_is_a_settings_error_naming_the_choices() {
        assertThatThrownBy(() -> io.gatehouse.config.Settings.load(Map.of("GATEHOUSE_TOKEN_SIGNING_ALG", "HS256"), null))
                .isInstanceOf(SettingsException.class).hasMessageContaining("RS256, ES256, EdDSA");
    }
}
