package io.gatehouse.pipeline;

import io.gatehouse.app.App;
import io.gatehouse.app.Apps;
import io.gatehouse.auth.Principal;
import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.UsageRecorder;
import java.time.Clock;
import java.util.Map;

/**
 * SPEC §6: counts an authenticated request against its buckets — the app's (an access token) or the
 * account's key bucket (an API key), plus the route's own when it has one — and answers 429 when any
 * is full. Every metered response carries the rate-limit headers, errors included.
 */
public final class MeterStage implements Stage {
    private final RateLimiter limiter;
    private final Apps apps;
    private final int apiKeyLimit;
    private final UsageRecorder usage;
    private final Clock clock;

    public MeterStage(RateLimiter limiter, Apps apps, int apiKeyLimit, UsageRecorder usage, Clock clock) {
        this.limiter = limiter;
        this.apps = apps;
        this.apiKeyLimit = apiKeyLimit;
        this.usage = usage;
        this.clock = clock;
    }

    @Override
    public void apply(Exchange ex) {
        Principal p = ex.principal();
        if (p == null || p.subject() == null) {
            return;
        }
        String policy;
        int limit;
        if (p.clientId() != null) {
            App app = apps.get(p.clientId()).orElseThrow(() ->
                    ApiException.unauthorized("The app of this access token no longer exists.", true));
            policy = "app";
            limit = app.rateLimitPerMinute();
        } else {
            policy = "key";
            limit = apiKeyLimit;
        }
        Route route = ex.route();
        String routeKey = route.limitPerMinute() > 0 ? "route:" + route.template() + ':' + p.subject() : null;
        long now = clock.millis();
        Decision d = limiter.consume(p.subject(), policy, limit, routeKey, "route", route.limitPerMinute(), now);
        RateLimitHeaders.write(ex, d, now);
        if (p.clientId() != null) {
            usage.record(p.clientId(), d.admitted());
        }
        if (!d.admitted()) {
            throw new ApiException(ApiError.TOO_MANY_REQUESTS, "Too Many Requests",
                    Map.of("Retry-After", Long.toString(d.retryAfterSeconds(now))));
        }
    }
}
