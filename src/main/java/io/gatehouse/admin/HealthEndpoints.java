package io.gatehouse.admin;

import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.http.Router;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Liveness, readiness and Prometheus metrics on the admin port; open to probes without a token. */
public final class HealthEndpoints {
    private final Map<String, BooleanSupplier> readinessChecks;
    private final BooleanSupplier draining;
    private final PrometheusMeterRegistry registry;

    public HealthEndpoints(Map<String, BooleanSupplier> readinessChecks, BooleanSupplier draining,
                           PrometheusMeterRegistry registry) {
        this.readinessChecks = readinessChecks;
        this.draining = draining;
        this.registry = registry;
    }

    public void register(Router router) {
        router.add(new Route("GET", "/healthz", Route.Access.OPEN, null,
                ex -> ex.json(200, Map.of("status", "up"))));
        router.add(new Route("GET", "/readyz", Route.Access.OPEN, null, this::ready));
        router.add(new Route("GET", "/metrics", Route.Access.OPEN, null, this::metrics));
    }

    private void ready(Exchange ex) {
        Map<String, String> checks = new LinkedHashMap<>();
        boolean ok = !draining.getAsBoolean();
        if (!ok) {
            checks.put("shutdown", "draining");
        }
        for (var c : readinessChecks.entrySet()) {
            boolean up = c.getValue().getAsBoolean();
            checks.put(c.getKey(), up ? "up" : "down");
            ok &= up;
        }
        ex.json(ok ? 200 : 503, Map.of("status", ok ? "ready" : "not ready", "checks", checks));
    }

    private void metrics(Exchange ex) {
        ex.send(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape().getBytes(StandardCharsets.UTF_8));
    }
}
