package io.gatehouse.lifecycle;

import io.gatehouse.account.Accounts;
import io.gatehouse.app.Apps;
import io.gatehouse.audit.Audit;
import io.gatehouse.http.Router;
import io.gatehouse.revocation.Revocations;
import io.gatehouse.store.Jdbc;
import java.time.Clock;

/** Deleting apps, disabling and deleting accounts, and their endpoints. */
public final class LifecycleModule {
    public final Lifecycle lifecycle;
    private final LifecycleEndpoints endpoints;

    public LifecycleModule(Jdbc jdbc, Revocations revocations, Accounts accounts, Apps apps, Clock clock, Audit audit) {
        this.lifecycle = new Lifecycle(jdbc, revocations, accounts, clock, audit);
        this.endpoints = new LifecycleEndpoints(lifecycle, apps);
    }

    public void registerPublic(Router r) {
        endpoints.registerPublic(r);
    }

    public void registerAdmin(Router r) {
        endpoints.registerAdmin(r);
    }
}
