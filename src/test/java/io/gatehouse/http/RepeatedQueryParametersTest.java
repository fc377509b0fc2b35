package io.gatehouse.http;

import static io.gatehouse.testing.TestClient.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.Json;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A query parameter a built-in route reads (admin API, portal, built-in API) sent twice is 400/20012
 * naming it, and the request changes nothing: which of two values counts would otherwise be a guess
 * (the OAuth endpoints refuse the same with {@code invalid_request}, RFC 6749 §3.1). Real server, JDK HttpClient.
 */
class RepeatedQueryParametersTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.shared(Backend.H2);
    }

    private static void refusedNaming(String name, int status, String body) throws IOException {
        assertThat(status).as(body).isEqualTo(400);
        JsonNode json = Json.MAPPER.readTree(body);
        assertThat(json.get("code").asInt()).isEqualTo(20012);
        assertThat(json.get("error").asText()).isEqualTo("INVALID_PARAMETER");
        assertThat(json.get("message").asText()).contains(name).contains("repeated");
    }

    private static void refusedNaming(String name, Resp r) throws IOException {
        refusedNaming(name, r.status(), r.body());
    }

    @Test
    void the_admin_api_refuses_a_repeated_cursor_limit_or_email() throws IOException {
        Fixtures.Account a = Fixtures.account(server);
        refusedNaming("cursor", server.admin.get("/admin/v1/audit?cursor=5&cursor=6"));
        refusedNaming("limit", server.admin.get("/admin/v1/audit?limit=1&limit=2"));
        refusedNaming("limit", server.admin.get("/admin/v1/accounts?limit=1&limit=2"));
        refusedNaming("email", server.admin.get("/admin/v1/accounts?email=" + a.email() + "&email=other@example.com"));
        refusedNaming("limit", server.admin.get("/admin/v1/accounts?limit=1&li%6Dit=2")); // the same name, encoded
        refusedNaming("limit", server.admin.get("/admin/v1/accounts?limit=1&limit")); // a second one without a value

        assertThat(server.admin.get("/admin/v1/accounts?limit=1").status()).isEqualTo(200);
        assertThat(server.admin.get("/admin/v1/accounts?email=" + a.email()).json().get("total").asInt()).isEqualTo(1);
        assertThat(server.admin.get("/admin/v1/audit?limit=1&cursor=9").status()).isEqualTo(200);
    }

    @Test
    void the_built_in_api_refuses_a_repeated_parameter_and_deletes_nothing() throws IOException {
        String[] auth = token(Fixtures.apiKey(server.admin, Fixtures.account(server).id()));
        long id = server.api.post("/v1.0/leads", Map.of("firstName", "Ann", "lastName", "Lee"), auth).json().get("leadId").asLong();
        refusedNaming("limit", server.api.get("/v1.0/leads?limit=1&limit=2", auth));
        refusedNaming("reason", server.api.delete("/v1.0/leads/" + id + "?reason=dup&reason=spam", auth));
        assertThat(server.api.get("/v1.0/leads/" + id, auth).status()).as("the lead is still there").isEqualTo(200);
    }

    @Test
    void portal_pages_refuse_a_repeated_parameter_and_a_repeated_next_logs_no_one_in() throws IOException {
        Fixtures.Account a = Fixtures.account(server);
        Browser b = new Browser(server.api.base);
        Browser.Page login = b.open("/portal/login");
        assertThat(login.status()).isEqualTo(200);
        Browser.Page twice = b.request("POST", "/portal/login?next=/portal/keys&next=/portal/apps",
                Map.of("email", a.email(), "password", "correct horse battery"));
        refusedNaming("next", twice.status(), twice.body());
        assertThat(b.cookie("gatehouse_session")).as("no session was made").isNull();

        Browser.Page in = b.request("POST", "/portal/login", Map.of("email", a.email(), "password", "correct horse battery"));
        assertThat(in.status()).isEqualTo(303);
        Browser.Page security = b.request("GET", "/portal/security?cursor=5&cursor=6", null);
        refusedNaming("cursor", security.status(), security.body());
        Browser.Page reset = b.request("GET", "/portal/reset?token=a&token=b", null);
        refusedNaming("token", reset.status(), reset.body());
        assertThat(b.request("GET", "/portal/security?cursor=5", null).status()).isEqualTo(200);
    }
}
