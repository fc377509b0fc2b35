package io.gatehouse.oauth;

import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.util.Map;

/** SPEC §5: {@code /v1.0/me/authorizations}, the apps an account authorized, and revoking one. */
public final class AuthorizationEndpoints {
    private final Authorizations authorizations;

    public AuthorizationEndpoints(Authorizations authorizations) {
        this.authorizations = authorizations;
    }

    public void register(Router r) {
        r.add(new Route("GET", "/v1.0/me/authorizations", Route.Access.ACCOUNT, null,
                ex -> ex.json(200, Map.of("authorizations", authorizations.list(ex.principal().accountId())))));
        r.add(new Route("DELETE", "/v1.0/me/authorizations/{clientId}", Route.Access.ACCOUNT, null, this::revoke));
    }

    private void revoke(Exchange ex) {
        String clientId = ex.param("clientId");
        int n = authorizations.revoke(ex.principal().accountId(), clientId);
        if (n == 0) {
            throw ApiException.notFound("You have not authorized app " + clientId);
        }
        ex.json(200, Map.of("client_id", clientId, "revoked_grants", n));
    }
}
