package io.gatehouse.cluster;

import static io.gatehouse.testing.TestClient.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.GatehouseProcess;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestDatabases;
import io.gatehouse.testing.TestRedis;
import io.gatehouse.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing acknowledged is lost: kill -9 a node right after it acknowledged writes; another node has them all. */
class ClusterCrashIT {
    @TempDir
    Path work;

    @Test
    void keys_acknowledged_before_a_kill_9_all_exist_and_work_on_the_other_node() throws Exception {
        String pg = TestDatabases.create();
        String prefix = TestRedis.newPrefix();
        Map<String, String> settings = Map.of("GATEHOUSE_DB_URL", pg, "GATEHOUSE_REDIS_URL", TestRedis.url(),
                "GATEHOUSE_REDIS_PREFIX", prefix, "GATEHOUSE_MASTER_KEY", "crash-test-master-key-0123456789abcdef");
        try {
            List<String> keys = new ArrayList<>();
            try (GatehouseProcess nodeA = GatehouseProcess.start(work, settings, "serve")) {
                Fixtures.Account acct = null;
                for (int i = 0; i < 100; i++) {
                    if (i % 10 == 0) {
                        acct = Fixtures.account(nodeA.admin); // ten accounts with ten keys each (10 active per account)
                    }
                    Resp r = nodeA.admin.post("/admin/v1/accounts/" + acct.id() + "/api-keys", Map.of("name", "k" + i));
                    assertThat(r.status()).isEqualTo(201);
                    keys.add(r.json().get("key").asText());
                }
                nodeA.process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
                assertThat(nodeA.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
            try (TestServer nodeB = TestServer.node(settings)) {
                for (String key : keys) {
                    assertThat(nodeB.api.get("/v1.0/me", token(key)).status()).isEqualTo(200);
                }
            }
        } finally {
            TestRedis.clean(prefix);
            TestDatabases.drop(pg);
        }
    }
}
