package io.gatehouse.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * SPEC §9 v2: whether a load balancer should send this node traffic. A node that can still serve stays
 * ready while a dependency is down and says {@code degraded}; it is not ready only while draining, before
 * the database was first reached, or while a dependency it cannot serve without is down. A shared outage
 * (Redis, PostgreSQL) must not take every node out of the load balancer at once.
 */
public final class Readiness {
    /** What a dependency being down means for this node. */
    public enum WhenDown {
        /** The node serves on without it (cached credentials, local limits): ready, degraded. */
        DEGRADES,
        /** Degrades once it was reached; not ready before that (the database at start-up). */
        DEGRADES_ONCE_REACHED,
        /** The node refuses traffic without it (Redis with {@code ON_REDIS_FAILURE=deny}): not ready. */
        REFUSES
    }

    public record Dependency(String name, BooleanSupplier up, WhenDown whenDown) {
    }

    /** The answer: 200 or 503 and the body of {@code GET /readyz}. */
    public record Report(int status, Map<String, Object> body) {
    }

    private final List<Dependency> dependencies;
    private final BooleanSupplier draining;
    private final Map<String, Boolean> reached = new ConcurrentHashMap<>();

    public Readiness(List<Dependency> dependencies, BooleanSupplier draining) {
        this.dependencies = List.copyOf(dependencies);
        this.draining = draining;
    }

    /** Records that a dependency answered (the database when the node migrated it at start-up). */
    public Readiness reached(String name) {
        reached.put(name, true);
        return this;
    }

    public Report check() {
        Map<String, String> checks = new LinkedHashMap<>();
        String refusal = null;
        for (Dependency d : dependencies) {
            boolean up = d.up().getAsBoolean();
            checks.put(d.name(), up ? "up" : "down");
            if (up) {
                reached.put(d.name(), true);
            } else if (refusal == null) {
                refusal = switch (d.whenDown()) {
                    case DEGRADES -> null;
                    case DEGRADES_ONCE_REACHED -> reached.containsKey(d.name()) ? null : d.name() + " not reached yet";
                    case REFUSES -> d.name() + " down: this node refuses traffic without it";
                };
            }
        }
        if (draining.getAsBoolean()) {
            refusal = "draining";
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (refusal != null) {
            body.put("status", "not ready");
            body.put("reason", refusal);
        } else {
            body.put("status", checks.containsValue("down") ? "degraded" : "ready");
        }
        body.put("checks", checks);
        return new Report(refusal == null ? 200 : 503, body);
    }
}
