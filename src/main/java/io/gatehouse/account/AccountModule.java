package io.gatehouse.account;

import io.gatehouse.audit.Audit;
import io.gatehouse.mail.Mailer;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.Jdbc;
import java.time.Clock;

/** Accounts: their store, the service that creates, finds, changes and logs them in, and password resets. */
public final class AccountModule {
    public final AccountStore store;
    public final Accounts accounts;
    public final PasswordResets resets;

    public AccountModule(Jdbc jdbc, IdGenerator ids, Clock clock, Mailer mailer, Audit audit) {
        this.store = new JdbcAccountStore(jdbc);
        this.accounts = new Accounts(store, new PasswordHasher(), ids, clock, audit);
        this.resets = new PasswordResets(jdbc, accounts, mailer, clock);
    }
}
