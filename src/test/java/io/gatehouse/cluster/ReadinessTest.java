package io.gatehouse.cluster;

import static io.gatehouse.testing.TestClient.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.Ports;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SPEC §9 v2: a node that can serve stays ready (200, {@code degraded}) when a shared dependency is down,
 * so a load balancer never removes the whole cluster at once; 503 only when the node refuses traffic.
 */
class ReadinessTest {

    private static Resp ready(Cluster c) {
        return c.node(0).admin.get("/readyz");
    }

    @Test
    void a_node_limiting_locally_stays_ready_and_says_degraded_while_redis_is_down() {
        try (Cluster c = new Cluster(1, Map.of())) {
            assertThat(ready(c).json().get("status").asText()).isEqualTo("ready");
            c.redisProxy.cut();
            Resp r = ready(c);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("status").asText()).isEqualTo("degraded");
            assertThat(r.json().get("checks").get("redis").asText()).isEqualTo("down");
            assertThat(r.json().get("checks").get("database").asText()).isEqualTo("up");
            // And it does serve.
            String key = Fixtures.apiKey(c.node(0).admin, Fixtures.account(c.node(0).admin).id());
            assertThat(c.node(0).api.get("/v1.0/me", token(key)).status()).isEqualTo(200);
            c.redisProxy.restore();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> "ready".equals(ready(c).json().get("status").asText()));
        }
    }

    @Test
    void a_node_admitting_uncounted_stays_ready_and_says_degraded_while_redis_is_down() {
        try (Cluster c = new Cluster(1, Map.of("GATEHOUSE_RATE_LIMIT_ON_REDIS_FAILURE", "allow"))) {
            c.redisProxy.cut();
            Resp r = ready(c);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("status").asText()).isEqualTo("degraded");
            assertThat(r.json().get("checks").get("redis").asText()).isEqualTo("down");
        }
    }

    @Test
    void a_node_that_denies_without_redis_is_not_ready_while_redis_is_down_and_ready_again_after() {
        try (Cluster c = new Cluster(1, Map.of("GATEHOUSE_RATE_LIMIT_ON_REDIS_FAILURE", "deny"))) {
            assertThat(ready(c).status()).isEqualTo(200);
            c.redisProxy.cut();
            Resp r = ready(c);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json().get("status").asText()).isEqualTo("not ready");
            assertThat(r.json().get("reason").asText()).contains("redis");
            assertThat(r.json().get("checks").get("redis").asText()).isEqualTo("down");
            c.redisProxy.restore();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> ready(c).status() == 200);
        }
    }

    @Test
    void a_draining_node_is_not_ready_while_its_last_requests_finish() throws Exception {
        // An upstream that accepts and never answers keeps one request in flight for as long as the test wants.
        // Threads of their own: the common pool may have a single thread on a small machine.
        try (ServerSocket silent = Ports.silent();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return silent.accept();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, threads);
            Path routes = Files.createTempFile("routes", ".yaml");
            Files.writeString(routes, """
                    routes:
                      - path: /v1.0/held/**
                        upstream: http://127.0.0.1:%d
                        timeout_seconds: 120
                    """.formatted(silent.getLocalPort()));
            TestServer node = TestServer.start(Backend.H2, Map.of("GATEHOUSE_ROUTES", routes.toString()));
            try {
                String key = Fixtures.apiKey(node.admin, Fixtures.account(node).id());
                CompletableFuture<Resp> held = CompletableFuture.supplyAsync(() -> node.api.get("/v1.0/held/x", token(key)),
                        threads);
                Socket upstreamSide = accepted.get(30, TimeUnit.SECONDS);
                assertThat(node.admin.get("/readyz").status()).isEqualTo(200);

                CompletableFuture<Void> drain = CompletableFuture.runAsync(
                        () -> node.server.stopGracefully(Duration.ofSeconds(120)), threads);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> node.admin.get("/readyz").status() == 503);
                Resp r = node.admin.get("/readyz");
                assertThat(r.json().get("status").asText()).isEqualTo("not ready");
                assertThat(r.json().get("reason").asText()).isEqualTo("draining");
                assertThat(held).isNotDone();

                upstreamSide.close(); // the upstream goes away: the held request ends (502) and the drain completes
                assertThat(held.get(30, TimeUnit.SECONDS).status()).isEqualTo(502);
                drain.get(30, TimeUnit.SECONDS);
            } finally {
                node.close();
                Files.deleteIfExists(routes);
            }
        }
    }
}
