package io.gatehouse.app;

import io.gatehouse.account.Accounts;
import io.gatehouse.http.Router;
import io.gatehouse.revocation.Revocation;
import io.gatehouse.revocation.RevocationBus;
import io.gatehouse.store.Jdbc;
import java.time.Clock;

/** Apps (SPEC §5, §8): registration, review, secrets, and the permission catalog they ask from. */
public final class AppModule {
    public final PermissionCatalog catalog = new PermissionCatalog();
    public final Apps apps;
    private final Accounts accounts;

    public AppModule(Jdbc jdbc, Clock clock, RevocationBus bus, Accounts accounts) {
        this.accounts = accounts;
        this.apps = new Apps(new JdbcAppStore(jdbc), catalog, clock, bus);
        bus.subscribe(r -> {
            if (r.kind() == Revocation.Kind.APP) {
                apps.forget(r.id());
            }
        });
    }

    public void registerPublic(Router r) {
        new AppEndpoints(apps, accounts).register(r);
    }

    public void registerAdmin(Router r) {
        new AppAdminEndpoints(apps, accounts).register(r);
    }
}
