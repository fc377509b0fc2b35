package io.gatehouse.apikey;

import io.gatehouse.account.Accounts;
import io.gatehouse.audit.Audit;
import io.gatehouse.core.Jobs;
import io.gatehouse.http.Router;
import io.gatehouse.revocation.Revocations;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.Jdbc;
import io.gatehouse.token.SigningKeys;
import java.time.Clock;
import java.time.Duration;

/** API keys (SPEC §4): issuing, verifying with an exact cache, revoking on every node. */
public final class ApiKeyModule {
    public final ApiKeys apiKeys;
    private final ApiKeyEndpoints endpoints;

    public ApiKeyModule(Jdbc jdbc, IdGenerator ids, Clock clock, SigningKeys signingKeys, Revocations revocations, Accounts accounts,
                        Audit audit) {
        this.apiKeys = new ApiKeys(new JdbcApiKeyStore(jdbc), signingKeys, ids, clock, revocations, audit)
                .followingRevocations();
        this.endpoints = new ApiKeyEndpoints(apiKeys, accounts, clock);
    }

    public void registerPublic(Router r) {
        endpoints.registerPublic(r);
    }

    public void registerAdmin(Router r) {
        endpoints.registerAdmin(r);
    }

    public void schedule(Jobs jobs) {
        jobs.every(Duration.ofSeconds(5), "flush API key last use", apiKeys::flushLastUsed);
        jobs.atStop(apiKeys::flushLastUsed);
    }
}
