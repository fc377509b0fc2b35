package io.gatehouse.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 6749 §3.1 and §3.2: a parameter sent twice is invalid_request, never "the first one wins". */
class RepeatedParametersTest {
    private static final String REDIRECT = "https://rep.example.com/cb";
    private final TestServer s = TestServer.shared(Backend.H2);

    private Resp token(String body) {
        return s.api.send("POST", "/oauth/token", body, "Content-Type", "application/x-www-form-urlencoded");
    }

    private Map.Entry<String, String> app() {
        Fixtures.Account dev = Fixtures.account(s);
        Resp r = s.admin.post("/admin/v1/apps", Map.of("owner_id", dev.id(), "name", "Repeats",
                "redirect_uris", List.of(REDIRECT), "type", "confidential", "permissions", List.of("user.read")));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return Map.entry(r.json().get("client_id").asText(), r.json().get("client_secret").asText());
    }

    @Test
    void a_repeated_token_request_parameter_is_invalid_request() {
        var app = app();
        String creds = "client_id=" + app.getKey() + "&client_secret=" + URLEncoder.encode(app.getValue(), StandardCharsets.UTF_8);
        Resp grantTwice = token("grant_type=client_credentials&grant_type=authorization_code&" + creds);
        assertThat(grantTwice.status()).as(grantTwice.toString()).isEqualTo(400);
        assertThat(grantTwice.json().get("error").asText()).isEqualTo("invalid_request");
        assertThat(grantTwice.json().get("error_description").asText()).contains("grant_type");
        Resp clientTwice = token("grant_type=client_credentials&" + creds + "&client_id=other");
        assertThat(clientTwice.status()).as(clientTwice.toString()).isEqualTo(400);
        assertThat(clientTwice.json().get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void a_repeated_authorize_parameter_is_refused() {
        var app = app();
        String base = "/oauth/authorize?response_type=code&redirect_uri=" + URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8);
        Resp clientTwice = s.api.get(base + "&client_id=" + app.getKey() + "&client_id=evil");
        assertThat(clientTwice.status()).isEqualTo(400);
        assertThat(clientTwice.header("Location")).isNull();
        // a reviewed app: errors go back to it (a development app's only for its developer and test users)
        assertThat(s.admin.post("/admin/v1/apps/" + app.getKey() + "/approve", Map.of()).status()).isEqualTo(200);
        Resp stateTwice = s.api.get(base + "&client_id=" + app.getKey() + "&state=a&state=b");
        assertThat(stateTwice.status()).isEqualTo(302);
        assertThat(stateTwice.header("Location")).startsWith(REDIRECT).contains("error=invalid_request");
    }
}
