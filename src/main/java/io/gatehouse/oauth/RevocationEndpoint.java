package io.gatehouse.oauth;

import io.gatehouse.app.App;
import io.gatehouse.auth.CredentialFormat;
import io.gatehouse.auth.Secrets;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.util.Map;

/**
 * {@code POST /oauth/revoke} (RFC 7009). An access token is revoked alone; a refresh token revokes its
 * whole grant. A token the client does not own, or an unknown one, is answered 200 and left alone
 * (RFC 7009 §2.2), so the endpoint tells nothing about other clients' tokens.
 */
public final class RevocationEndpoint {
    private final ClientAuthenticator clients;
    private final AccessTokens accessTokens;
    private final Authorizations authorizations;
    private final GrantStore grants;
    private final java.time.Clock clock;

    public RevocationEndpoint(ClientAuthenticator clients, AccessTokens accessTokens, Authorizations authorizations,
                              GrantStore grants, java.time.Clock clock) {
        this.clients = clients;
        this.accessTokens = accessTokens;
        this.authorizations = authorizations;
        this.grants = grants;
        this.clock = clock;
    }

    public void register(Router r) {
        r.add(new Route("POST", "/oauth/revoke", Route.Access.OPEN, null, this::revoke));
    }

    private void revoke(Exchange ex) {
        Map<String, String> form = OAuthForms.form(ex);
        App client = clients.authenticate(ex, form);
        String token = form.get("token");
        if (token == null || token.isEmpty()) {
            throw OAuthException.invalidRequest("token is required.");
        }
        if (CredentialFormat.REFRESH_TOKEN.accepts(token)) {
            grants.grantOfRefresh(Secrets.sha256(token), clock.instant())
                    .filter(g -> g.clientId().equals(client.clientId()))
                    .ifPresent(authorizations::revokeGrant);
        } else {
            AccessTokens.Verified v = accessTokens.check(token);
            if (v != null && client.clientId().equals(v.principal().clientId())) {
                accessTokens.revoke(v);
            }
        }
        ex.header("Pragma", "no-cache");
        ex.send(200, null, new byte[0]);
    }
}
