package io.gatehouse.pipeline;

import io.gatehouse.app.App;
import io.gatehouse.app.Apps;
import io.gatehouse.auth.Principal;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Route;
import io.gatehouse.ratelimit.Bucket;
import java.util.List;

/**
 * SPEC §6 "Buckets", decided when a request is authenticated: an OAuth token counts against its app's
 * bucket (the app's {@code rate_limit_per_minute}), an API key or a portal session against its account's
 * key bucket ({@code GATEHOUSE_API_KEY_RATE_LIMIT}), and a route with a limit of its own adds a route
 * bucket for that app or account.
 */
public final class BucketResolver {
    private final Apps apps;
    private final int apiKeyLimit;

    public BucketResolver(Apps apps, int apiKeyLimit) {
        this.apps = apps;
        this.apiKeyLimit = apiKeyLimit;
    }

    public List<Bucket> of(Principal p, Route route) {
        Bucket own;
        if (p.clientId() != null) {
            App app = apps.get(p.clientId()).orElseThrow(() ->
                    ApiException.unauthorized("The app of this access token no longer exists.", true));
            own = new Bucket("app:" + p.clientId(), "app", app.rateLimitPerMinute());
        } else {
            own = new Bucket("key:" + p.accountId(), "key", apiKeyLimit);
        }
        if (route.limitPerMinute() <= 0) {
            return List.of(own);
        }
        return List.of(own, new Bucket("route:" + route.template() + ':' + own.key(), "route", route.limitPerMinute()));
    }
}
