package io.gatehouse.admin;

import io.gatehouse.app.App;
import io.gatehouse.app.Apps;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.ratelimit.UsageRecorder;
import java.util.Map;

/** An app's traffic per minute over the last hour: for admins, and for the app's developer. */
public final class UsageEndpoints {
    private final Apps apps;
    private final UsageRecorder usage;

    public UsageEndpoints(Apps apps, UsageRecorder usage) {
        this.apps = apps;
        this.usage = usage;
    }

    public void registerAdmin(Router r) {
        r.add(new Route("GET", "/admin/v1/apps/{clientId}/usage", Route.Access.CREDENTIAL, null, ex -> answer(ex, null)));
    }

    public void registerPublic(Router r) {
        r.add(new Route("GET", "/v1.0/apps/{clientId}/usage", Route.Access.ACCOUNT, null,
                ex -> answer(ex, ex.principal().accountId())));
    }

    private void answer(Exchange ex, Long owner) {
        String clientId = ex.param("clientId");
        App app = apps.get(clientId).filter(a -> owner == null || a.ownerId() == owner)
                .orElseThrow(() -> ApiException.notFound("App " + clientId + " does not exist"));
        ex.json(200, Map.of("client_id", app.clientId(), "rate_limit_per_minute", app.rateLimitPerMinute(),
                "minutes", usage.lastHour(clientId)));
    }
}
