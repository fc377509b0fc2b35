package io.gatehouse.cluster;

import static io.gatehouse.testing.TestClient.bearer;
import static io.gatehouse.testing.TestClient.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SPEC §1, §4, §6 across nodes: two Gatehouse nodes on one PostgreSQL and one Redis. */
class ClusterTest {
    private Cluster cluster;
    private TestClient a;
    private TestClient b;

    @BeforeEach
    void start() {
        cluster = new Cluster(2, Map.of());
        a = cluster.node(0).api;
        b = cluster.node(1).api;
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private record App(String clientId, String secret, String key) {
    }

    private App app(int limit) {
        TestClient admin = cluster.node(0).admin;
        Fixtures.Account dev = Fixtures.account(admin);
        Resp r = admin.post("/admin/v1/apps", Map.of("owner_id", dev.id(), "name", "Clustered",
                "redirect_uris", List.of("https://a.example.com/cb"), "type", "confidential",
                "permissions", List.of("user.read")));
        String clientId = r.json().get("client_id").asText();
        if (limit != 100) {
            admin.patch("/admin/v1/apps/" + clientId, Map.of("rate_limit_per_minute", limit));
        }
        return new App(clientId, r.json().get("client_secret").asText(), Fixtures.apiKey(admin, dev.id()));
    }

    private String accessToken(TestClient node, App app) {
        Resp r = node.send("POST", "/oauth/token", "grant_type=client_credentials&customer_key=" + app.key,
                "Content-Type", "application/x-www-form-urlencoded",
                "Authorization", "Basic " + Base64.getEncoder().encodeToString((app.clientId + ":" + app.secret).getBytes()));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("access_token").asText();
    }

    /** Sends n requests, alternating nodes, from 10 threads; returns every response. */
    private List<Resp> spread(String token, int n) throws Exception {
        List<Resp> out = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TestClient node = i % 2 == 0 ? a : b;
            fs.add(pool.submit(() -> out.add(node.get("/v1.0/me", bearer(token)))));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        return out;
    }

    @Test
    void three_hundred_requests_across_two_nodes_admit_exactly_the_limit_and_the_headers_agree() throws Exception {
        App app = app(100);
        String token = accessToken(a, app);
        List<Resp> all = spread(token, 300);
        List<Resp> ok = all.stream().filter(r -> r.status() == 200).toList();
        assertThat(ok).hasSize(100);
        assertThat(all.stream().filter(r -> r.status() == 429)).hasSize(200);
        // One shared window: each remaining count was handed out exactly once, whichever node answered.
        Set<String> remaining = ConcurrentHashMap.newKeySet();
        ok.forEach(r -> remaining.add(r.header("X-RateLimit-Remaining")));
        assertThat(remaining).hasSize(100).contains("0", "99");
        Set<String> resets = ConcurrentHashMap.newKeySet();
        all.forEach(r -> resets.add(r.header("X-RateLimit-Reset")));
        assertThat(resets).hasSize(1);
    }

    @Test
    void a_key_revoked_through_one_node_is_refused_by_the_other_through_the_message_alone() {
        TestClient adminA = cluster.node(0).admin;
        List<Resp> keys = new ArrayList<>();
        Fixtures.Account acct = null;
        for (int i = 0; i < 100; i++) {
            if (i % 10 == 0) {
                acct = Fixtures.account(adminA); // an account may hold 10 active keys
            }
            Resp created = adminA.post("/admin/v1/accounts/" + acct.id() + "/api-keys", Map.of("name", "k" + i));
            assertThat(b.get("/v1.0/me", token(created.json().get("key").asText())).status()).isEqualTo(200); // cached on node B
            keys.add(created);
        }
        // For the first ten, node B cannot read the revocation log (its catch-up path): only the pub/sub message can
        // tell it. Not for all: a node without its database retries it on some requests, each waiting for the pool.
        cluster.dbLink(1).cut();
        List<Long> micros = new ArrayList<>();
        for (Resp created : keys) {
            if (micros.size() == 10) {
                cluster.dbLink(1).restore();
            }
            String key = created.json().get("key").asText();
            assertThat(b.get("/v1.0/me", token(key)).status()).as("still cached on node B").isEqualTo(200);
            assertThat(adminA.delete("/admin/v1/api-keys/" + created.json().get("id").asLong()).status()).isEqualTo(200);
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                    .until(() -> b.get("/v1.0/me", token(key)).status() == 401);
            micros.add((System.nanoTime() - start) / 1000);
        }
        // A figure to read, not to assert: speed belongs in benchmarks, and this machine may be loaded.
        Collections.sort(micros);
        System.out.printf("revocation seen by the other node: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                micros.get(49) / 1000.0, micros.get(98) / 1000.0, micros.get(99) / 1000.0);
    }

    @Test
    void without_redis_each_node_keeps_limiting_and_shared_limiting_resumes_when_it_is_back() throws Exception {
        App app = app(10);
        String token = accessToken(a, app);
        cluster.redisProxy.cut();
        List<Resp> during = spread(token, 60);
        assertThat(during).allSatisfy(r -> assertThat(r.status()).isIn(200, 429));
        // Each node limits on its own: up to nodes × limit.
        assertThat(during.stream().filter(r -> r.status() == 200)).hasSize(20);
        Resp ready = cluster.node(0).admin.get("/readyz");
        assertThat(ready.status()).as("a node that limits locally stays in the load balancer").isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("degraded");
        assertThat(ready.json().get("checks").get("redis").asText()).isEqualTo("down");

        cluster.redisProxy.restore();
        // Under 512 a minute, so no node leases spare requests and the two nodes' headers count one by one.
        App probe = app(500);
        String probeToken = accessToken(a, probe);
        // Back on Redis when both nodes count in one window again (each retries Redis within a second).
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
            int ra = Integer.parseInt(a.get("/v1.0/me", bearer(probeToken)).header("X-RateLimit-Remaining"));
            int rb = Integer.parseInt(b.get("/v1.0/me", bearer(probeToken)).header("X-RateLimit-Remaining"));
            return rb == ra - 1;
        });
        App fresh = app(10);
        List<Resp> after = spread(accessToken(b, fresh), 40);
        assertThat(after.stream().filter(r -> r.status() == 200)).hasSize(10);
    }

