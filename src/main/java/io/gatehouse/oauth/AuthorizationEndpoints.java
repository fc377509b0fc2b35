package io.gatehouse.oauth;

import io.gatehouse.app.App;
import io.gatehouse.app.Apps;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** SPEC §5: the apps an account authorized, and revoking one (every token of that app for the account). */
public final class AuthorizationEndpoints {
    private final GrantStore grants;
    private final Apps apps;
    private final AccessTokens accessTokens;
    private final Clock clock;

    public AuthorizationEndpoints(GrantStore grants, Apps apps, AccessTokens accessTokens, Clock clock) {
        this.grants = grants;
        this.apps = apps;
        this.accessTokens = accessTokens;
        this.clock = clock;
    }

    public void register(Router r) {
        r.add(new Route("GET", "/v1.0/me/authorizations", Route.Access.ACCOUNT, null,
                ex -> ex.json(200, Map.of("authorizations", list(ex.principal().accountId())))));
        r.add(new Route("DELETE", "/v1.0/me/authorizations/{clientId}", Route.Access.ACCOUNT, null, this::revoke));
    }

    /** One entry per app: the union of its live grants' scopes, and when it was first authorized. */
    public List<Map<String, Object>> list(long accountId) {
        Map<String, Set<String>> scopes = new LinkedHashMap<>();
        Map<String, Instant> since = new LinkedHashMap<>();
        for (Grant g : grants.liveGrants(accountId)) {
            scopes.computeIfAbsent(g.clientId(), k -> new LinkedHashSet<>()).addAll(g.scope());
            since.putIfAbsent(g.clientId(), g.createdAt());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (var e : scopes.entrySet()) {
            App app = apps.get(e.getKey()).orElse(null);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("client_id", e.getKey());
            m.put("name", app == null ? e.getKey() : app.name());
            m.put("mode", app == null ? null : app.mode().wire());
            m.put("scope", String.join(" ", e.getValue()));
            m.put("authorized_at", since.get(e.getKey()));
            out.add(m);
        }
        return out;
    }

    /** Revokes every grant of the app for the account; returns how many. */
    public int revoke(long accountId, String clientId) {
        List<Long> revoked = grants.revokeGrants(accountId, clientId, clock.instant());
        accessTokens.grantsRevoked(revoked);
        return revoked.size();
    }

    private void revoke(Exchange ex) {
        String clientId = ex.param("clientId");
        int n = revoke(ex.principal().accountId(), clientId);
        if (n == 0) {
            throw ApiException.notFound("You have not authorized app " + clientId);
        }
        ex.json(200, Map.of("client_id", clientId, "revoked_grants", n));
    }
}
