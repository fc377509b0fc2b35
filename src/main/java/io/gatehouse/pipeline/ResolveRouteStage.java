package io.gatehouse.pipeline;

import io.gatehouse.http.ApiError;
import io.gatehouse.http.ApiException;
import io.gatehouse.http.Exchange;
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

    @Override
    public void apply(Exchange ex) {
        if (proxies != null && "/".equals(ex.path())) {
            // SPEC §8: "/" goes to the portal unless a proxied route claims it.
            ProxyRoutes.Match p = proxies.match(ex.method(), ex.path());
            if (p != null && p.route() != null) {
                ex.route(p.route(), Map.of());
                return;
            }
        }
        Router.Match m = router.match(ex.method(), ex.path());
        if (m.found()) {
            ex.route(m.route(), m.params());
            return;
        }
        if (m.allow() == null && proxies != null) {
            ProxyRoutes.Match p = proxies.match(ex.method(), ex.path());
            if (p != null && p.route() != null) {
                ex.route(p.route(), Map.of());
                return;
            }
            if (p != null) {
                throw new ApiException(ApiError.METHOD_NOT_ALLOWED,
                        ex.method() + " is not allowed here; use " + p.allow(), Map.of("Allow", p.allow()));
            }
        }
        if (m.allow() != null) {
            throw new ApiException(ApiError.METHOD_NOT_ALLOWED,
                    ex.method() + " is not allowed here; use " + m.allow(), Map.of("Allow", m.allow()));
        }
        throw ApiException.notFound("No such resource: " + RequestLog.safePath(ex.path()));
    }
}
