package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class AdminAccountsApiTest {
    @Parameter
    Backend backend;

    private TestClient admin() {
        return TestServer.shared(backend).admin;
    }

    private static String email() {
        return "u" + UUID.randomUUID().toString().substring(0, 8) + "@Example.com";
    }

    @Test
    void creating_an_account_returns_201_with_the_account_and_no_password_material() {
        String email = email();
        Resp r = admin().post("/admin/v1/accounts", Map.of("email", email, "password", "correct horse",
                "firstName", "Ann", "lastName", "Lee", "role", "admin"));
        assertThat(r.status()).isEqualTo(201);
        JsonNode a = r.json();
        assertThat(a.get("id").asLong()).isPositive().isLessThan(1L << 53);
        assertThat(a.get("email").asText()).isEqualTo(email);
        assertThat(a.get("firstName").asText()).isEqualTo("Ann");
        assertThat(a.get("lastName").asText()).isEqualTo("Lee");
        assertThat(a.get("role").asText()).isEqualTo("admin");
        assertThat(a.get("createTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(r.body()).doesNotContain("correct horse").doesNotContainIgnoringCase("password").doesNotContain("argon");
        assertThat(r.header("Location")).isEqualTo("/admin/v1/accounts/" + a.get("id").asLong());
    }

    @Test
    void the_same_email_in_other_letter_case_is_409() {
        String email = email();
        assertThat(admin().post("/admin/v1/accounts", Map.of("email", email, "password", "correct horse")).status())
                .isEqualTo(201);
        Resp again = admin().post("/admin/v1/accounts", Map.of("email", email.toUpperCase(), "password", "other pass"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asInt()).isEqualTo(20009);
        assertThat(again.json().get("error").asText()).isEqualTo("CONFLICT");
    }

    @Test
    void an_account_is_read_by_id_and_found_by_email() {
        String email = email();
        long id = admin().post("/admin/v1/accounts", Map.of("email", email, "password", "correct horse"))
                .json().get("id").asLong();
        Resp byId = admin().get("/admin/v1/accounts/" + id);
        assertThat(byId.status()).isEqualTo(200);
        assertThat(byId.json().get("email").asText()).isEqualTo(email);
        assertThat(byId.json().get("role").asText()).isEqualTo("user");

        Resp byEmail = admin().get("/admin/v1/accounts?email=" + email.toLowerCase());
        assertThat(byEmail.json().get("accounts")).hasSize(1);
        assertThat(byEmail.json().get("accounts").get(0).get("id").asLong()).isEqualTo(id);
        assertThat(admin().get("/admin/v1/accounts?email=nobody-" + email).json().get("accounts")).isEmpty();
    }

    @Test
    void an_unknown_account_is_404() {
        Resp r = admin().get("/admin/v1/accounts/123");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("code").asInt()).isEqualTo(20007);
        assertThat(admin().get("/admin/v1/accounts/not-a-number").status()).isEqualTo(404);
    }

    @Test
    void bad_input_is_400_naming_the_field_and_creates_nothing() {
        assertInvalid(Map.of("password", "correct horse"), "email");
        assertInvalid(Map.of("email", email()), "password");
        assertInvalid(Map.of("email", "not-an-email", "password", "correct horse"), "email");
        assertInvalid(Map.of("email", email(), "password", "short"), "password");
        assertInvalid(Map.of("email", 42, "password", "correct horse"), "email");
        assertInvalid(Map.of("email", email(), "password", "correct horse", "role", "root"), "role");
        assertInvalid(Map.of("email", email(), "password", "correct horse", "firstName", "x".repeat(101)), "firstName");
        String email = email();
        assertInvalid(Map.of("email", email, "password", "short"), "password");
        assertThat(admin().get("/admin/v1/accounts?email=" + email).json().get("accounts")).isEmpty();
    }

    @Test
    void malformed_json_and_non_objects_are_400() {
        for (String body : new String[] {"{bad", "[]", "\"x\"", ""}) {
            Resp r = admin().send("POST", "/admin/v1/accounts", body, "Content-Type", "application/json");
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.json().get("code").asInt()).isEqualTo(20012);
        }
    }

    private void assertInvalid(Map<String, Object> body, String field) {
        Resp r = admin().post("/admin/v1/accounts", body);
        assertThat(r.status()).as(body.toString()).isEqualTo(400);
        assertThat(r.json().get("code").asInt()).isEqualTo(20012);
        assertThat(r.json().get("error").asText()).isEqualTo("INVALID_PARAMETER");
        assertThat(r.json().get("message").asText()).contains(field);
    }

    @Test
    void the_list_of_accounts_carries_the_total_beyond_its_page() {
        TestClient admin = admin();
        admin.post("/admin/v1/accounts", Map.of("email", email(), "password", "correct horse battery"));
        admin.post("/admin/v1/accounts", Map.of("email", email(), "password", "correct horse battery"));
        Resp page = admin.get("/admin/v1/accounts?limit=1");
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.json().get("accounts").size()).isEqualTo(1);
        assertThat(page.json().get("total").asLong()).isGreaterThanOrEqualTo(2);
    }
}
