package io.gatehouse.admin;

import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Liveness, readiness and Prometheus metrics on the admin port; open to probes without a token. */
public final class HealthEndpoints {
    private final Readiness readiness;
    private final PrometheusMeterRegistry registry;

    public HealthEndpoints(Readiness readiness, PrometheusMeterRegistry registry) {
        this.readiness = readiness;
        this.registry = registry;
    }

    public void register(Router router) {
        router.add(new Route("GET", "/healthz", Route.Access.OPEN, null,
                ex -> ex.json(200, Map.of("status", "up"))));
        router.add(new Route("GET", "/readyz", Route.Access.OPEN, null, this::ready));
        router.add(new Route("GET", "/metrics", Route.Access.OPEN, null, this::metrics));
    }

    private void ready(Exchange ex) {
        Readiness.Report r = readiness.check();
        ex.json(r.status(), r.body());
    }

    private void metrics(Exchange ex) {
        ex.send(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape().getBytes(StandardCharsets.UTF_8));
    }
}
