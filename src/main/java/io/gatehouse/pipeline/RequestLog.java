package io.gatehouse.pipeline;

import io.gatehouse.auth.Principal;
import io.gatehouse.auth.CredentialFormat;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.proxy.ProxyRoute;
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
    /** The most of a method the access log shows (a method is a token a client chooses, of any length). */
    private static final int METHOD_CHARS = 24;

    private final String listener;
    private final MeterRegistry registry;
    private final Logger access;
    /** The access logger's ring appender when it formats access lines itself (the default logback.xml). */
    private volatile BatchingConsoleAppender ring;
    /** template → method → timers by status (index status - 100). */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Timer[]>> timers = new ConcurrentHashMap<>();

    public RequestLog(String listener, MeterRegistry registry) {
        this(listener, registry, ACCESS);
    }

    RequestLog(String listener, MeterRegistry registry, Logger access) {
        this.listener = listener;
        this.registry = registry;
        this.access = access;
    }

    public void record(Exchange ex, long nanos) {
        Route route = ex.route();
        String template = route == null ? UNMATCHED : route.template();
        // a method of its own label only if a route may allow it: a client can make one up, and labels must stay bounded
        String method = route == null || !ProxyRoute.METHODS.contains(ex.method()) ? "other" : ex.method();
        int status = ex.status();
        timer(template, method, status).record(nanos, TimeUnit.NANOSECONDS);
        if (access.isInfoEnabled()) {
            Principal p = ex.principal();
            String m = ex.method();
            line(m.length() > METHOD_CHARS ? m.substring(0, METHOD_CHARS) + "..." : m, ex.path(), status, nanos,
                    ex.requestId(), ex.remoteAddress(), p);
        }
    }

    /**
     * The access-log line: {@code listener method path status ms rid= peer=[ account=[ client=]]}, the path's
     * token-like segments masked. With the
     * default logback.xml the fields go to {@link BatchingConsoleAppender#access} (copied into a ring slot;
     * formatted on its writer thread, the same line); with any other set-up, through Logback as a message.
     */
    void line(String method, String rawPath, int status, long nanos, String requestId, String peer, Principal p) {
        String path = safePath(rawPath);
        BatchingConsoleAppender out = ring();
        if (out != null) {
            out.access(listener, method, path, status, nanos, requestId, peer, p != null, p == null ? 0 : p.accountId(),
                    p == null ? null : p.clientId());
            return;
        }
        long hundredths = nanos / 10_000;
        access.info("{} {} {} {} {}.{}ms rid={} peer={}{}", listener, method, path, status,
                hundredths / 100, hundredths % 100 < 10 ? "0" + hundredths % 100 : hundredths % 100, requestId, peer,
                p == null ? "" : " account=" + p.accountId() + (p.clientId() == null ? "" : " client=" + p.clientId()));
    }

    /**
     * The ring appender, if it is the only appender of the logger {@code gatehouse.access} and writes
     * {@link BatchingConsoleAppender#PATTERN}: then its own formatting is the line Logback would write.
     */
    private BatchingConsoleAppender ring() {
        BatchingConsoleAppender r = ring;
        if (r != null && r.formatsAccess()) {
            return r;
        }
        r = null;
        if (access instanceof ch.qos.logback.classic.Logger logger && !logger.isAdditive()
                && "gatehouse.access".equals(logger.getName())) { // the name the ring writes
            var it = logger.iteratorForAppenders();
            if (it.hasNext() && it.next() instanceof BatchingConsoleAppender a && !it.hasNext() && a.formatsAccess()) {
                r = a;
            }
        }
        ring = r;
        return r;
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

    /** Paths are logged, but a segment that holds a token or key is masked, in case a client put one there. */
    static String safePath(String path) {
        // Masked first, then cut: cutting first would shorten a secret near the end below the length that
        // marks it as one, and log its first characters.
        return truncated(masked(path));
    }

    private static String truncated(String path) {
        return path.length() > 200 ? path.substring(0, 200) + "..." : path;
    }

    private static String masked(String path) {
        if (path.indexOf("eyJ") < 0 && path.indexOf('_') < 0) {
            return path; // no access token or API key (a JWT), and no prefix of CredentialFormat (all end in '_')
        }
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String seg = segments[i];
            // anywhere in the segment: a client may put one after "key=", a ';' or an escape
            if (seg.length() >= 24 && (seg.contains("eyJ") || CredentialFormat.containsSecret(seg))) {
                segments[i] = "***";
            }
        }
        return String.join("/", segments);
    }
}
