package io.gatehouse.bench;

import io.gatehouse.account.AccountModule;
import io.gatehouse.apikey.ApiKeyModule;
import io.gatehouse.app.AppModule;
import io.gatehouse.audit.AuditModule;
import io.gatehouse.auth.Throttles;
import io.gatehouse.config.Settings;
import io.gatehouse.mail.MailModule;
import io.gatehouse.oauth.OAuthModule;
import io.gatehouse.revocation.RevocationModule;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.Jdbc;
import io.gatehouse.token.TokenModule;
import java.time.Clock;

/**
 * The modules as GatehouseServer wires them, without the listeners and the background jobs: for the bench
 * tools that write into a data folder in process (RetentionBench, IntrospectSeed), so their rows are the
 * server's.
 */
record OfflineModules(AccountModule accounts, TokenModule tokens, ApiKeyModule apiKeys, AppModule apps, OAuthModule oauth) {

    static OfflineModules wire(Settings settings, Jdbc jdbc, Clock clock) {
        IdGenerator ids = new IdGenerator(clock);
        AuditModule audit = new AuditModule(jdbc, ids, clock);
        AccountModule accounts = new AccountModule(jdbc, ids, clock, new MailModule(settings).mailer, audit.audit);
        RevocationModule revocations = new RevocationModule(jdbc, clock, null, settings.usesPostgres());
        TokenModule tokens = new TokenModule(settings, jdbc, clock, audit.audit);
        ApiKeyModule apiKeys = new ApiKeyModule(jdbc, ids, clock, tokens.signingKeys, revocations.revocations, accounts.accounts,
                audit.audit);
        AppModule apps = new AppModule(jdbc, ids, clock, revocations.revocations, accounts.accounts, audit.audit);
        OAuthModule oauth = new OAuthModule(settings, jdbc, ids, clock, tokens.signingKeys, revocations.revocations, apps,
                apiKeys.apiKeys, new Throttles(null, clock), accounts.accounts, audit.audit);
        return new OfflineModules(accounts, tokens, apiKeys, apps, oauth);
    }
}
