package io.gatehouse.bench;

import io.gatehouse.account.AccountModule;
import io.gatehouse.account.NewAccount;
import io.gatehouse.account.Role;
import io.gatehouse.apikey.ApiKeyModule;
import io.gatehouse.app.App;
import io.gatehouse.app.AppModule;
import io.gatehouse.app.Apps;
import io.gatehouse.config.Settings;
import io.gatehouse.oauth.AccessTokens;
import io.gatehouse.oauth.GrantHandler;
import io.gatehouse.oauth.OAuthException;
import io.gatehouse.oauth.OAuthModule;
import io.gatehouse.oauth.TokenResponse;
import io.gatehouse.retention.RetentionJob;
import io.gatehouse.store.Database;
import io.gatehouse.store.Jdbc;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestDatabases;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Issue 16, acceptance 3, at scale: issues and rotates N refresh-token grants through the grant handlers the
 * token endpoint uses (client credentials, refresh with rotation and reuse detection), with the modules wired
 * as the server wires them, on the real storage (an embedded H2 file, or PostgreSQL), with a test clock and a
 * retention of one minute; runs the retention job every five minutes of test time as the server does, and at
 * each checkpoint counts the rows of every grant, token and revocation table against what must still be
 * there, and prints the heap in use after a full GC. No HTTP: the point is the tables and the heap, and
 * in-process it runs some twenty times faster.
 *
 * <p>Per step the test clock moves {@code step} ms and one grant of a pool of {@value #LIVE} live grants is
 * rotated (a token response: a new access token and a new refresh token). Every 50th step the token just
 * replaced is presented again, as a thief would: reuse detection revokes the grant, and a new grant takes its
 * place. Every 200th step the new access token is revoked (RFC 7009 path). With {@code verify-all} every
 * issued access token also goes through bearer verification ({@code AccessTokens.check}), which caches it.
 *
 * <pre>bench/retention.sh N [h2|postgres] [verify-all]</pre>
 * Exits 1 if any count differs from what must be left.
 */
public final class RetentionBench {
    static final int LIVE = 1_000;
    private static final Duration RETENTION = Duration.ofMinutes(1);
    private static final Duration JOB_PERIOD = Duration.ofMinutes(5);
    private static final long STEP_MILLIS = Long.getLong("bench.step", 10);
    private static final long MAX_H2_BYTES = 15L << 30;
    /** Rotations at once: fewer than the connection pool (8 on H2). */
    private static final int WORKERS = Integer.getInteger("bench.workers", 6);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final boolean postgres;
    private final boolean verifyAll;
    private final Path dataDir;
    private final String pgUrl;
    private final Database db;
    private final Jdbc jdbc;
    private final OAuthModule oauth;
    private final AppModule apps;
    private final RetentionJob retention;
    private final GrantHandler clientCredentials;
    private final GrantHandler refresh;
    private final String clientId;
    private final String apiKey;
    private final Duration accessTtl;

    /** Times (ms) of what retention must keep while they are younger than the cutoff; each in rising order. */
    private final ArrayDeque<Long> used = new ArrayDeque<>();
    private final ArrayDeque<Long> revokedGrants = new ArrayDeque<>();
    private final ArrayDeque<Long> revokedTokenExpiries = new ArrayDeque<>();
    private final ArrayDeque<Long> logged = new ArrayDeque<>();
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLong verified = new AtomicLong();
    private final AtomicLong mismatches = new AtomicLong();
    private long rotations;
    private final long started = System.nanoTime();

    RetentionBench(boolean postgres, boolean verifyAll) throws IOException {
        this.postgres = postgres;
        this.verifyAll = verifyAll;
        this.dataDir = Files.createTempDirectory("gatehouse-retention-bench");
        Map<String, String> env = new HashMap<>();
        env.put("GATEHOUSE_DATA_DIR", dataDir.toString());
        env.put("GATEHOUSE_TOKEN_SIGNING_ALG", "EdDSA"); // the cheapest to sign of the three
        env.put("GATEHOUSE_RETENTION", "1m");
        this.pgUrl = postgres ? TestDatabases.create() : null;
        if (postgres) {
            // Commits not flushed one by one (a session setting): on this shared machine fsync, not Gatehouse, set the
            // pace; what is counted (rows, heap) does not depend on it.
            env.put("GATEHOUSE_DB_URL", pgUrl + (pgUrl.contains("?") ? "&" : "?") + "options=-c%20synchronous_commit%3Doff");
        }
        Settings settings = Settings.load(env, null);
        this.accessTtl = settings.accessTokenTtl();
        this.db = Database.open(settings, null);
        this.jdbc = new Jdbc(db);
        OfflineModules m = OfflineModules.wire(settings, jdbc, clock);
        AccountModule accounts = m.accounts();
        ApiKeyModule apiKeys = m.apiKeys();
        this.apps = m.apps();
        this.oauth = m.oauth();
        oauth.issuer.set("http://bench.invalid");
        this.retention = new RetentionJob(jdbc, clock,
                new RetentionJob.Periods(settings.retention(), settings.usageRetention(), settings.auditRetention()));
        this.clientCredentials = oauth.grantHandler("client_credentials");
        this.refresh = oauth.grantHandler("refresh_token");

        long account = accounts.accounts.create(new NewAccount("bench@example.com", "correct horse battery", "Bench", "Run", Role.USER)).id();
        this.apiKey = apiKeys.apiKeys.create(account, "bench", "", null).key();
        this.clientId = apps.apps.create(account, new Apps.Registration("Bench", "", App.ClientType.CONFIDENTIAL,
                List.of("https://a.example.com/cb"), List.of("user.read"), Set.of())).app().clientId();
        clock.advance(Duration.ofMillis(RETENTION.toMillis() + 1));
    }

    public static void main(String[] args) throws Exception {
        long n = args.length > 0 ? Long.parseLong(args[0].replace("_", "").replace(",", "")) : 10_000;
        boolean pg = List.of(args).contains("postgres");
        boolean verifyAll = List.of(args).contains("verify-all");
        RetentionBench b = new RetentionBench(pg, verifyAll);
        int status;
        try {
            status = b.run(n);
        } finally {
            b.close();
        }
        System.exit(status);
    }

    int run(long n) {
        System.out.printf("retention bench: %,d token responses, %s, %d live grants, test clock +%d ms per step, %d at once, retention %s,"
                        + " job every %s of test time, access-token TTL %s, verify %s%n", n, postgres ? "PostgreSQL" : "embedded H2",
                LIVE, STEP_MILLIS, WORKERS, RETENTION, JOB_PERIOD, accessTtl, verifyAll ? "every access token" : "1 in 200");
        System.out.printf("heap after full GC before the first grant: %.1f MB%n", heapMb());
        System.out.println("  issued   elapsed    rate/s  grants  refresh_tokens  revoked_at  revocation_log  audit_events"
                + "  expected(g/rt/rat/log)  heap MB  db MB");
        String[] live = new String[LIVE];
        for (int i = 0; i < LIVE; i++) {
            live[i] = newGrant();
        }
        long checkpointEvery = Math.max(1, n / 20);
        long nextCheckpoint = checkpointEvery;
        long lastJob = clock.millis();
        // Each tick: the clock moves WORKERS steps, then WORKERS rotations of distinct grants run at once (the
        // database's latency, not the CPU, bounds one thread), all at the tick's time; the bookkeeping follows.
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        try {
            while (issued.get() < n) {
                clock.advance(Duration.ofMillis(STEP_MILLIS * WORKERS));
                List<Callable<Step>> tick = new ArrayList<>(WORKERS);
                for (int i = 0; i < WORKERS; i++) {
                    long k = ++rotations;
                    int slot = (int) (k % LIVE);
                    tick.add(() -> step(k, slot, live));
                }
                for (Future<Step> f : pool.invokeAll(tick)) {
                    Step st = f.get();
                    used.add(clock.millis());
                    if (st.revokedTokenExpiry() > 0) {
                        revokedTokenExpiries.add(st.revokedTokenExpiry());
                        logged.add(clock.millis());
                    }
                    if (st.reused()) {
                        revokedGrants.add(clock.millis());
                        logged.add(clock.millis());
                    }
                }
                if (clock.millis() - lastJob >= JOB_PERIOD.toMillis()) {
                    retention.run();
                    lastJob = clock.millis();
                }
                if (issued.get() >= nextCheckpoint || issued.get() >= n) {
                    retention.run();
                    lastJob = clock.millis();
                    checkpoint();
                    nextCheckpoint += checkpointEvery;
                    if (!postgres && dbBytes() > MAX_H2_BYTES) {
                        System.out.printf("stopped: the H2 file passed %d GB%n", MAX_H2_BYTES >> 30);
                        return 2;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 3;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        // Nothing more happens: past the retention, only live rows may be left; past the access tokens' lifetime
        // too, no revoked access token is left either.
        clock.advance(Duration.ofMillis(RETENTION.toMillis() + 1));
        retention.run();
        System.out.println("after the retention with nothing new:");
        checkpoint();
        clock.advance(Duration.ofMillis(accessTtl.toMillis() + RETENTION.toMillis() + 1));
        retention.run();
        System.out.println("after the access tokens' lifetime too:");
        checkpoint();
        long grants = count("grants");
        long tokens = count("refresh_tokens");
        check(grants == LIVE && tokens == LIVE && count("revoked_access_tokens") == 0 && count("revocation_log") == 0
                && count("auth_codes") == 0, "only live rows are left");
        System.out.printf("%s: %,d token responses (%,d access tokens verified), %d mismatches, %.0f s%n",
                mismatches.get() == 0 ? "OK" : "FAILED", issued.get(), verified.get(), mismatches.get(), seconds());
        return mismatches.get() == 0 ? 0 : 1;
    }

    /** What one rotation left for the bookkeeping: an access token revoked (its expiry), a grant revoked by reuse. */
    private record Step(long revokedTokenExpiry, boolean reused) {
    }

    /** Rotation number {@code k} of the grant in {@code slot}; every 200th revokes its access token, every 50th is replayed. */
    private Step step(long k, int slot, String[] live) {
        App app = app();
        String old = live[slot];
        TokenResponse r = refresh.handle(app, Map.of("grant_type", "refresh_token", "refresh_token", old));
        issued.incrementAndGet();
        live[slot] = r.refreshToken();
        AccessTokens.Verified v = null;
        if (verifyAll || k % 200 == 0) {
            v = require(oauth.accessTokens.check(r.accessToken()), "a fresh access token verifies");
            verified.incrementAndGet();
        }
        long revokedExpiry = 0;
        if (k % 200 == 0 && v != null) {
            oauth.accessTokens.revoke(v);
            revokedExpiry = v.expiresAtMillis();
            check(oauth.accessTokens.check(r.accessToken()) == null, "a revoked access token no longer verifies");
        }
        boolean reused = k % 50 == 0;
        if (reused) {
            try {
                refresh.handle(app, Map.of("grant_type", "refresh_token", "refresh_token", old));
                check(false, "a reused refresh token is refused");
            } catch (OAuthException e) {
                check("invalid_grant".equals(e.error()), "reuse answers invalid_grant");
            }
            check(oauth.accessTokens.check(r.accessToken()) == null, "the access token of a revoked grant no longer verifies");
            live[slot] = newGrant();
        }
        return new Step(revokedExpiry, reused);
    }

    private App app() {
        return apps.apps.get(clientId).orElseThrow(); // as ClientAuthenticator finds the client, from the app cache
    }

    private String newGrant() {
        TokenResponse r = clientCredentials.handle(app(), Map.of("grant_type", "client_credentials", "customer_key", apiKey));
        issued.incrementAndGet();
        if (verifyAll) {
            require(oauth.accessTokens.check(r.accessToken()), "a fresh access token verifies");
            verified.incrementAndGet();
        }
        return r.refreshToken();
    }

    private void checkpoint() {
        long cutoff = clock.millis() - RETENTION.toMillis();
        drop(used, cutoff);
        drop(revokedGrants, cutoff);
        drop(revokedTokenExpiries, cutoff);
        drop(logged, cutoff);
        long eGrants = LIVE + revokedGrants.size();
        long eTokens = LIVE + revokedGrants.size() + used.size();
        long eRevokedAt = revokedTokenExpiries.size();
        long eLog = logged.size();
        long grants = count("grants");
        long tokens = count("refresh_tokens");
        long revokedAt = count("revoked_access_tokens");
        long log = count("revocation_log");
        boolean ok = grants == eGrants && tokens == eTokens && revokedAt == eRevokedAt && log == eLog && count("auth_codes") == 0;
        check(ok, "rows as expected");
        double heap = heapMb();
        long done = issued.get();
        System.out.printf("%,9d %8.0fs %8.0f %7d %15d %11d %15d %13d  %6d/%d/%d/%d%s %8.1f %6.0f%n", done, seconds(), done / seconds(),
                grants, tokens, revokedAt, log, count("audit_events"), eGrants, eTokens, eRevokedAt, eLog, ok ? "" : " MISMATCH",
                heap, dbBytes() / 1e6);
    }

    /** Forgets the times older than the cutoff: retention deletes those rows (its conditions are "older than"). */
    private static void drop(ArrayDeque<Long> times, long cutoff) {
        while (!times.isEmpty() && times.peekFirst() < cutoff) {
            times.removeFirst();
        }
    }

    private long count(String table) {
        return jdbc.count("SELECT COUNT(*) FROM " + table);
    }

    private long dbBytes() {
        if (postgres) {
            return jdbc.count("SELECT pg_database_size(current_database())");
        }
        try {
            return Files.size(dataDir.resolve("gatehouse.mv.db"));
        } catch (IOException e) {
            return -1;
        }
    }

    static double heapMb() {
        for (int i = 0; i < 3; i++) {
            System.gc(); // a full collection with G1 (no -XX:+ExplicitGCInvokesConcurrent here)
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
    }

    private double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    private <T> T require(T value, String what) {
        check(value != null, what);
        return value;
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            if (mismatches.incrementAndGet() <= 20) {
                System.out.println("MISMATCH at " + issued.get() + ": " + what);
            }
        }
    }

    void close() throws IOException {
        db.close();
        if (pgUrl != null) {
            TestDatabases.drop(pgUrl);
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
