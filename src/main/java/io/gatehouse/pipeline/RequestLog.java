package io.gatehouse.pipeline;

import io.gatehouse.auth.Principal;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every request: one access-log line and one timer sample labelled by route template
 * (never the raw path, so ids do not explode the label space). Neither ever holds a query string,
 * header value or body, so no credential reaches them.
 */
public final class RequestLog {
    private static final Logger ACCESS = LoggerFactory.getLogger("gatehouse.access");

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    public RequestLog(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(String listener, Exchange ex, long nanos) {
        Route route = ex.route();
        String template = route == null ? "unmatched" : route.template();
        int status = ex.status();
        String key = listener + ' ' + ex.method() + ' ' + template + ' ' + status;
        Timer timer = timers.get(key);
        if (timer == null) {
            String method = route == null ? "other" : ex.method();
            timer = timers.computeIfAbsent(key, k -> Timer.builder("http.server.requests")
                    .description("HTTP requests by listener, route and status")
                    .tag("listener", listener)
                    .tag("method", method)
                    .tag("route", template)
                    .tag("status", Integer.toString(status))
                    .publishPercentileHistogram(false)
                    .register(registry));
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
        if (ACCESS.isInfoEnabled()) {
            Principal p = ex.principal();
            ACCESS.info("{} {} {} {} {}ms rid={} peer={}{}", listener, ex.method(), safePath(ex.path()), status,
                    String.format(Locale.ROOT, "%.2f", nanos / 1e6), ex.requestId(), ex.remoteAddress(),
                    p == null ? "" : " account=" + p.accountId() + (p.clientId() == null ? "" : " client=" + p.clientId()));
        }
    }

    /** Paths are logged, but a segment that looks like a token or key is masked, in case a client put one there. */
    static String safePath(String path) {
        if (path.length() > 200) {
            path = path.substring(0, 200) + "...";
        }
        if (path.indexOf("eyJ") < 0 && path.indexOf("gh") < 0) {
            return path;
        }
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String seg = segments[i];
            if (seg.length() >= 24 && (seg.startsWith("eyJ") || seg.startsWith("gh"))) {
                segments[i] = "***";
            }
        }
        return String.join("/", segments);
    }
}
