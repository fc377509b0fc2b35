package io.gatehouse.app;

import static io.gatehouse.testing.TestClient.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Apps as developers and admins manage them (SPEC §5, §8, §9). */
@ParameterizedClass
@EnumSource(Backend.class)
class AppsApiTest {
    @Parameter
    Backend backend;

    private TestClient api;
    private TestClient admin;
    private Fixtures.Account dev;
    private String[] devKey;

    @BeforeEach
    void setUp() {
        TestServer s = TestServer.shared(backend);
        api = s.api;
        admin = s.admin;
        dev = Fixtures.account(s);
        devKey = token(Fixtures.apiKey(admin, dev.id()));
    }

    private JsonNode register(Map<String, Object> overrides) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "CRM Sync", "description", "Syncs leads",
                "redirect_uris", List.of("https://crm.example.com/cb"), "type", "confidential",
                "permissions", List.of("leads.read")));
        body.putAll(overrides);
        Resp r = api.post("/v1.0/apps", body, devKey);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    @Test
    void a_developer_registers_an_app_and_sees_its_secret_only_once() {
        JsonNode app = register(Map.of());
        String clientId = app.get("client_id").asText();
        assertThat(clientId).startsWith("gthc_");
        assertThat(app.get("client_secret").asText()).startsWith("gths_");
        assertThat(app.get("mode").asText()).isEqualTo("development");
        assertThat(app.get("rate_limit_per_minute").asInt()).isEqualTo(100);
        assertThat(app.get("review_status").asText()).isEqualTo("draft");
        assertThat(app.get("owner_id").asLong()).isEqualTo(dev.id());

        Resp read = api.get("/v1.0/apps/" + clientId, devKey);
        assertThat(read.json().has("client_secret")).isFalse();
        assertThat(api.get("/v1.0/apps", devKey).json().get("apps")).hasSize(1);
        assertThat(admin.get("/admin/v1/apps/" + clientId).json().has("client_secret")).isFalse();
        assertThat(admin.get("/admin/v1/apps/" + clientId).body()).doesNotContain(app.get("client_secret").asText());
    }

    @Test
    void an_account_has_at_most_twenty_apps_even_when_it_registers_them_all_at_once() throws Exception {
        Map<String, Object> body = Map.of("name", "Many", "redirect_uris", List.of("https://crm.example.com/cb"),
                "type", "public", "permissions", List.of("leads.read"));
        List<Integer> statuses;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(6)) {
            List<java.util.concurrent.Future<Resp>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 24; i++) {
                calls.add(pool.submit(() -> api.post("/v1.0/apps", body, devKey)));
            }
            statuses = new java.util.ArrayList<>();
            for (var call : calls) {
                Resp r = call.get();
                statuses.add(r.status());
                if (r.status() == 409) {
                    assertThat(r.json().get("code").asInt()).isEqualTo(20009);
                    assertThat(r.json().get("message").asText()).contains("at most 20 apps");
                }
            }
        }
        assertThat(statuses).containsOnly(201, 409).filteredOn(st -> st == 201).hasSize(20);
        assertThat(api.get("/v1.0/apps", devKey).json().get("apps")).hasSize(20);
        Map<String, Object> byAdmin = new HashMap<>(body);
        byAdmin.put("owner_id", dev.id());
        assertThat(admin.post("/admin/v1/apps", byAdmin).status()).isEqualTo(409);
        assertThat(api.get("/v1.0/apps", devKey).json().get("apps")).hasSize(20);
    }

    @Test
    void rotating_the_secret_retires_the_old_one() {
        JsonNode app = register(Map.of());
        String clientId = app.get("client_id").asText();
        String old = app.get("client_secret").asText();
        Resp rotated = api.post("/v1.0/apps/" + clientId + "/secret", Map.of(), devKey);
        String fresh = rotated.json().get("client_secret").asText();
        assertThat(fresh).isNotEqualTo(old).startsWith("gths_");
        String key = Fixtures.apiKey(admin, dev.id());
        assertThat(clientCredentials(clientId, old, key).status()).isEqualTo(401);
        assertThat(clientCredentials(clientId, fresh, key).status()).isEqualTo(200);
    }

    private Resp clientCredentials(String clientId, String secret, String key) {
        return api.send("POST", "/oauth/token", "grant_type=client_credentials&customer_key=" + key,
                "Content-Type", "application/x-www-form-urlencoded",
                "Authorization", "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes()));
    }

    @Test
    void another_developers_app_is_404() {
        String clientId = register(Map.of()).get("client_id").asText();
        Fixtures.Account other = Fixtures.account(admin);
        String[] otherKey = token(Fixtures.apiKey(admin, other.id()));
        assertThat(api.get("/v1.0/apps/" + clientId, otherKey).status()).isEqualTo(404);
        assertThat(api.patch("/v1.0/apps/" + clientId, Map.of("name", "x"), otherKey).status()).isEqualTo(404);
        assertThat(api.post("/v1.0/apps/" + clientId + "/secret", Map.of(), otherKey).status()).isEqualTo(404);
    }

    @Test
    void review_approve_moves_an_app_to_production_and_an_admin_may_change_its_limit() {
        String clientId = register(Map.of()).get("client_id").asText();
        JsonNode submitted = api.post("/v1.0/apps/" + clientId + "/submit", Map.of(), devKey).json();
        assertThat(submitted.get("review_status").asText()).isEqualTo("pending");
        assertThat(api.post("/v1.0/apps/" + clientId + "/submit", Map.of(), devKey).status()).isEqualTo(409);
        assertThat(admin.get("/admin/v1/apps?status=pending").body()).contains(clientId);

        JsonNode approved = admin.post("/admin/v1/apps/" + clientId + "/approve", Map.of()).json();
        assertThat(approved.get("mode").asText()).isEqualTo("production");
        assertThat(approved.get("review_status").asText()).isEqualTo("approved");
        assertThat(approved.get("rate_limit_per_minute").asInt()).isEqualTo(500);

        assertThat(admin.patch("/admin/v1/apps/" + clientId, Map.of("rate_limit_per_minute", 7)).json()
                .get("rate_limit_per_minute").asInt()).isEqualTo(7);
        Map<String, Object> reset = new HashMap<>();
        reset.put("rate_limit_per_minute", null);
        assertThat(admin.patch("/admin/v1/apps/" + clientId, reset).json().get("rate_limit_per_minute").asInt()).isEqualTo(500);
        assertThat(admin.patch("/admin/v1/apps/" + clientId, Map.of("rate_limit_per_minute", 0)).status()).isEqualTo(400);
    }

    @Test
    void a_decline_records_a_note_the_developer_sees() {
        String clientId = register(Map.of()).get("client_id").asText();
        api.post("/v1.0/apps/" + clientId + "/submit", Map.of(), devKey);
        admin.post("/admin/v1/apps/" + clientId + "/decline", Map.of("note", "Describe how you store leads."));
        JsonNode seen = api.get("/v1.0/apps/" + clientId, devKey).json();
        assertThat(seen.get("review_status").asText()).isEqualTo("declined");
        assertThat(seen.get("review_note").asText()).isEqualTo("Describe how you store leads.");
        assertThat(seen.get("mode").asText()).isEqualTo("development");
        assertThat(api.post("/v1.0/apps/" + clientId + "/submit", Map.of(), devKey).status()).isEqualTo(200);
    }

    @Test
    void in_production_added_permissions_wait_for_review_and_removals_apply_at_once() {
        String clientId = register(Map.of("permissions", List.of("leads.read", "user.read"))).get("client_id").asText();
        admin.post("/admin/v1/apps/" + clientId + "/approve", Map.of());
        JsonNode pending = api.patch("/v1.0/apps/" + clientId, Map.of("permissions", List.of("leads.read", "leads.write")),
                devKey).json();
        assertThat(pending.get("permissions")).extracting(JsonNode::asText).containsExactly("leads.read");
        assertThat(pending.get("pending_permissions")).extracting(JsonNode::asText).containsExactly("leads.read", "leads.write");
        assertThat(pending.get("review_status").asText()).isEqualTo("pending");
        assertThat(pending.get("mode").asText()).isEqualTo("production");

        JsonNode approved = admin.post("/admin/v1/apps/" + clientId + "/approve", Map.of()).json();
        assertThat(approved.get("permissions")).extracting(JsonNode::asText).containsExactly("leads.read", "leads.write");
        assertThat(approved.get("pending_permissions").isNull()).isTrue();
    }

    @Test
    void bad_registrations_are_400_naming_the_field() {
        Map<String, Map<String, Object>> cases = Map.of(
                "name", Map.of("name", ""),
                "redirect_uris", Map.of("redirect_uris", List.of("http://evil.example.com/cb")),
                "fragment", Map.of("redirect_uris", List.of("https://a.example.com/cb#x")),
                "permissions", Map.of("permissions", List.of("admin.everything")),
                "type", Map.of("type", "secretive"));
        cases.forEach((field, override) -> {
            Map<String, Object> body = new HashMap<>(Map.of("name", "A", "redirect_uris", List.of("https://a.example.com/cb"),
                    "permissions", List.of("leads.read")));
            body.putAll(override);
            Resp r = api.post("/v1.0/apps", body, devKey);
            assertThat(r.status()).as(field).isEqualTo(400);
            assertThat(r.json().get("code").asInt()).isEqualTo(20012);
        });
        Resp noRedirect = api.post("/v1.0/apps", Map.of("name", "A"), devKey);
        assertThat(noRedirect.json().get("message").asText()).contains("redirect_uris");
        assertThat(api.get("/v1.0/apps", devKey).json().get("apps")).isEmpty();
        assertThat(admin.post("/admin/v1/apps", Map.of("name", "A", "redirect_uris", List.of("https://a.example.com/cb")))
                .json().get("message").asText()).contains("owner_id");
    }

    @Test
    void a_refused_change_changes_nothing() {
        JsonNode app = register(Map.of());
        String clientId = app.get("client_id").asText();
        Resp dev = api.patch("/v1.0/apps/" + clientId, Map.of("name", "Renamed", "redirect_uris", List.of("https://new.example.com/cb"),
                "permissions", List.of("no.such.permission")), devKey);
        assertThat(dev.status()).isEqualTo(400);
        Resp adminPatch = admin.patch("/admin/v1/apps/" + clientId, Map.of("rate_limit_per_minute", 42, "name", "Renamed",
                "test_users", List.of(424242)));
        assertThat(adminPatch.status()).isEqualTo(400);
        JsonNode after = admin.get("/admin/v1/apps/" + clientId).json();
        assertThat(after.get("name").asText()).isEqualTo("CRM Sync");
        assertThat(after.get("redirect_uris").get(0).asText()).isEqualTo("https://crm.example.com/cb");
        assertThat(after.get("rate_limit_per_minute").asInt()).isEqualTo(100);
        assertThat(after.get("updated_at").asText()).isEqualTo(app.get("updated_at").asText());
    }

    @Test
    void accepted_redirect_uris_include_loopback_http_and_private_use_schemes() {
        JsonNode app = register(Map.of("type", "public", "redirect_uris",
                List.of("http://127.0.0.1/cb", "http://localhost:8765/cb", "com.example.app:/oauth")));
        assertThat(app.has("client_secret")).isFalse();
        assertThat(app.get("type").asText()).isEqualTo("public");
    }

    @Test
    void a_developer_patch_naming_an_admin_only_field_is_400_naming_it_and_changes_nothing() {
        JsonNode app = register(Map.of());
        String path = "/v1.0/apps/" + app.get("client_id").asText();
        Resp r = api.patch(path, Map.of("name", "Renamed", "rate_limit_per_minute", 100000), devKey);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("INVALID_PARAMETER");
        assertThat(r.json().get("message").asText()).contains("rate_limit_per_minute");
        assertThat(api.get(path, devKey).json().get("name").asText()).isEqualTo("CRM Sync");

        Resp typo = api.patch(path, Map.of("nmae", "x"), devKey);
        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.json().get("message").asText()).contains("nmae");
        assertThat(api.patch(path, Map.of("name", "Renamed"), devKey).status()).isEqualTo(200);
    }

    @Test
    void the_admin_list_of_apps_carries_its_total() {
        register(Map.of());
        Resp r = admin.get("/admin/v1/apps");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("total").asInt()).isEqualTo(r.json().get("apps").size()).isPositive();
    }
}
