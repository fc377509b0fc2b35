package io.gatehouse.account;

import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.Jdbc;
import java.time.Clock;

/** Accounts: their store, and the service that creates, finds and logs them in. */
public final class AccountModule {
    public final AccountStore store;
    public final Accounts accounts;

    public AccountModule(Jdbc jdbc, IdGenerator ids, Clock clock) {
        this.store = new JdbcAccountStore(jdbc);
        this.accounts = new Accounts(store, new PasswordHasher(), ids, clock);
    }
}
