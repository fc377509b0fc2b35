package io.gatehouse.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestServer;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builders for the OAuth tests: accounts that can log in, apps, and the flows driven like a real client. */
public final class OAuthHarness {
    public static final String PASSWORD = "correct horse battery";
    public static final String REDIRECT = "https://app.example.com/callback";

    public final TestServer server;
    public final URI token;
    public final URI authorize;

    public OAuthHarness(TestServer server) {
        this.server = server;
        String base = server.api.base;
        this.token = URI.create(base + "/oauth/token");
        this.authorize = URI.create(base + "/oauth/authorize");
    }

    public TestClient api() {
        return server.api;
    }

    public TestClient admin() {
        return server.admin;
    }

    public record User(long id, String email) {
    }

    public record Client(String id, String secret, List<String> permissions) {
        public ClientAuthentication basic() {
            return new ClientSecretBasic(new ClientID(id), new Secret(secret));
        }
    }

    public User user() {
        String email = Fixtures.uniqueEmail();
        var r = admin().post("/admin/v1/accounts", Map.of("email", email, "password", PASSWORD));
        assertThat(r.status()).isEqualTo(201);
        return new User(r.json().get("id").asLong(), email);
    }

    public Client app(User owner, String type, List<String> permissions, List<String> redirects) {
        Map<String, Object> body = new HashMap<>();
        body.put("owner_id", owner.id());
        body.put("name", "Test App");
        body.put("description", "An app under test");
        body.put("redirect_uris", redirects);
        body.put("type", type);
        body.put("permissions", permissions);
        var r = admin().post("/admin/v1/apps", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        var j = r.json();
        return new Client(j.get("client_id").asText(), j.has("client_secret") ? j.get("client_secret").asText() : null, permissions);
    }

    public Client confidential(User owner) {
        return app(owner, "confidential", List.of("user.read", "leads.read"), List.of(REDIRECT));
    }

    public String apiKey(User u) {
        return Fixtures.apiKey(admin(), u.id());
    }

    /** Logs in through the login page, as a person would. */
    public Browser loggedIn(User u) {
        Browser b = new Browser(api().base);
        Browser.Page login = b.open("/portal/login");
        Browser.Page after = b.submit(login, "/portal/login", Map.of("email", u.email(), "password", PASSWORD));
        assertThat(after.status()).as(after.body()).isLessThan(400);
        return b;
    }

    /** The authorize URL a client library builds. */
    public URI authorizeUrl(Client c, State state, CodeVerifier verifier, String redirect) {
        AuthorizationRequest.Builder b = new AuthorizationRequest.Builder(new ResponseType("code"), new ClientID(c.id()))
                .endpointURI(authorize).redirectionURI(URI.create(redirect)).state(state);
        if (verifier != null) {
            b.codeChallenge(verifier, CodeChallengeMethod.S256);
        }
        return b.build().toURI();
    }

    /** Authorize → (log in) → consent: returns where the browser was sent back to the app. */
    public URI consent(Browser browser, URI authorizeUrl, String decision) {
        Browser.Page consent = browser.open(authorizeUrl.toString());
        assertThat(consent.status()).as(consent.body()).isEqualTo(200);
        assertThat(consent.body()).contains("Test App");
        Browser.Page back = browser.submit(consent, "/oauth/authorize", Map.of("decision", decision));
        assertThat(back.leftServer()).as(back.body()).isTrue();
        return URI.create(back.location());
    }

    /** The whole code flow for a user: returns the authorization code. */
    public AuthorizationCode code(User u, Client c, State state, CodeVerifier verifier) {
        URI back = consent(loggedIn(u), authorizeUrl(c, state, verifier, REDIRECT), "approve");
        try {
            AuthorizationResponse r = AuthorizationResponse.parse(back);
            assertThat(r.indicatesSuccess()).as(back.toString()).isTrue();
            assertThat(r.getState()).isEqualTo(state);
            return r.toSuccessResponse().getAuthorizationCode();
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw new AssertionError(e);
        }
    }

    public TokenResponse exchange(ClientAuthentication auth, AuthorizationGrant grant) {
        return send(new TokenRequest(token, auth, grant));
    }

    public TokenResponse exchangePublic(Client c, AuthorizationGrant grant) {
        return send(new TokenRequest(token, new ClientID(c.id()), grant));
    }

    public TokenResponse codeGrant(Client c, AuthorizationCode code, CodeVerifier verifier) {
        return exchange(c.basic(), new AuthorizationCodeGrant(code, URI.create(REDIRECT), verifier));
    }

    public TokenResponse refresh(Client c, RefreshToken rt) {
        return exchange(c.basic(), new RefreshTokenGrant(rt));
    }

    public TokenResponse clientCredentials(Client c, String customerKey) {
        return send(new TokenRequest(token, c.basic(), new ClientCredentialsGrant(), null, null,
                Map.of("customer_key", List.of(customerKey))));
    }

    public static TokenResponse send(TokenRequest req) {
        try {
            return TokenResponse.parse(req.toHTTPRequest().send());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public static String accessToken(TokenResponse r) {
        assertThat(r.indicatesSuccess()).as(() -> r.toErrorResponse().getErrorObject().toJSONObject().toString()).isTrue();
        return r.toSuccessResponse().getTokens().getAccessToken().getValue();
    }

    public static String error(TokenResponse r) {
        assertThat(r.indicatesSuccess()).isFalse();
        return r.toErrorResponse().getErrorObject().getCode();
    }
}
