package io.gatehouse.token;

import io.gatehouse.audit.Audit;
import io.gatehouse.config.Settings;
import io.gatehouse.core.Jobs;
import io.gatehouse.http.Router;
import io.gatehouse.store.Jdbc;
import java.time.Clock;
import java.time.Duration;

/** The server's signing keys (access tokens, API keys): shared through the database, reloaded, rotated by admins. */
public final class TokenModule {
    public final SigningKeys signingKeys;
    private final Clock clock;
    /** The longest a token signed by an access-token key lives: the access-token TTL, or an id_token's hour. */
    private final Duration longestToken;

    public TokenModule(Settings settings, Jdbc jdbc, Clock clock, Audit audit) {
        this.clock = clock;
        this.longestToken = settings.accessTokenTtl().compareTo(Duration.ofHours(1)) > 0 ? settings.accessTokenTtl() : Duration.ofHours(1);
        this.signingKeys = new SigningKeys(new JdbcSigningKeyStore(jdbc), MasterKey.of(settings.masterKey(), settings.dataDir()), clock, audit,
                java.util.Objects.requireNonNullElse(SigningAlgorithm.parse(settings.tokenSigningAlg()), SigningAlgorithm.RS256));
    }

    public void registerAdmin(Router admin) {
        new SigningKeyEndpoints(signingKeys, clock).register(admin);
    }

    public void schedule(Jobs jobs) {
        jobs.every(SigningKeys.RELOAD_PERIOD, "reload signing keys", signingKeys::reload);
        jobs.every(Duration.ofMinutes(1), "retire replaced signing keys", () -> signingKeys.retireReplaced(longestToken));
    }
}
