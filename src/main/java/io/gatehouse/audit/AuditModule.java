package io.gatehouse.audit;

import io.gatehouse.http.Router;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.Jdbc;
import java.time.Clock;

/** The audit log (SPEC §9): the service every feature records with, and its admin API. */
public final class AuditModule {
    public final Audit audit;

    public AuditModule(Jdbc jdbc, IdGenerator ids, Clock clock) {
        this.audit = new Audit(new JdbcAuditStore(jdbc), jdbc, ids, clock);
    }

    public void registerAdmin(Router r) {
        new AuditEndpoints(audit).register(r);
    }
}
