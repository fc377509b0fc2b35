package io.gatehouse.bench;

import io.gatehouse.account.Account;
import io.gatehouse.account.JdbcAccountStore;
import io.gatehouse.account.Role;
import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.JdbcApiKeyStore;
import io.gatehouse.auth.Principal;
import io.gatehouse.store.Database;
import io.gatehouse.store.IdGenerator;
import io.gatehouse.store.Jdbc;
import io.gatehouse.token.JdbcSigningKeyStore;
import io.gatehouse.token.MasterKey;
import io.gatehouse.token.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import io.gatehouse.oauth.AccessTokens;
import io.gatehouse.oauth.Grant;
import io.gatehouse.oauth.Issuer;
import io.gatehouse.oauth.JdbcGrantStore;
import io.gatehouse.oauth.TokenIssuer;
import io.gatehouse.ratelimit.Bucket;
import io.gatehouse.ratelimit.Decision;
import io.gatehouse.ratelimit.InMemoryRateLimiter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The gateway's hot path, piece by piece, against a real (embedded) database for the cache misses.
 * Run with bench/jmh.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmark {
    private Database db;
    private ApiKeys apiKeys;
    private String key;
    private AccessTokens accessTokens;
    private String accessToken;
    private final InMemoryRateLimiter limiter = new InMemoryRateLimiter();
    private final Clock clock = Clock.systemUTC();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path dir = Files.createTempDirectory("gh-bench-");
        db = Database.open("jdbc:h2:file:" + dir.resolve("db") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "", null);
        Jdbc jdbc = new Jdbc(db);
        IdGenerator ids = new IdGenerator(clock);
        long account = ids.next();
        new JdbcAccountStore(jdbc).insert(new Account(account, "bench@example.com", "B", "M", Role.USER, Instant.now()), "h");
        io.gatehouse.audit.Audit audit = new io.gatehouse.audit.AuditModule(jdbc, ids, clock).audit;
        SigningKeys keys = new SigningKeys(new JdbcSigningKeyStore(jdbc), MasterKey.of(null, dir), clock, audit);
        apiKeys = new ApiKeys(new JdbcApiKeyStore(jdbc), keys, ids, clock, io.gatehouse.revocation.Revocations.onOneNode(jdbc, clock), audit);
        key = apiKeys.create(account, "bench", null, Instant.now().plusSeconds(86_400)).key();
        apiKeys.verify(key); // the first use verifies the signature and fills the cache

        Issuer issuer = new Issuer();
        issuer.set("http://localhost:8080");
        JdbcGrantStore grants = new JdbcGrantStore(jdbc);
        accessTokens = new AccessTokens(keys, grants, issuer, clock, io.gatehouse.revocation.Revocations.onOneNode(jdbc, clock), java.time.Duration.ofHours(1));
        String clientId = new JdbcAppStoreSeed(jdbc).app(account);
        Grant grant = new Grant(ids.next(), clientId, account, "client_credentials", List.of("user.read"), null, Instant.now(), null);
        grants.createGrant(grant, "refresh-hash-" + grant.id(), Instant.now().plusSeconds(3600));
        accessToken = new TokenIssuer(keys, issuer, clock, Duration.ofHours(1), Duration.ofDays(1))
                .accessToken(grant, grant.scope()).value();
        accessTokens.verify(accessToken);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        db.close();
    }

    /**
     * The gateway's hot path for an OAuth request: authenticate a cached access token, check the
     * endpoint's permission, and count the request in its app's bucket.
     */
    @Benchmark
    public Decision authenticateAuthorizeAndCount() {
        Principal p = accessTokens.verify(new String(accessToken));
        if (!p.allows("user.read")) {
            throw new IllegalStateException("permission");
        }
        return limiter.consume(List.of(new Bucket("app:" + p.clientId(), "app", Integer.MAX_VALUE)), clock.millis());
    }

    /** Authenticating a request whose API key this node has seen before (the common case). */
    @Benchmark
    public Principal authenticateCachedApiKey() {
        // A new String each time, as each request's header is: no identity shortcut in the map.
        return apiKeys.verify(new String(key));
    }
}
