package io.gatehouse.pipeline;

import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.RequestPath;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.proxy.ProxyRoutes;
import java.util.Locale;
import java.util.Map;

/** Finds the route: unknown path 404/20007, known path with another method 405/20008 with Allow. */
public final class ResolveRouteStage implements Stage {
    private final Router router;
    private final ProxyRoutes proxies;

    public ResolveRouteStage(Router router) {
        this(router, null);
    }

    /** Built-in routes first, then the proxied routes (most specific prefix first). */
    public ResolveRouteStage(Router router, ProxyRoutes proxies) {
        this.router = router;
        this.proxies = proxies;
    }

    private record Choice(Route route, Map<String, String> params, boolean proxied) {
    }

    @Override
    public void apply(Exchange ex) {
        String path = ex.path();
        Choice c = choose(ex.method(), path, false);
        if (c.proxied && readsOtherwise(path)) {
            // A format suffix is dropped only under a prefix route: an exact route names its path, extension and all.
            String lenient = leniently(path, c.route.template().endsWith("/**"));
            if (lenient == null || !takesTheSameRoute(ex.method(), lenient, c)) {
                throw ApiException.invalid("the request path would take another route to a server that ignores letter case,"
                        + " ';' parameters, trailing dots and spaces or a file extension");
            }
        }
        ex.route(c.route, c.params);
    }

    /**
     * Whether some upstream could read the path as another one ({@link #leniently}): it has a letter in upper case,
     * a {@code ;}, an escape (such as {@code %3B} or {@code %20}), a segment that ends in a dot, or a dot in its last
     * segment. Plain paths (most traffic) skip the second look.
     */
    static boolean readsOtherwise(String path) {
        int last = path.lastIndexOf('/');
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c >= 'A' && c <= 'Z' || c == ';' || c == '%'
                    || c == '.' && (i > last || i + 1 == path.length() || path.charAt(i + 1) == '/')) {
                return true;
            }
        }
        return false;
    }

    /**
     * SPEC §11 "One path": the path as the most lenient upstream reads it, or null when such a server could read a
     * segment as a dot segment. Tomcat, Spring and Jetty drop a {@code ;…} parameter from every segment
     * ({@code /v1.0/ai;x/run} is {@code /v1.0/ai/run} to them); Express, ASP.NET and IIS match paths whatever their
     * letter case ({@link #takesTheSameRoute} routes this path with the case ignored); IIS and Windows file names drop
     * trailing dots and spaces; Rails, Spring MVC up to 5.2 and Django REST framework's format suffixes serve
     * {@code /report.json} as {@code /report}. A path forwarded upstream must take the same route (permission, limit)
     * read any of these ways; a segment that one of them turns into {@code ..}, {@code .} or nothing
     * ({@code ..%3B}, {@code ..%20}, {@code ...}) is refused outright.
     */
    static String leniently(String path, boolean dropSuffix) {
        String[] segments = path.substring(1).split("/", -1);
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            int end = segment.indexOf(';');
            int escaped = segment.indexOf("%3B");
            end = end < 0 ? escaped : escaped < 0 ? end : Math.min(end, escaped);
            String s = end < 0 ? segment : segment.substring(0, end);
            if (s.equals(".") || s.equals("..")) {
                return null;
            }
            while (true) {
                if (s.endsWith(".")) {
                    s = s.substring(0, s.length() - 1);
                } else if (s.endsWith("%20")) {
                    s = s.substring(0, s.length() - 3);
                } else {
                    break;
                }
            }
            if (s.isEmpty() && !segment.isEmpty() || s.equals(".") || s.equals("..")) {
                return null;
            }
            int dot = s.indexOf('.');
            if (dropSuffix && i == segments.length - 1 && dot > 0) {
                s = s.substring(0, dot); // a format suffix: report.json, report.tar.gz
            }
            out.append('/').append(s);
        }
        return out.toString();
    }

    /** Whether the lenient reading of a path, its letter case ignored, takes the same proxied route as the path did. */
    private boolean takesTheSameRoute(String method, String lenient, Choice c) {
        try {
            Choice b = choose(method, RequestPath.normalize(lenient), true);
            return b.proxied && b.route.template().equals(c.route.template());
        } catch (ApiException | RequestPath.InvalidPathException e) {
            return false;
        }
    }

    /** The route of a path; with {@code ignoreCase}, proxied routes match whatever the letter case (built-in ones are lower case). */
    private Choice choose(String method, String path, boolean ignoreCase) {
        if (proxies != null && "/".equals(path)) {
            // SPEC §8: "/" goes to the portal unless a proxied route claims it.
            ProxyRoutes.Match p = proxies.match(method, path, ignoreCase);
            if (p != null && p.route() != null) {
                return new Choice(p.route(), Map.of(), true);
            }
        }
        Router.Match m = router.match(method, ignoreCase ? path.toLowerCase(Locale.ROOT) : path);
        if (m.found()) {
            return new Choice(m.route(), m.params(), false);
        }
        if (m.allow() == null && proxies != null) {
            ProxyRoutes.Match p = proxies.match(method, path, ignoreCase);
            if (p != null && p.route() != null) {
                return new Choice(p.route(), Map.of(), true);
            }
            if (p != null) {
                throw new ApiException(ApiError.METHOD_NOT_ALLOWED,
                        method + " is not allowed here; use " + p.allow(), Map.of("Allow", p.allow()));
            }
        }
        if (m.allow() != null) {
            throw new ApiException(ApiError.METHOD_NOT_ALLOWED,
                    method + " is not allowed here; use " + m.allow(), Map.of("Allow", m.allow()));
        }
        throw ApiException.notFound("No such resource: " + RequestLog.safePath(path));
    }
}
