package io.gatehouse.bench;

import io.gatehouse.app.App;
import io.gatehouse.config.Settings;
import io.gatehouse.oauth.AccessTokens;
import io.gatehouse.oauth.GrantHandler;
import io.gatehouse.oauth.OAuthModule;
import io.gatehouse.oauth.TokenResponse;
import io.gatehouse.store.Database;
import io.gatehouse.store.Jdbc;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bench/introspect.sh, phase "after N": issues token responses into a stopped server's data folder (or its
 * PostgreSQL database) through the grant handlers the token endpoint uses, with the modules wired as the server
 * wires them and the real clock, so the rows are those the server writes for the same requests. Per step: a
 * client-credentials grant for the customer key (a grant, a refresh token, its audit); every 4th step the
 * refresh token of the grant before is rotated once (RFC 6749 §6, a used refresh token and a new one); every
 * 500th step the new access token is revoked (RFC 7009: a revoked_access_tokens row and a revocation log
 * entry). No HTTP and no verification caches: only the tables grow, as they would under that traffic.
 *
 * <pre>IntrospectSeed N CLIENT_ID CUSTOMER_KEY   (the server's GATEHOUSE_* environment; BENCH_WORKERS, default 6)</pre>
 * GATEHOUSE_TOKEN_SIGNING_ALG may differ from the server's (EdDSA signs ~20x faster than RS256): only the
 * signature of the access tokens differs, none of the rows, and the server keeps verifying that key's tokens.
 */
public final class IntrospectSeed {
    public static void main(String[] args) throws Exception {
        long n = Long.parseLong(args[0].replace("_", "").replace(",", ""));
        String clientId = args[1];
        String customerKey = args[2];
        int workers = Integer.parseInt(System.getenv().getOrDefault("BENCH_WORKERS", "6"));
        Map<String, String> env = new HashMap<>(System.getenv());
        Settings settings = Settings.load(env, null);
        Clock clock = Clock.systemUTC();
        try (Database db = Database.open(settings, null)) {
            Jdbc jdbc = new Jdbc(db);
            OfflineModules m = OfflineModules.wire(settings, jdbc, clock);
            OAuthModule oauth = m.oauth();
            oauth.issuer.set(settings.issuerFor(settings.port()));
            GrantHandler clientCredentials = oauth.grantHandler("client_credentials");
            GrantHandler refresh = oauth.grantHandler("refresh_token");
            App app = m.apps().apps.get(clientId).orElseThrow(() -> new IllegalArgumentException("no app " + clientId));

            AtomicLong done = new AtomicLong();
            long started = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                running.add(pool.submit(() -> {
                    String previousRefresh = null;
                    for (long k = worker; k < n; k += workers) {
                        TokenResponse r = clientCredentials.handle(app,
                                Map.of("grant_type", "client_credentials", "customer_key", customerKey));
                        if (k % 4 == 0 && previousRefresh != null) {
                            refresh.handle(app, Map.of("grant_type", "refresh_token", "refresh_token", previousRefresh));
                        }
                        if (k % 500 == 0) {
                            AccessTokens.Verified v = oauth.accessTokens.check(r.accessToken());
                            oauth.accessTokens.revoke(v);
                        }
                        previousRefresh = r.refreshToken();
                        long d = done.incrementAndGet();
                        if (d % 50_000 == 0) {
                            System.out.printf("  seeded %,d in %.0f s%n", d, (System.nanoTime() - started) / 1e9);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            pool.shutdown();
            double s = (System.nanoTime() - started) / 1e9;
            System.out.printf("seeded %,d token responses (%s) in %.0f s, %.0f/s; rows: grants %,d, refresh_tokens %,d,"
                            + " revoked_access_tokens %,d, audit_events %,d%n", n, m.tokens().signingKeys.tokenAlgorithm(), s, n / s,
                    jdbc.count("SELECT COUNT(*) FROM grants"), jdbc.count("SELECT COUNT(*) FROM refresh_tokens"),
                    jdbc.count("SELECT COUNT(*) FROM revoked_access_tokens"), jdbc.count("SELECT COUNT(*) FROM audit_events"));
        }
    }
}
