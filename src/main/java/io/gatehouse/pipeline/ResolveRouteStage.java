package io.gatehouse.pipeline;

import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.RequestPath;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.gatehouse.proxy.ProxyRoutes;
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
        Choice c = choose(ex.method(), path);
        if (c.proxied && path.indexOf(';') >= 0 && !takesTheSameRoute(ex.method(), path, c)) {
            throw ApiException.invalid("the request path has a ';' parameter that would take it to another route");
        }
        ex.route(c.route, c.params);
    }

    /**
     * SPEC §11 "One path": Tomcat, Spring and Jetty drop a {@code ;…} parameter from every segment before they
     * match a path, so an upstream reads {@code /v1.0/ai;x/run} as {@code /v1.0/ai/run}. A path forwarded upstream
     * must take the same route (permission, limit) with its parameters as without them.
     */
    private boolean takesTheSameRoute(String method, String path, Choice c) {
        StringBuilder bare = new StringBuilder(path.length());
        for (String segment : path.substring(1).split("/", -1)) {
            int semi = segment.indexOf(';');
            bare.append('/').append(semi < 0 ? segment : segment.substring(0, semi));
        }
        try {
            Choice b = choose(method, RequestPath.normalize(bare.toString()));
            return b.proxied && b.route.template().equals(c.route.template());
        } catch (ApiException | RequestPath.InvalidPathException e) {
            return false;
        }
    }

    private Choice choose(String method, String path) {
        if (proxies != null && "/".equals(path)) {
            // SPEC §8: "/" goes to the portal unless a proxied route claims it.
            ProxyRoutes.Match p = proxies.match(method, path);
            if (p != null && p.route() != null) {
                return new Choice(p.route(), Map.of(), true);
            }
        }
        Router.Match m = router.match(method, path);
        if (m.found()) {
            return new Choice(m.route(), m.params(), false);
        }
        if (m.allow() == null && proxies != null) {
            ProxyRoutes.Match p = proxies.match(method, path);
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
