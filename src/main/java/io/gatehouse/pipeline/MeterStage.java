package io.gatehouse.pipeline;

import io.gatehouse.auth.Principal;
import io.gatehouse.core.DomainException;
import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.RateLimiter;
import io.gatehouse.ratelimit.UsageRecorder;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPEC §6: counts an authenticated, authorized request against the buckets authentication resolved
 * for it, and answers 429 when any is full. It runs after authorization, so a request its credential
 * may never make costs nothing and is never told to retry. Every metered response carries the
 * rate-limit headers, errors included.
 */
public final class MeterStage implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(MeterStage.class);

    private final RateLimiter limiter;
    private final UsageRecorder usage;
    private final Clock clock;

    public MeterStage(RateLimiter limiter, UsageRecorder usage, Clock clock) {
        this.limiter = limiter;
        this.usage = usage;
        this.clock = clock;
    }

    @Override
    public void apply(Exchange ex) {
        Principal p = ex.principal();
        if (p == null || p.buckets().isEmpty()) {
            return;
        }
        long now = clock.millis();
        Decision d = limiter.consume(p.buckets(), now);
        RateLimitHeaders.write(ex, d, now);
        if (p.clientId() != null) {
            usage.record(p.clientId(), d.admitted());
        }
        if (!d.admitted()) {
            throw new ApiException(ApiError.TOO_MANY_REQUESTS, "Too Many Requests",
                    Map.of("Retry-After", Long.toString(d.retryAfterSeconds(now))));
        }
    }

    /**
     * The rate-limit headers of a request refused before it was metered (a 403 still carries them,
     * SPEC §6), counting nothing. Without the shared limiter the refusal goes out without them.
     */
    public void writeState(Exchange ex) {
        Principal p = ex.principal();
        if (p == null || p.buckets().isEmpty()) {
            return;
        }
        long now = clock.millis();
        try {
            RateLimitHeaders.write(ex, limiter.peek(p.buckets(), now), now);
        } catch (DomainException e) {
            LOG.debug("request {}: no rate-limit headers on a refusal: {}", ex.requestId(), e.getMessage());
        }
    }
}
