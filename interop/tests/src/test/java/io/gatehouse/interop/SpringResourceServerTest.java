package io.gatehouse.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Spring resource server configured with the issuer URL (plus the documented at+jwt bean) accepts a Gatehouse
 * token and refuses a forged one. The app (interop/spring-resource-server) runs as its own process from its
 * executable jar, configured only by the environment variable its application.yml reads.
 */
class SpringResourceServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Gatehouse gatehouse;

    @BeforeAll
    static void start() throws Exception {
        gatehouse = Gatehouse.shared();
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

        Path jar = Path.of(System.getProperty("resource-server.jar", "../spring-resource-server/target/spring-resource-server-0.0.0.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build interop/spring-resource-server first (mvn -f interop/pom.xml verify)");
        }
        int port = Gatehouse.freePort();
        Path log = Path.of("target/resource-server.log").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(Gatehouse.java(), Gatehouse.QUICK_START, "-jar", jar.toString(), "--server.port=" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("GATEHOUSE_ISSUER", gatehouse.issuer);
        Process rs = pb.start();
        try {
            URI whoami = URI.create("http://127.0.0.1:" + port + "/whoami");
            Gatehouse.awaitAnswer(whoami, 401, rs, log);
            HttpResponse<String> ok = HTTP.send(HttpRequest.newBuilder(whoami).header("Authorization", "Bearer " + accessToken)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).as(ok.body() + ok.headers().map()).isEqualTo(200);
            assertThat(Gatehouse.field(ok.body(), "account")).isEqualTo(owner);
            assertThat(Gatehouse.field(ok.body(), "scope")).isEqualTo("user.read");

            String forged = accessToken.substring(0, accessToken.lastIndexOf('.') + 1) + "AAAA";
            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(whoami).header("Authorization", "Bearer " + forged)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).contains("invalid_token"));
        } finally {
            rs.destroy();
            if (!rs.waitFor(20, TimeUnit.SECONDS)) {
                rs.destroyForcibly();
            }
        }
    }
}
