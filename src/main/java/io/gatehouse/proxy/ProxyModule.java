package io.gatehouse.proxy;

import io.gatehouse.app.PermissionCatalog;
import io.gatehouse.config.Settings;
import io.gatehouse.core.Jobs;
import java.io.IOException;
import java.time.Duration;

/** Proxied routes (SPEC §7): the routes file, reloaded when it changes, and the client that forwards. */
public final class ProxyModule {
    public final ProxyRoutes routes;
    private final Proxy proxy = new Proxy();
    private final boolean hasRoutesFile;

    public ProxyModule(Settings settings, PermissionCatalog catalog) {
        this.hasRoutesFile = settings.routesFile() != null;
        try {
            this.routes = new ProxyRoutes(settings.routesFile(), proxy, catalog);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read GATEHOUSE_ROUTES " + settings.routesFile() + ": " + e.getMessage(), e);
        }
    }

    /** Called once the listeners are open: the client is made then, off the start-up path. */
    public void schedule(Jobs jobs) {
        if (hasRoutesFile) {
            Thread.ofVirtual().name("gatehouse-proxy-warm-up").start(proxy::warmUp);
        }
        jobs.every(Duration.ofSeconds(1), "reload routes", routes::reloadIfChanged);
    }
}
