package io.gatehouse.pipeline;

import io.gatehouse.auth.Principal;
import io.gatehouse.auth.CredentialFormat;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every request on one listener: one access-log line and one timer sample labelled by
 * route template (never the raw path, so ids do not explode the label space). Neither ever holds a
 * query string, header value or body, so no credential reaches them. Finding the timer is two lookups
 * on constant strings and an array index: nothing is allocated once a route has been seen.
 */
public final class RequestLog {
    private static final Logger ACCESS = LoggerFactory.getLogger("gatehouse.access");
    private static final String UNMATCHED = "unmatched";

    private final String listener;
    private final MeterRegistry registry;
    /** template → method → timers by status (index status - 100). */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Timer[]>> timers = new ConcurrentHashMap<>();

    public RequestLog(String listener, MeterRegistry registry) {
        this.listener = listener;
        this.registry = registry;
    }

    public void record(Exchange ex, long nanos) {
        Route route = ex.route();
        String template = route == null ? UNMATCHED : route.template();
        String method = route == null ? "other" : ex.method();
        int status = ex.status();
        timer(template, method, status).record(nanos, TimeUnit.NANOSECONDS);
        if (ACCESS.isInfoEnabled()) {
            Principal p = ex.principal();
            long hundredths = nanos / 10_000;
            ACCESS.info("{} {} {} {} {}.{}ms rid={} peer={}{}", listener, ex.method(), safePath(ex.path()), status,
                    hundredths / 100, hundredths % 100 < 10 ? "0" + hundredths % 100 : hundredths % 100, ex.requestId(),
                    ex.remoteAddress(),
                    p == null ? "" : " account=" + p.accountId() + (p.clientId() == null ? "" : " client=" + p.clientId()));
        }
    }

    private Timer timer(String template, String method, int status) {
        int slot = status >= 100 && status < 600 ? status - 100 : 0;
        Timer[] byStatus = timers.computeIfAbsent(template, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(method, m -> new Timer[500]);
        Timer t = byStatus[slot];
        if (t == null) {
            t = Timer.builder("http.server.requests")
                    .description("HTTP requests by listener, route and status")
                    .tag("listener", listener)
                    .tag("method", method)
                    .tag("route", template)
                    .tag("status", Integer.toString(status))
                    .register(registry);
            byStatus[slot] = t;
        }
        return t;
    }

    /** Paths are logged, but a segment that looks like a token or key is masked, in case a client put one there. */
    static String safePath(String path) {
        if (path.length() > 200) {
            path = path.substring(0, 200) + "...";
        }
        if (path.indexOf("eyJ") < 0 && path.indexOf("gh") < 0) {
            return path; // no access token (a JWT), and no prefix of CredentialFormat
        }
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String seg = segments[i];
            if (seg.length() >= 24 && (seg.startsWith("eyJ") || CredentialFormat.looksLikeSecret(seg))) {
                segments[i] = "***";
            }
        }
        return String.join("/", segments);
    }
}
