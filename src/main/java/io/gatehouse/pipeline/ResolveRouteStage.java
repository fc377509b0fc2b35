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
        if (c.proxied && readsOtherwise(path) && !takesTheSameRoute(ex.method(), leniently(path), c)) {
            throw ApiException.invalid("the request path would take another route to a server that ignores letter case,"
                    + " ';' parameters or trailing dots and spaces");
        }
        ex.route(c.route, c.params);
    }

    /**
     * Whether some upstream could read the path as another one ({@link #leniently}): it has a letter in upper case,
     * a {@code ;}, an escape (such as {@code %3B} or {@code %20}), or a segment that ends in a dot. Plain paths
     * (most traffic) skip the second look.
     */
    static boolean readsOtherwise(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c >= 'A' && c <= 'Z' || c == ';' || c == '%'
                    || c == '.' && (i + 1 == path.length() || path.charAt(i + 1) == '/')) {
                return true;
            }
        }
        return false;
    }

    /**
     * SPEC §11 "One path": the path as the most lenient upstream reads it. Tomcat, Spring and Jetty drop a
     * {@code ;…} parameter from every segment ({@code /v1.0/ai;x/run} is {@code /v1.0/ai/run} to them); Express,
     * ASP.NET and IIS match paths whatever their letter case ({@link #takesTheSameRoute} routes this path with
     * the case ignored); IIS and Windows file names drop trailing dots and spaces. A path forwarded upstream must
     * take the same route (permission, limit) read any of these ways.
     */
    static String leniently(String path) {
        StringBuilder out = new StringBuilder(path.length());
        for (String segment : path.substring(1).split("/", -1)) {
            int end = segment.indexOf(';');
            int escaped = segment.indexOf("%3B");
            end = end < 0 ? escaped : escaped < 0 ? end : Math.min(end, escaped);
            String s = end < 0 ? segment : segment.substring(0, end);
            while (true) {
                if (s.endsWith(".")) {
                    s = s.substring(0, s.length() - 1);
                } else if (s.endsWith("%20")) {
                    s = s.substring(0, s.length() - 3);
                } else {
                    break;
                }
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
