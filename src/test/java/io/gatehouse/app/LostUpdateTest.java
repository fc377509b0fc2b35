package io.gatehouse.app;

import static io.gatehouse.testing.TestClient.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatehouse.audit.Audit;
import io.gatehouse.account.Account;
import io.gatehouse.account.JdbcAccountStore;
import io.gatehouse.account.Role;
import io.gatehouse.auth.Secrets;
import io.gatehouse.core.DomainException;
import io.gatehouse.revocation.Revocations;
import io.gatehouse.store.Database;
import io.gatehouse.store.Jdbc;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestDatabases;
import io.gatehouse.testing.TestServer;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * No change of an app is lost to another made at the same time, and none puts an old secret back: an
 * approval (or any other change) racing a secret rotation leaves the rotated secret in force and the
 * other change applied too. On both databases, on two threads, and on two nodes of one PostgreSQL.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class LostUpdateTest {
    private static final int ROUNDS = 15;

    @Parameter
    Backend backend;

    @Test
    void a_change_made_from_a_copy_read_before_a_rotation_keeps_the_rotated_secret() throws Exception {
        String pgUrl = backend == Backend.POSTGRES ? TestDatabases.create() : null;
        try (Database db = pgUrl != null ? Database.open(pgUrl, null, null, null)
                : Database.open("jdbc:h2:file:" + Files.createTempDirectory("gh-lost-").resolve("db")
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "", null)) {
            Jdbc jdbc = new Jdbc(db);
            Revocations bus = Revocations.onOneNode(jdbc, Clock.systemUTC());
            new JdbcAccountStore(jdbc).insert(new Account(7, "dev@example.com", "D", "V", Role.USER, Instant.now()), "h");
            JdbcAppStore store = new JdbcAppStore(jdbc);
            Apps apps = new Apps(store, new PermissionCatalog(), Clock.systemUTC(), bus, Audit.inMemory(Clock.systemUTC()));
            App app = apps.create(7, new Apps.Registration("CRM", "", App.ClientType.CONFIDENTIAL,
                    List.of("https://crm.example.com/cb"), List.of("leads.read"), Set.of())).app();
            App submitted = apps.submit(app);

            App readBeforeRotation = apps.fresh(app.clientId());
            String rotated = apps.rotateSecret(readBeforeRotation).secret();
            App approved = apps.approve(readBeforeRotation);
            App limited = apps.setRateLimit(readBeforeRotation, 42);

            App stored = store.byClientId(app.clientId()).orElseThrow();
            assertThat(stored.secretHash()).isEqualTo(Secrets.sha256(rotated));
            assertThat(stored.reviewStatus()).isEqualTo(App.ReviewStatus.APPROVED);
            assertThat(stored.mode()).isEqualTo(App.Mode.PRODUCTION);
            assertThat(stored.rateLimitOverride()).isEqualTo(42);
            assertThat(stored.version()).isEqualTo(submitted.version() + 3).isEqualTo(limited.version());
            assertThat(approved.secretHash()).isEqualTo(Secrets.sha256(rotated));
            // A stale submit is refused (409), and changes nothing.
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> apps.submit(readBeforeRotation)))
                    .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.kind()).isEqualTo(DomainException.Kind.CONFLICT));
            assertThat(store.byClientId(app.clientId()).orElseThrow().version()).isEqualTo(limited.version());
        } finally {
            if (pgUrl != null) {
                TestDatabases.drop(pgUrl);
            }
        }
    }

    @Test
    void approval_and_rotation_racing_on_two_threads_leave_the_rotated_secret_and_the_approval() throws Exception {
        TestServer s = TestServer.shared(backend);
        race(s.api, s.admin, s.api, s.admin);
    }

    @Test
    void approval_and_rotation_racing_on_two_nodes_leave_the_rotated_secret_and_the_approval() throws Exception {
        assumeTrue(backend == Backend.POSTGRES, "two nodes share a PostgreSQL database");
        String pgUrl = TestDatabases.create();
        Map<String, String> settings = Map.of("GATEHOUSE_DB_URL", pgUrl,
                "GATEHOUSE_MASTER_KEY", "lost-update-test-master-key-0123456789abcdef");
        try (TestServer one = TestServer.node(settings); TestServer two = TestServer.node(settings)) {
            race(one.api, one.admin, two.api, two.admin);
        } finally {
            TestDatabases.drop(pgUrl);
        }
    }

    /** The developer rotates through {@code devApi} while an admin changes the app through {@code otherAdmin}. */
    private static void race(TestClient devApi, TestClient devAdmin, TestClient otherApi, TestClient otherAdmin) throws Exception {
        Fixtures.Account dev = Fixtures.account(devAdmin);
        String[] devKey = token(Fixtures.apiKey(devAdmin, dev.id()));
        String customerKey = Fixtures.apiKey(devAdmin, dev.id());
        Resp created = devApi.post("/v1.0/apps", Map.of("name", "Racer", "type", "confidential",
                "redirect_uris", List.of("https://crm.example.com/cb"), "permissions", List.of("leads.read")), devKey);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String clientId = created.json().get("client_id").asText();
        String first = created.json().get("client_secret").asText();
        assertThat(devApi.post("/v1.0/apps/" + clientId + "/submit", Map.of(), devKey).status()).isEqualTo(200);

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            String secret = first;
            for (int round = 0; round < ROUNDS; round++) {
                CyclicBarrier together = new CyclicBarrier(2);
                int limit = 1000 + round;
                boolean approveNow = round == 0;
                Future<Resp> rotation = pool.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    return devApi.post("/v1.0/apps/" + clientId + "/secret", Map.of(), devKey);
                });
                Future<Resp> change = pool.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    return approveNow ? otherAdmin.post("/admin/v1/apps/" + clientId + "/approve", Map.of())
                            : otherAdmin.patch("/admin/v1/apps/" + clientId, Map.of("rate_limit_per_minute", limit));
                });
                Resp r = rotation.get(60, TimeUnit.SECONDS);
                Resp c = change.get(60, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                assertThat(c.status()).as(c.toString()).isEqualTo(200);
                secret = r.json().get("client_secret").asText();

                assertThat(clientCredentials(devApi, clientId, secret, customerKey).status()).as("round %d", round).isEqualTo(200);
                Resp app = otherAdmin.get("/admin/v1/apps/" + clientId);
                assertThat(app.json().get("review_status").asText()).isEqualTo("approved");
                if (!approveNow) {
                    assertThat(app.json().get("rate_limit_per_minute").asInt()).as("round %d", round).isEqualTo(limit);
                }
            }
            assertThat(clientCredentials(devApi, clientId, first, customerKey).status()).isEqualTo(401);
            // The other node learns of the last rotation from the database within seconds.
            String last = secret;
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> clientCredentials(otherApi, clientId, last, customerKey).status() == 200);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Resp clientCredentials(TestClient api, String clientId, String secret, String key) {
        return api.send("POST", "/oauth/token", "grant_type=client_credentials&customer_key=" + key,
                "Content-Type", "application/x-www-form-urlencoded",
                "Authorization", "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes()));
    }
}
