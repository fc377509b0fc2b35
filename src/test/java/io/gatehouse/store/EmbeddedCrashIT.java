package io.gatehouse.store;

import static io.gatehouse.testing.TestClient.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.GatehouseProcess;
import io.gatehouse.testing.TestClient.Resp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing acknowledged is lost on the embedded database either, now that commits are flushed in groups:
 * keys created by concurrent requests and acknowledged before a kill -9 are all in the file afterwards.
 */
class EmbeddedCrashIT {
    @TempDir
    Path work;

    @Test
    void keys_acknowledged_by_concurrent_requests_before_a_kill_9_are_all_there_after_a_restart() throws Exception {
        Map<String, String> settings = Map.of("GATEHOUSE_DATA_DIR", work.resolve("data").toString());
        List<String> keys = new ArrayList<>();
        try (GatehouseProcess node = GatehouseProcess.start(work, settings, "serve")) {
            List<Fixtures.Account> accounts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                accounts.add(Fixtures.account(node.admin));
            }
            // Eight requests at a time, so commits meet in one flush.
            try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                List<Future<String>> created = new ArrayList<>();
                for (int i = 0; i < 120; i++) {
                    Fixtures.Account acct = accounts.get(i % accounts.size());
                    String name = "k" + i;
                    created.add(pool.submit(() -> {
                        Resp r = node.admin.post("/admin/v1/accounts/" + acct.id() + "/api-keys", Map.of("name", name));
                        assertThat(r.status()).as(r.toString()).isEqualTo(201);
                        return r.json().get("key").asText();
                    }));
                }
                for (Future<String> f : created) {
                    keys.add(f.get());
                }
            }
            node.process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no close
            assertThat(node.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (GatehouseProcess again = GatehouseProcess.start(work, settings, "serve")) {
            for (String key : keys) {
                assertThat(again.api.get("/v1.0/me", token(key)).status()).as("key %s…", key.substring(0, 8)).isEqualTo(200);
            }
        }
    }
}
