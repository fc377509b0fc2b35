package io.gatehouse.token;

import io.gatehouse.audit.Audit;
import io.gatehouse.config.Settings;
import io.gatehouse.core.Jobs;
import io.gatehouse.http.Router;
import io.gatehouse.store.Jdbc;
import java.time.Clock;

/** The server's signing keys (access tokens, API keys): shared through the database, reloaded, rotated by admins. */
public final class TokenModule {
    public final SigningKeys signingKeys;
    private final Clock clock;

    public TokenModule(Settings settings, Jdbc jdbc, Clock clock, Audit audit) {
        this.clock = clock;
        this.signingKeys = new SigningKeys(new JdbcSigningKeyStore(jdbc), MasterKey.of(settings.masterKey(), settings.dataDir()), clock, audit);
    }

    public void registerAdmin(Router admin) {
        new SigningKeyEndpoints(signingKeys, clock).register(admin);
    }

    public void schedule(Jobs jobs) {
        jobs.every(SigningKeys.RELOAD_PERIOD, "reload signing keys", signingKeys::reload);
    }
}
