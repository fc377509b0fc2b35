package io.gatehouse.proxy;

import io.gatehouse.app.PermissionCatalog;
import io.gatehouse.config.Settings;
import io.gatehouse.core.Jobs;
import java.io.IOException;
import java.time.Duration;

/** Proxied routes (SPEC §7): the routes file, reloaded when it changes, and the client that forwards. */
public final class ProxyModule {
    public final ProxyRoutes routes;

    public ProxyModule(Settings settings, PermissionCatalog catalog) {
        try {
            this.routes = new ProxyRoutes(settings.routesFile(), new Proxy(), catalog);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read GATEHOUSE_ROUTES " + settings.routesFile() + ": " + e.getMessage(), e);
        }
    }

    public void schedule(Jobs jobs) {
        jobs.every(Duration.ofSeconds(1), "reload routes", routes::reloadIfChanged);
    }
}
