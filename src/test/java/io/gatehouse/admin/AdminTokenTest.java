package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AdminTokenTest {
    private static final String TOKEN = "admin-token-for-tests-0123456789";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Backend.H2, Map.of("GATEHOUSE_ADMIN_TOKEN", TOKEN));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void with_an_admin_token_set_the_admin_api_needs_it() {
        Resp none = server.admin.get("/admin/v1/accounts");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("code").asInt()).isEqualTo(200401);
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer realm=\"gatehouse\"");
        assertThat(server.admin.get("/admin/v1/accounts", "Authorization", "Bearer wrong-token").status()).isEqualTo(401);
        assertThat(server.admin.get("/admin/v1/accounts", "Authorization", "Bearer " + TOKEN).status()).isEqualTo(200);
        assertThat(server.admin.get("/admin/v1/accounts", "Authorization", "bearer " + TOKEN).status()).isEqualTo(200);
    }

    @Test
    void health_and_metrics_stay_open_for_probes() {
        assertThat(server.admin.get("/healthz").status()).isEqualTo(200);
        assertThat(server.admin.get("/readyz").status()).isEqualTo(200);
        assertThat(server.admin.get("/metrics").status()).isEqualTo(200);
    }

    @Test
    void the_token_never_appears_in_the_log() {
        server.admin.get("/admin/v1/accounts", "Authorization", "Bearer " + TOKEN);
        assertThat(io.gatehouse.testing.LogCapture.all()).doesNotContain(TOKEN);
    }

    @Test
    void a_refused_admin_token_is_an_audit_event_without_the_token() {
        server.admin.get("/admin/v1/accounts", "Authorization", "Bearer not-the-admin-token-but-close");
        Resp log = server.admin.get("/admin/v1/audit?type=admin_token.refused", "Authorization", "Bearer " + TOKEN);
        assertThat(log.status()).isEqualTo(200);
        assertThat(log.json().get("events").size()).isGreaterThanOrEqualTo(1);
        var e = log.json().get("events").get(0);
        assertThat(e.get("actor").isNull()).isTrue();
        assertThat(e.get("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(log.body()).doesNotContain("not-the-admin-token-but-close").doesNotContain(TOKEN);
    }
}
