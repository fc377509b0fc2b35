package io.gatehouse.lead;

import io.gatehouse.http.Router;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.Jdbc;
import java.time.Clock;

/** The built-in leads API (SPEC §7), so that a newcomer has something real to call. */
public final class LeadModule {
    private final LeadEndpoints endpoints;

    public LeadModule(Jdbc jdbc, IdGenerator ids, Clock clock) {
        this.endpoints = new LeadEndpoints(new JdbcLeadStore(jdbc), ids, clock);
    }

    public void registerPublic(Router r) {
        endpoints.register(r);
    }
}
