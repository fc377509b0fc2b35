package io.gatehouse.pipeline;

import io.gatehouse.audit.AuditContext;
import io.gatehouse.core.DomainException;
import io.gatehouse.core.TrustedProxies;
import io.gatehouse.http.Answered;
import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.ClientDeadlines;
import io.gatehouse.http.ClientGoneException;
import io.gatehouse.http.Exchange;
import io.gatehouse.oauth.OAuthException;
import io.gatehouse.store.StoreException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.RequestException;
import io.helidon.webserver.CloseConnectionException;
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
    private static final OverloadLog OVERLOAD = new OverloadLog(LOG, OverloadLog.PERIOD, System::nanoTime);
    private static final HeaderName STRICT_TRANSPORT_SECURITY = HeaderNames.create("Strict-Transport-Security");

    /** The status recorded when the client went away before it could be answered (nginx's 499). */
    static final int CLIENT_GONE = 499;

    private final List<Stage> stages;
    private final long maxBodyBytes;
    private final RequestLog requestLog;
    private final Inflight inflight;
    private final TrustedProxies proxies;
    private volatile String strictTransportSecurity;
    private volatile String listenerActor;
    private volatile ClientDeadlines deadlines;

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

    /**
     * Who acts on this listener for the audit log ({@code admin} on the admin port); unset, the
     * authenticated account, if any.
     */
    public Pipeline actingAs(String actor) {
        this.listenerActor = actor;
        return this;
    }

    /** SPEC §11 slow clients: reads of request bodies run under the body-stall deadline of these. */
    public Pipeline withDeadlines(ClientDeadlines deadlines) {
        this.deadlines = deadlines;
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
        Exchange ex = new Exchange(req, res, maxBodyBytes, proxies, deadlines);
        try {
            AuditContext.with(new AuditContext.Request(ex.remoteAddress(), ex.requestId(), () -> actor(ex)), () -> run(ex));
        } finally {
            inflight.leave();
            requestLog.record(ex, System.nanoTime() - start);
        }
        if (ex.status() == CLIENT_GONE && !res.isSent()) {
            // Nothing to answer on a connection the client left; the HTTP layer closes it quietly
            // instead of calling the unanswered request an internal error.
            throw new CloseConnectionException("client left request " + ex.requestId());
        }
        if (ex.closesConnection() || !ex.streamed() && req.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) {
            // RFC 9112 §9.6: after an answer that says Connection: close (the client's request said it, or part of
            // its body is unread) nothing more is read from the connection; Helidon would keep it open. Not after a
            // streamed answer (the proxy's): Helidon finishes that after this handler, and closing now would lose it.
            throw new CloseConnectionException("request " + ex.requestId() + " closes its connection");
        }
    }

    private String actor(Exchange ex) {
        if (listenerActor != null) {
            return listenerActor;
        }
        return ex.principal() == null ? null : Long.toString(ex.principal().accountId());
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
            fail(ex, e);
        } catch (DomainException e) {
            fail(ex, ApiException.of(e));
        } catch (OAuthException e) {
            failOAuth(ex, e);
        } catch (StoreException e) {
            failStore(ex, e);
        } catch (RequestException e) {
            // The HTTP layer refused what the client sent (a malformed chunk, say) while a stage read it; the
            // connection closes after the answer, since where the next request starts is unknown.
            if (e.status().code() >= 500) {
                fail(ex, internal(ex, e));
            } else if (e.status().code() == 413) {
                fail(ex, new ApiException(ApiError.PAYLOAD_TOO_LARGE, "The request body is too large.", Exchange.CLOSE_CONNECTION));
            } else {
                fail(ex, new ApiException(ApiError.INVALID_PARAMETER, "The request body is not valid HTTP.", Exchange.CLOSE_CONNECTION));
            }
        } catch (CloseConnectionException e) {
            // A stage that already sent the status line cannot finish its answer (the proxy, when the upstream's
            // body ends early): the connection must close so that the client sees the answer cut short.
            throw e;
        } catch (Throwable t) {
            ClientGoneException gone = ClientGoneException.in(t);
            if (gone != null) {
                LOG.debug("request {}: {}", ex.requestId(), gone.getMessage());
                ex.markStreamed(CLIENT_GONE);
            } else {
                fail(ex, internal(ex, t));
            }
        }
    }

    /**
     * A database failure, answered by its kind: unreachable is 503 with Retry-After, a refused write is
     * 409 or 400 (logged without the driver's message, which can quote stored values), anything else is
     * 500 quoting the request id. 5xx are logged by {@link #fail} with the trace.
     */
    private static void failStore(Exchange ex, StoreException e) {
        switch (e.failure()) {
            case UNAVAILABLE -> fail(ex, new ApiException(ApiError.SERVICE_UNAVAILABLE,
                    "The service is temporarily unavailable; try again shortly.", Map.of("Retry-After", "1"), e));
            case CONFLICT, INVALID -> {
                LOG.warn("request {}: the database refused a write as {} (SQLState {})", ex.requestId(), e.failure(), e.sqlState());
                fail(ex, ApiException.of(e.toDomain()));
            }
            case BROKEN -> fail(ex, internal(ex, e));
        }
    }

    /**
     * Renders an OAuth error (RFC 6749 §5.2) and logs it as {@link #fail} does: a 5xx at ERROR with its
     * request id and the failure behind it (SPEC §11), an overload 503 through {@link OverloadLog}.
     */
    private static void failOAuth(Exchange ex, OAuthException e) {
        if (e.overloaded()) {
            OVERLOAD.answered(ex.requestId(), ex.method(), RequestLog.safePath(ex.path()), e.getMessage());
        } else if (e.status() >= 500) {
            LOG.error("request {} {} {} answered {}: {}", ex.requestId(), ex.method(), RequestLog.safePath(ex.path()),
                    e.status(), e.getMessage(), e.getCause() == null ? e : e.getCause());
        }
        try {
            ex.fail(e.status(), e.headers(), e.body());
        } catch (ClientGoneException gone) {
            LOG.debug("request {}: {}", ex.requestId(), gone.getMessage());
            ex.markStreamed(CLIENT_GONE);
        }
    }

    private static ApiException internal(Exchange ex, Throwable t) {
        return new ApiException(ApiError.INTERNAL_ERROR,
                "Something went wrong on our side; quote request id " + ex.requestId() + " when reporting it.", Map.of(), t);
    }

    /**
     * Renders the error; every 5xx is logged at ERROR with its request id and the failure behind it (SPEC §11),
     * except overload 503s, which are expected under load and an attacker could send by the thousand: those
     * go to {@link OverloadLog} (a WARN line per 10 s with a count; the access log keeps every one).
     */
    private static void fail(Exchange ex, ApiException e) {
        if (e.overloaded()) {
            OVERLOAD.answered(ex.requestId(), ex.method(), RequestLog.safePath(ex.path()), e.getMessage());
        } else if (e.error().status >= 500) {
            LOG.error("request {} {} {} answered {}: {}", ex.requestId(), ex.method(), RequestLog.safePath(ex.path()),
                    e.error().status, e.getMessage(), e.getCause() == null ? e : e.getCause());
        }
        try {
            ex.fail(e);
        } catch (ClientGoneException gone) {
            LOG.debug("request {}: {}", ex.requestId(), gone.getMessage());
            ex.markStreamed(CLIENT_GONE);
        }
    }
}
