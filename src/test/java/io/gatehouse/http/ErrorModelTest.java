package io.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §3 on both listeners, through a real port. */
class ErrorModelTest {
    private final TestServer server = TestServer.shared(Backend.H2);
    private final TestClient api = server.api;
    private final TestClient admin = server.admin;

    @Test
    void the_api_without_a_credential_is_401_with_a_bearer_challenge() {
        Resp r = api.get("/v1.0/me");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("code").asInt()).isEqualTo(200401);
        assertThat(r.json().get("error").asText()).isEqualTo("BAD_CREDENTIALS");
        assertThat(r.json().get("message").asText()).isNotBlank();
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"gatehouse\"");
    }

    @Test
    void an_unsupported_scheme_is_401_with_invalid_token() {
        Resp r = api.get("/v1.0/me", "Authorization", "Basic dXNlcjpwYXNz");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
    }

    @Test
    void an_unknown_path_is_404_on_both_listeners() {
        for (TestClient c : new TestClient[] {api, admin}) {
            Resp r = c.get("/nope");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().get("code").asInt()).isEqualTo(20007);
            assertThat(r.json().get("error").asText()).isEqualTo("RESOURCE_NOT_EXIST");
        }
    }

    @Test
    void a_wrong_method_is_405_with_allow() {
        Resp r = api.send("PATCH", "/v1.0/me", "{}");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.json().get("code").asInt()).isEqualTo(20008);
        assertThat(r.header("Allow")).isEqualTo("GET");
    }

    @Test
    void a_body_over_one_mebibyte_is_413_whether_declared_or_streamed() throws Exception {
        byte[] big = new byte[2 << 20];
        Resp declared = admin.send("POST", "/admin/v1/accounts", big, "Content-Type", "application/json");
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.json().get("code").asInt()).isEqualTo(20013);

        // No Content-Length: the body arrives chunked and is cut off while it is read.
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(admin.base + "/admin/v1/accounts"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .header("Content-Type", "application/json").build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("\"code\":20013");
    }

    @Test
    void every_response_carries_a_request_id_echoed_when_sent() {
        assertThat(api.get("/nope").header("X-Request-Id")).matches("[0-9a-f]{32}");
        assertThat(admin.get("/healthz", "X-Request-Id", "trace-42").header("X-Request-Id")).isEqualTo("trace-42");
        // An id that could forge log lines is replaced.
        assertThat(admin.get("/healthz", "X-Request-Id", "a b").header("X-Request-Id")).matches("[0-9a-f]{32}");
    }

    @Test
    void health_readiness_and_metrics_answer_on_the_admin_port() {
        assertThat(admin.get("/healthz").json().get("status").asText()).isEqualTo("up");
        Resp ready = admin.get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("checks").get("database").asText()).isEqualTo("up");
        assertThat(ready.json().get("checks").get("disk").asText()).as("the embedded database's file reaches the disk").isEqualTo("up");
        api.get("/v1.0/me");
        Resp metrics = admin.get("/metrics");
        assertThat(metrics.header("Content-Type")).startsWith("text/plain");
        assertThat(metrics.body()).contains("http_server_requests_seconds_count{listener=\"public\",method=\"GET\","
                + "route=\"/v1.0/me\",status=\"401\"}");
        assertThat(metrics.body()).contains("route=\"unmatched\"");
    }

    @Test
    void the_admin_api_is_not_on_the_public_port() {
        assertThat(api.post("/admin/v1/accounts", Map.of("email", "x@example.com", "password", "12345678")).status())
                .isEqualTo(404);
    }
}