    @Test
    void when_postgresql_restarts_cached_credentials_keep_working_and_nodes_recover_by_themselves() {
        TestClient adminA = cluster.node(0).admin;
        Fixtures.Account acct = Fixtures.account(adminA);
        String used = Fixtures.apiKey(adminA, acct.id());
        String unused = Fixtures.apiKey(adminA, acct.id());
        assertThat(a.get("/v1.0/me", token(used)).status()).isEqualTo(200);

        cluster.pgProxy.cut();
        assertThat(a.get("/v1.0/me", token(used)).status()).isEqualTo(200);
        Resp needsDb = a.post("/v1.0/leads", Map.of("firstName", "x"), token(used));
        assertThat(needsDb.status()).isEqualTo(503);
        assertThat(needsDb.json().get("code").asInt()).isEqualTo(20503);
        // SPEC §9 v2: the node still serves from its caches, so it stays ready and says what is down.
        Resp ready = cluster.node(0).admin.get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("degraded");
        assertThat(ready.json().get("checks").get("database").asText()).isEqualTo("down");

        cluster.pgProxy.restore();
        await().atMost(Duration.ofSeconds(30)).until(() -> "ready".equals(
                cluster.node(0).admin.get("/readyz").json().get("status").asText()));
        await().atMost(Duration.ofSeconds(30)).until(() -> "ready".equals(
                cluster.node(1).admin.get("/readyz").json().get("status").asText()));
        assertThat(b.get("/v1.0/me", token(unused)).status()).isEqualTo(200);
        assertThat(a.post("/v1.0/leads", Map.of("firstName", "x"), token(used)).status()).isEqualTo(201);
    }

    @Test
    void a_revocation_whose_message_was_lost_still_reaches_every_node_from_the_database() {
        TestClient adminA = cluster.node(0).admin;
        Fixtures.Account acct = Fixtures.account(adminA);
        Resp created = adminA.post("/admin/v1/accounts/" + acct.id() + "/api-keys", Map.of("name", "k"));
        String key = created.json().get("key").asText();
        assertThat(b.get("/v1.0/me", token(key)).status()).isEqualTo(200);
        cluster.redisProxy.cut(); // the pub/sub message cannot get through
        adminA.delete("/admin/v1/api-keys/" + created.json().get("id").asLong());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> b.get("/v1.0/me", token(key)).status() == 401);
        cluster.redisProxy.restore();
    }

    @Test
    void an_admins_limit_change_on_one_node_applies_on_the_other_at_once() {
        App app = app(100);
        String token = accessToken(a, app);
        assertThat(b.get("/v1.0/me", bearer(token)).header("X-RateLimit-Limit")).isEqualTo("100");
        cluster.node(0).admin.patch("/admin/v1/apps/" + app.clientId, Map.of("rate_limit_per_minute", 7));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> "7".equals(b.get("/v1.0/me", bearer(token)).header("X-RateLimit-Limit")));
    }

    @Test
    void deleting_an_app_or_disabling_an_account_on_one_node_stops_its_tokens_and_keys_on_the_other() {
        TestClient adminA = cluster.node(0).admin;
        App doomed = app(100);
        String doomedToken = accessToken(a, doomed);
        App owned = app(100);
        String ownedToken = accessToken(a, owned);
        String ownerId = b.get("/v1.0/me", token(owned.key)).json().get("id").asText();
        // Node B has verified (and cached) every credential.
        assertThat(b.get("/v1.0/me", bearer(doomedToken)).status()).isEqualTo(200);
        assertThat(b.get("/v1.0/me", bearer(ownedToken)).status()).isEqualTo(200);
        assertThat(b.get("/v1.0/me", token(owned.key)).status()).isEqualTo(200);
        assertThat(b.get("/v1.0/me", token(doomed.key)).status()).isEqualTo(200);
        // Node B cannot read the database (nor its revocation log): only the pub/sub messages can tell it.
        cluster.dbLink(1).cut();

        assertThat(adminA.delete("/admin/v1/apps/" + doomed.clientId).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(() -> b.get("/v1.0/me", bearer(doomedToken)).status() == 401);
        assertThat(b.get("/v1.0/me", token(doomed.key)).status()).as("the owner's key is not the app's").isEqualTo(200);

        assertThat(adminA.patch("/admin/v1/accounts/" + ownerId, Map.of("disabled", true)).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(() -> b.get("/v1.0/me", token(owned.key)).status() == 401);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(() -> b.get("/v1.0/me", bearer(ownedToken)).status() == 401);
        cluster.dbLink(1).restore();
    }
}
