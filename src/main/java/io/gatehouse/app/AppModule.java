package io.gatehouse.app;

import io.gatehouse.account.Accounts;
import io.gatehouse.audit.Audit;
import io.gatehouse.http.Router;
import io.gatehouse.revocation.Revocation;
import io.gatehouse.revocation.Revocations;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.Jdbc;
import java.time.Clock;

/** Apps (SPEC §5, §8): registration, review, secrets, test-user invitations, and the permission catalog they ask from. */
public final class AppModule {
    public final PermissionCatalog catalog = new PermissionCatalog();
    public final Apps apps;
    public final TestInvitations invitations;
    public final ClientSettings clientSettings;
    private final Accounts accounts;

    public AppModule(Jdbc jdbc, IdGenerator ids, Clock clock, Revocations revocations, Accounts accounts, Audit audit) {
        this.accounts = accounts;
        this.apps = new Apps(new JdbcAppStore(jdbc), catalog, clock, revocations, audit);
        this.invitations = new TestInvitations(new JdbcTestInvitationStore(jdbc), apps, ids, clock);
        this.clientSettings = new ClientSettings(jdbc, clock, audit);
        apps.onApproved(clientSettings::markReviewed);
        revocations.subscribe(r -> {
            if (r.kind() == Revocation.Kind.APP) {
                apps.markStale(r.id());
                clientSettings.evict(r.id());
            }
        });
    }

    public void registerPublic(Router r) {
        new AppEndpoints(apps, accounts, invitations, clientSettings).register(r);
    }

    public void registerAdmin(Router r) {
        new AppAdminEndpoints(apps, accounts, clientSettings).register(r);
    }
}
