package io.gatehouse.token;

import io.gatehouse.audit.Audit;
import io.gatehouse.config.Settings;
import io.gatehouse.core.Jobs;
import io.gatehouse.http.Router;
import io.gatehouse.store.Jdbc;
import java.nio.file.Files;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server's signing keys (access tokens, API keys): shared through the database, reloaded, rotated by admins. */
public final class TokenModule {
    private static final Logger LOG = LoggerFactory.getLogger(TokenModule.class);
    public final SigningKeys signingKeys;
    private final Clock clock;
    /** The longest a token signed by an access-token key lives: the access-token TTL, or an id_token's hour. */
    private final Duration longestToken;

    public TokenModule(Settings settings, Jdbc jdbc, Clock clock, Audit audit) {
        this(settings, jdbc, clock, audit, null);
    }

    /** As above, with the first access-token key pair made ahead ({@link #keyPairAhead}), or null. */
    public TokenModule(Settings settings, Jdbc jdbc, Clock clock, Audit audit, Future<KeyPair> firstKeyPair) {
        this.clock = clock;
        this.longestToken = settings.accessTokenTtl().compareTo(Duration.ofHours(1)) > 0 ? settings.accessTokenTtl() : Duration.ofHours(1);
        this.signingKeys = new SigningKeys(new JdbcSigningKeyStore(jdbc), MasterKey.of(settings.masterKey(), settings.dataDir()), clock, audit,
                algorithm(settings), firstKeyPair, libCrypto(settings));
        LOG.info("Token signatures ({}) made by {}", algorithm(settings), signingKeys.signedBy());
    }

    /** GATEHOUSE_TOKEN_SIGNER: OpenSSL's libcrypto where asked for and there is one ({@link LibCrypto}); null for the JDK. */
    private static LibCrypto libCrypto(Settings settings) {
        StringBuilder why = new StringBuilder();
        LibCrypto crypto = LibCrypto.forChoice(LibCrypto.Choice.valueOf(settings.tokenSigner().toUpperCase(Locale.ROOT)), why);
        if (crypto == null && !why.isEmpty()) {
            LOG.info("No OpenSSL libcrypto for token signatures, the JDK makes them: {}", why);
        }
        return crypto;
    }

    private static SigningAlgorithm algorithm(Settings settings) {
        return java.util.Objects.requireNonNullElse(SigningAlgorithm.parse(settings.tokenSigningAlg()), SigningAlgorithm.RS256);
    }

    /**
     * A new embedded database (no file yet) gets its first keys at this start; making an RS256 key pair takes
     * 0.1-0.5 s, so it is made on a thread of its own while the node starts, and {@link SigningKeys} stores it
     * when ready (what needs the key waits for it). Null when the node will
     * not need it (an existing file, PostgreSQL, whose keys are likely there already, or another algorithm).
     */
    public static Future<KeyPair> keyPairAhead(Settings settings) {
        if (settings.usesPostgres() || algorithm(settings) != SigningAlgorithm.RS256
                || Files.exists(settings.dataDir().resolve("gatehouse.mv.db"))) {
            return null;
        }
        FutureTask<KeyPair> task = new FutureTask<>(SigningAlgorithm::newRsaKeyPair);
        Thread.ofPlatform().name("gatehouse-keygen").daemon().start(task);
        return task;
    }

    public void registerAdmin(Router admin) {
        new SigningKeyEndpoints(signingKeys, clock).register(admin);
    }

    public void schedule(Jobs jobs) {
        jobs.every(SigningKeys.RELOAD_PERIOD, "reload signing keys", signingKeys::reload);
        jobs.every(Duration.ofMinutes(1), "retire replaced signing keys", () -> signingKeys.retireReplaced(longestToken));
    }
}
