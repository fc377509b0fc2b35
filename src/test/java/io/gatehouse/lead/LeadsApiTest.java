package io.gatehouse.lead;

import static io.gatehouse.testing.TestClient.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** SPEC §7: the built-in leads API over real HTTP, on both databases. */
@ParameterizedClass
@EnumSource(Backend.class)
class LeadsApiTest {
    @Parameter
    Backend backend;

    private TestClient api;
    private String[] auth;

    @BeforeEach
    void account() {
        TestServer s = TestServer.shared(backend);
        api = s.api;
        auth = token(Fixtures.apiKey(s.admin, Fixtures.account(s).id()));
    }

    private long create(Map<String, Object> lead) {
        Resp r = api.post("/v1.0/leads", lead, auth);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("leadId").asLong();
    }

    @Test
    void a_created_lead_reads_back_with_every_field() {
        long id = create(Map.of("firstName", "Ann", "lastName", "Lee", "email", "ann@example.com", "phone", "+1 555 0100",
                "stage", "New", "source", "Zillow", "tags", List.of("vip", "2026"), "unknown", "ignored"));
        assertThat(id).isPositive().isLessThan(1L << 53);
        Resp r = api.get("/v1.0/leads/" + id, auth);
        assertThat(r.status()).isEqualTo(200);
        JsonNode lead = r.json().get("lead");
        assertThat(lead.get("leadId").asLong()).isEqualTo(id);
        assertThat(lead.get("firstName").asText()).isEqualTo("Ann");
        assertThat(lead.get("lastName").asText()).isEqualTo("Lee");
        assertThat(lead.get("email").asText()).isEqualTo("ann@example.com");
        assertThat(lead.get("phone").asText()).isEqualTo("+1 555 0100");
        assertThat(lead.get("stage").asText()).isEqualTo("New");
        assertThat(lead.get("source").asText()).isEqualTo("Zillow");
        assertThat(lead.get("tags")).hasSize(2);
        assertThat(lead.get("createTime").asText()).endsWith("Z");
        assertThat(lead.get("updateTime").asText()).endsWith("Z");
        assertThat(lead.has("accountId")).isFalse();
    }

    @Test
    void twenty_five_leads_page_by_ten_with_the_right_totals_and_slices() {
        for (int i = 0; i < 25; i++) {
            create(Map.of("firstName", "L" + i));
        }
        Set<Long> seen = new HashSet<>();
        List<Integer> sizes = new ArrayList<>();
        for (int offset = 0; offset < 30; offset += 10) {
            JsonNode page = api.get("/v1.0/leads?limit=10&offset=" + offset, auth).json();
            JsonNode meta = page.get("get_metadata");
            assertThat(meta.get("collection").asText()).isEqualTo("leads");
            assertThat(meta.get("total").asInt()).isEqualTo(25);
            assertThat(meta.get("limit").asInt()).isEqualTo(10);
            assertThat(meta.get("offset").asInt()).isEqualTo(offset);
            sizes.add(page.get("leads").size());
            page.get("leads").forEach(l -> seen.add(l.get("leadId").asLong()));
        }
        assertThat(sizes).containsExactly(10, 10, 5);
        assertThat(seen).hasSize(25);
        assertThat(api.get("/v1.0/leads", auth).json().get("leads")).hasSize(10);
    }

    @Test
    void a_limit_outside_one_to_one_hundred_is_400_20042() {
        for (String limit : List.of("0", "101", "-1", "abc")) {
            Resp r = api.get("/v1.0/leads?limit=" + limit, auth);
            assertThat(r.status()).as(limit).isEqualTo(400);
            assertThat(r.json().get("code").asInt()).isEqualTo(20042);
            assertThat(r.json().get("error").asText()).isEqualTo("LIMIT_NOT_VALID");
        }
        assertThat(api.get("/v1.0/leads?limit=100", auth).status()).isEqualTo(200);
        assertThat(api.get("/v1.0/leads?offset=-3", auth).status()).isEqualTo(400);
    }

    @Test
    void filters_and_free_text_search_narrow_the_list() {
        create(Map.of("firstName", "Zed", "lastName", "Quist", "email", "zed@Example.com", "stage", "Hot", "source", "Web"));
        create(Map.of("firstName", "Amy", "stage", "Cold", "source", "Web"));
        create(Map.of("firstName", "Bo_b", "stage", "Hot", "source", "Ads"));
        assertThat(total("?stage=Hot")).isEqualTo(2);
        assertThat(total("?source=Web")).isEqualTo(2);
        assertThat(total("?stage=Hot&source=Web")).isEqualTo(1);
        assertThat(total("?email=ZED@example.com")).isEqualTo(1);
        assertThat(total("?key=quis")).isEqualTo(1);
        assertThat(total("?key=o_b")).isEqualTo(1);
        assertThat(total("?key=%25")).isZero();
    }

