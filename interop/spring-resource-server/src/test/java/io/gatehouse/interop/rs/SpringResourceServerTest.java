package io.gatehouse.interop.rs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A Spring resource server configured with the issuer URL (plus the documented at+jwt bean) accepts a Gatehouse token. */
class SpringResourceServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Gatehouse gatehouse;

    @BeforeAll
    static void start() throws Exception {
        gatehouse = Gatehouse.start();
    }

    @AfterAll
    static void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
    }

    @Test
    void a_spring_resource_server_accepts_a_gatehouse_access_token_and_refuses_anything_else() throws Exception {
        String owner = Gatehouse.field(gatehouse.adminPost("/admin/v1/accounts",
                "{\"email\":\"rs@example.com\",\"password\":\"correct horse battery\"}"), "id");
        String key = Gatehouse.field(gatehouse.adminPost("/admin/v1/accounts/" + owner + "/api-keys", "{\"name\":\"rs\"}"), "key");
        String app = gatehouse.adminPost("/admin/v1/apps", "{\"owner_id\":" + owner + ",\"name\":\"Backend\",\"type\":\"confidential\","
                + "\"redirect_uris\":[\"https://backend.example.com/cb\"],\"permissions\":[\"user.read\"]}");
        String basic = Base64.getEncoder().encodeToString((Gatehouse.field(app, "client_id") + ":" + Gatehouse.field(app, "client_secret"))
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> token = HTTP.send(HttpRequest.newBuilder(URI.create(gatehouse.issuer + "/oauth/token"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&customer_key=" + key)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        String accessToken = Gatehouse.field(token.body(), "access_token");

        try (ConfigurableApplicationContext rs = new SpringApplicationBuilder(ResourceServerApp.class)
                .properties(Map.of("server.port", "0", "GATEHOUSE_ISSUER", gatehouse.issuer)).run()) {
            String whoami = "http://localhost:" + rs.getEnvironment().getProperty("local.server.port") + "/whoami";
            HttpResponse<String> ok = HTTP.send(HttpRequest.newBuilder(URI.create(whoami)).header("Authorization", "Bearer " + accessToken)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).as(ok.body() + ok.headers().map()).isEqualTo(200);
            assertThat(Gatehouse.field(ok.body(), "account")).isEqualTo(owner);
            assertThat(Gatehouse.field(ok.body(), "scope")).isEqualTo("user.read");

            String forged = accessToken.substring(0, accessToken.lastIndexOf('.') + 1) + "AAAA";
            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(whoami)).header("Authorization", "Bearer " + forged)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
        }
    }
}
