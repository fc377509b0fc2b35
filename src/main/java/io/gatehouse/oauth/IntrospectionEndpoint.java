package io.gatehouse.oauth;

import io.gatehouse.app.App;
import io.gatehouse.auth.CredentialFormat;
import io.gatehouse.auth.Secrets;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /oauth/introspect} (RFC 7662), for confidential clients. SPEC §11 v2: a token is described
 * ({@code active: true}) only to the client it was issued to, or to a client an admin marked
 * {@code introspect: true} (a resource server); to anyone else it is {@code active: false}, so a stolen
 * token cannot be tested through another app (RFC 7662 §4).
 */
public final class IntrospectionEndpoint {
    private static final Map<String, Object> INACTIVE = Map.of("active", false);

    private final ClientAuthenticator clients;
    private final AccessTokens accessTokens;
    private final GrantStore grants;
    private final Issuer issuer;
    private final Clock clock;
    private final Duration grantMaxAge;

    public IntrospectionEndpoint(ClientAuthenticator clients, AccessTokens accessTokens, GrantStore grants, Issuer issuer,
                                 Clock clock, Duration grantMaxAge) {
        this.grantMaxAge = grantMaxAge;
        this.clients = clients;
        this.accessTokens = accessTokens;
        this.grants = grants;
        this.issuer = issuer;
        this.clock = clock;
    }

    public void register(Router r) {
        r.add(new Route("POST", "/oauth/introspect", Route.Access.OPEN, null, this::introspect));
    }

    private void introspect(Exchange ex) {
        Map<String, String> form = OAuthForms.form(ex);
        App client = clients.authenticate(ex, form);
        if (!client.isConfidential()) {
            throw OAuthException.invalidClient("Only confidential clients may introspect tokens.");
        }
        String token = form.get("token");
        if (token == null || token.isEmpty()) {
            throw OAuthException.invalidRequest("token is required.");
        }
        ex.json(200, CredentialFormat.REFRESH_TOKEN.accepts(token) ? refresh(client, token) : access(client, token));
    }

    /** The caller's own tokens, or every token when an admin marked it a resource server. */
    private static boolean mayLearnAbout(App caller, String tokenClientId) {
        return caller.introspect() || caller.clientId().equals(tokenClientId);
    }

    private Map<String, Object> access(App caller, String token) {
        AccessTokens.Verified v = accessTokens.check(token);
        if (v == null || !mayLearnAbout(caller, v.principal().clientId())) {
            return INACTIVE;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("active", true);
        out.put("scope", v.principal().scopeText());
        out.put("client_id", v.principal().clientId());
        out.put("sub", Long.toString(v.principal().accountId()));
        out.put("exp", v.expiresAtMillis() / 1000);
        out.put("iat", v.issuedAt().getEpochSecond());
        out.put("token_type", "Bearer");
        out.put("iss", issuer.url());
        out.put("aud", issuer.url());
        out.put("jti", v.jti());
        return out;
    }

    private Map<String, Object> refresh(App caller, String token) {
        String hash = Secrets.sha256(token);
        Instant now = clock.instant();
        return grants.liveRefresh(hash, now)
                .filter(r -> !r.grant().isRevoked() && now.isBefore(r.grant().createdAt().plus(grantMaxAge))
                        && mayLearnAbout(caller, r.grant().clientId()))
                .<Map<String, Object>>map(r -> {
            Grant g = r.grant();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("active", true);
            out.put("scope", String.join(" ", g.scope()));
            out.put("client_id", g.clientId());
            out.put("sub", Long.toString(g.accountId()));
            out.put("exp", r.expiresAt().getEpochSecond());
            out.put("iat", g.createdAt().getEpochSecond());
            out.put("token_type", "refresh_token");
            out.put("iss", issuer.url());
            return out;
        }).orElse(INACTIVE);
    }
}
