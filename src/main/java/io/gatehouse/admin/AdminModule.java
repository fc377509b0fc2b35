package io.gatehouse.admin;

import io.gatehouse.account.AccountModule;
import io.gatehouse.app.Apps;
import io.gatehouse.http.Router;
import io.gatehouse.ratelimit.UsageRecorder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;

/** The admin listener's own endpoints: accounts, usage, health, readiness and metrics. */
public final class AdminModule {
    private final AccountModule accounts;
    private final UsageEndpoints usage;
    private final HealthEndpoints health;
    private final Supplier<String> issuer;

    public AdminModule(AccountModule accounts, Apps apps, UsageRecorder usage, Readiness readiness,
                       PrometheusMeterRegistry registry, Supplier<String> issuer) {
        this.accounts = accounts;
        this.issuer = issuer;
        this.usage = new UsageEndpoints(apps, usage);
        this.health = new HealthEndpoints(readiness, registry);
    }

    public void registerPublic(Router r) {
        usage.registerPublic(r);
    }

    public void registerAdmin(Router r) {
        new AccountAdminEndpoints(accounts.accounts, accounts.store, accounts.resets, issuer).register(r);
        usage.registerAdmin(r);
        health.register(r);
    }
}