    private int total(String query) {
        return api.get("/v1.0/leads" + query, auth).json().get("get_metadata").get("total").asInt();
    }

    @Test
    void another_accounts_lead_is_404_20006() {
        long id = create(Map.of("firstName", "Mine"));
        TestServer s = TestServer.shared(backend);
        String[] other = token(Fixtures.apiKey(s.admin, Fixtures.account(s).id()));
        for (Resp r : List.of(api.get("/v1.0/leads/" + id, other),
                api.put("/v1.0/leads/" + id, Map.of("firstName", "Theirs"), other),
                api.delete("/v1.0/leads/" + id + "?reason=spam", other))) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().get("code").asInt()).isEqualTo(20006);
            assertThat(r.json().get("error").asText()).isEqualTo("LEAD_NOT_EXIST");
        }
        assertThat(api.get("/v1.0/leads/" + id, auth).json().get("lead").get("firstName").asText()).isEqualTo("Mine");
        assertThat(api.get("/v1.0/leads/12345", auth).status()).isEqualTo(404);
        assertThat(api.get("/v1.0/leads/abc", auth).json().get("code").asInt()).isEqualTo(20006);
    }

    @Test
    void update_changes_only_the_fields_sent() {
        long id = create(Map.of("firstName", "Ann", "lastName", "Lee", "stage", "New"));
        Resp r = api.put("/v1.0/leads/" + id, Map.of("stage", "Won", "tags", List.of("closed")), auth);
        assertThat(r.status()).isEqualTo(200);
        JsonNode lead = api.get("/v1.0/leads/" + id, auth).json().get("lead");
        assertThat(lead.get("stage").asText()).isEqualTo("Won");
        assertThat(lead.get("firstName").asText()).isEqualTo("Ann");
        assertThat(lead.get("lastName").asText()).isEqualTo("Lee");
        assertThat(lead.get("tags").get(0).asText()).isEqualTo("closed");
        assertThat(api.put("/v1.0/leads/" + id, Map.of("email", "nope"), auth).status()).isEqualTo(400);
        assertThat(api.put("/v1.0/leads/" + id, Map.of("firstName", ""), auth).status()).isEqualTo(400);
    }

    @Test
    void delete_needs_a_reason_and_moves_the_lead_out_of_list_and_get() {
        long id = create(Map.of("firstName", "Gone"));
        Resp noReason = api.delete("/v1.0/leads/" + id, auth);
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.json().get("code").asInt()).isEqualTo(20012);
        assertThat(noReason.json().get("message").asText()).contains("reason");
        assertThat(api.get("/v1.0/leads/" + id, auth).status()).isEqualTo(200);

        assertThat(api.delete("/v1.0/leads/" + id + "?reason=duplicate", auth).status()).isEqualTo(200);
        assertThat(api.get("/v1.0/leads/" + id, auth).status()).isEqualTo(404);
        assertThat(total("")).isZero();
        assertThat(api.delete("/v1.0/leads/" + id + "?reason=again", auth).status()).isEqualTo(404);
    }

    @Test
    void bad_leads_are_400_naming_the_field_and_create_nothing() {
        Map<String, Map<String, Object>> cases = Map.of(
                "firstName", Map.of("lastName", "NoFirst"),
                "email", Map.of("firstName", "A", "email", "not-an-email"),
                "phone", Map.of("firstName", "A", "phone", "9".repeat(41)),
                "tags", Map.of("firstName", "A", "tags", "not-a-list"),
                "lastName", Map.of("firstName", "A", "lastName", 12));
        cases.forEach((field, body) -> {
            Resp r = api.post("/v1.0/leads", body, auth);
            assertThat(r.status()).as(field).isEqualTo(400);
            assertThat(r.json().get("code").asInt()).isEqualTo(20012);
            assertThat(r.json().get("message").asText()).contains(field);
        });
        assertThat(total("")).isZero();
    }

    @Test
    void a_put_with_null_clears_a_field_and_a_missing_last_name_is_stored_as_null() {
        long id = create(Map.of("firstName", "Cy", "phone", "+1 555 0199", "stage", "New"));
        JsonNode created = api.get("/v1.0/leads/" + id, auth).json().get("lead");
        assertThat(created.get("lastName").isNull()).as(created.toString()).isTrue();

        java.util.Map<String, Object> clear = new java.util.HashMap<>();
        clear.put("phone", null);
        Resp r = api.put("/v1.0/leads/" + id, clear, auth);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode lead = api.get("/v1.0/leads/" + id, auth).json().get("lead");
        assertThat(lead.get("phone").isNull()).as(lead.toString()).isTrue();
        assertThat(lead.get("stage").asText()).as("a field the PUT does not name keeps its value").isEqualTo("New");

        java.util.Map<String, Object> noFirst = new java.util.HashMap<>();
        noFirst.put("firstName", null);
        Resp refused = api.put("/v1.0/leads/" + id, noFirst, auth);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("message").asText()).contains("firstName");
    }
}
