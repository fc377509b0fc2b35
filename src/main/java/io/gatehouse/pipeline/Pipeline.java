package io.gatehouse.pipeline;

import io.gatehouse.core.DomainException;
import io.gatehouse.core.TrustedProxies;
import io.gatehouse.http.Answered;
import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.oauth.OAuthException;
import io.gatehouse.store.StoreException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener's requests pass through these stages in this order; any stage may answer early
 * (docs/decisions.md explains the order). Errors are rendered here, in one place, and every request
 * ends with one access-log line and one metrics sample.
 */
public final class Pipeline implements Handler {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final HeaderName STRICT_TRANSPORT_SECURITY = HeaderNames.create("Strict-Transport-Security");

    private final List<Stage> stages;
    private final long maxBodyBytes;
    private final RequestLog requestLog;
    private final Inflight inflight;
    private final TrustedProxies proxies;
    private volatile String strictTransportSecurity;

    public Pipeline(List<Stage> stages, long maxBodyBytes, RequestLog requestLog, Inflight inflight) {
        this(stages, maxBodyBytes, requestLog, inflight, TrustedProxies.NONE);
    }

    public Pipeline(List<Stage> stages, long maxBodyBytes, RequestLog requestLog, Inflight inflight, TrustedProxies proxies) {
        this.proxies = proxies;
        this.stages = List.copyOf(stages);
        this.maxBodyBytes = maxBodyBytes;
        this.requestLog = requestLog;
        this.inflight = inflight;
    }

    /**
     * SPEC §11: with an https issuer, every answer of this listener carries {@code Strict-Transport-Security}
     * (one year; not {@code includeSubDomains}, which is the domain owner's call, not ours).
     */
    public Pipeline sendingHsts(boolean https) {
        this.strictTransportSecurity = https ? "max-age=31536000" : null;
        return this;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String sts = strictTransportSecurity;
        if (sts != null) {
            res.header(STRICT_TRANSPORT_SECURITY, sts);
        }
        long start = System.nanoTime();
        inflight.enter();
        Exchange ex = new Exchange(req, res, maxBodyBytes, proxies);
        try {
            run(ex);
        } finally {
            inflight.leave();
            requestLog.record(ex, System.nanoTime() - start);
        }
    }

    private void run(Exchange ex) {
        try {
            ex.requireValidPath();
            for (Stage stage : stages) {
                stage.apply(ex);
                if (ex.answered()) {
                    return;
                }
            }
            if (!ex.answered()) {
                throw new IllegalStateException("no stage answered " + ex.method() + " " + ex.path());
            }
        } catch (Answered done) {
            // the stage sent its own answer
        } catch (ApiException e) {
            ex.fail(e);
        } catch (DomainException e) {
            ex.fail(ApiException.of(e));
        } catch (OAuthException e) {
            ex.fail(e.status(), e.headers(), e.body());
        } catch (StoreException e) {
            LOG.warn("request {}: database unavailable: {}", ex.requestId(), e.getMessage());
            ex.fail(new ApiException(ApiError.SERVICE_UNAVAILABLE,
                    "The service is temporarily unavailable; try again shortly.", Map.of("Retry-After", "1")));
        } catch (Throwable t) {
            if (isClientGone(t)) {
                LOG.debug("request {}: client connection failed: {}", ex.requestId(), t.toString());
            } else {
                LOG.error("request {} failed", ex.requestId(), t);
            }
            ex.fail(new ApiException(ApiError.INTERNAL_ERROR,
                    "Something went wrong on our side; quote request id " + ex.requestId() + " when reporting it."));
        }
    }

    private static boolean isClientGone(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }
}
