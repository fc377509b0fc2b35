package io.gatehouse.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.http.Route;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.Ports;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §7 v2: /openapi.json is valid OpenAPI 3.1, lists every served route, and /portal/docs shows it. */
class OpenApiTest {
    @TempDir
    static Path dir;
    private static TestServer server;
    private static Socket refusing;

    @BeforeAll
    static void start() throws IOException {
        refusing = Ports.refusing(); // held: no other process can start answering there meanwhile
        int closed = refusing.getLocalPort();
        Files.writeString(dir.resolve("ai.yaml"), """
                openapi: 3.1.0
                info: {title: AI, version: '1'}
                paths:
                  /complete:
                    post:
                      summary: "Complete a prompt <script>alert(1)</script>"
                      requestBody:
                        content:
                          application/json:
                            schema: {$ref: '#/components/schemas/Prompt'}
                      responses:
                        '200': {description: the completion}
                components:
                  schemas:
                    Prompt: {type: object, properties: {text: {type: string}}}
                """);
        Files.writeString(dir.resolve("routes.yaml"), """
                routes:
                  - path: /v1.0/ai/**
                    methods: [POST]
                    upstream: http://127.0.0.1:9
                    permission: ai.use
                    openapi: ai.yaml
                  - path: /v1.0/weather/**
                    upstream: http://127.0.0.1:9
                    permission: weather.read
                    openapi: http://127.0.0.1:%d/openapi.json
                  - path: /v1.0/plain
                    methods: [GET]
                    upstream: http://127.0.0.1:9
                """.formatted(closed));
        server = TestServer.start(Backend.H2, Map.of("GATEHOUSE_ROUTES", dir.resolve("routes.yaml").toString()));
    }

    @AfterAll
    static void stop() {
        server.close();
        try {
            refusing.close();
        } catch (IOException ignored) {
            // the test is over
        }
    }

    private static Resp document() {
        Resp r = server.api.get("/openapi.json", "Origin", "https://elsewhere.example");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r;
    }

    @Test
    void the_document_is_valid_openapi_3_1_and_open_to_any_origin_without_a_credential() {
        Resp r = document();
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIParser().readContents(r.body(), null, options);
        assertThat(parsed.getMessages()).as("validator messages").isEmpty();
        assertThat(parsed.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
        assertThat(parsed.getOpenAPI().getPaths()).containsKey("/v1.0/leads");
    }

    @Test
    void every_route_the_router_serves_is_described_and_nothing_else() {
        JsonNode paths = document().json().get("paths");
        int seen = 0;
        for (Route route : server.server.publicRoutes()) {
            if (Descriptions.isPage(route)) {
                continue;
            }
            JsonNode op = paths.path(route.template()).get(route.method().toLowerCase(Locale.ROOT));
            assertThat(op).as(route.method() + " " + route.template() + " is in the document").isNotNull();
            assertThat(op.has("x-gatehouse-undocumented")).as(route.method() + " " + route.template()
                    + " has a description in Descriptions").isFalse();
            assertThat(op.has("x-gatehouse-permission")).isTrue();
            seen++;
        }
        assertThat(seen).isGreaterThan(30);
        paths.properties().forEach(p -> {
            if (!p.getKey().startsWith("/v1.0/ai/") && !p.getKey().startsWith("/v1.0/weather/") && !p.getKey().equals("/v1.0/plain")) {
                assertThat(server.server.publicRoutes().stream().anyMatch(r -> r.template().equals(p.getKey())))
                        .as(p.getKey() + " is served").isTrue();
            }
        });
    }

    @Test
    void permissions_and_both_security_schemes_come_from_the_running_node() {
        JsonNode doc = document().json();
        JsonNode list = doc.at("/paths/~1v1.0~1leads/get");
        assertThat(list.get("x-gatehouse-permission").asText()).isEqualTo("leads.read");
        assertThat(list.get("security").toString()).contains("\"token\":[]").contains("\"oauth2\":[\"leads.read\"]");
        assertThat(list.at("/responses/200/headers").has("X-RateLimit-Remaining")).isTrue();
        assertThat(list.at("/responses/429/$ref").asText()).isEqualTo("#/components/responses/TooManyRequests");
        assertThat(doc.at("/paths/~1v1.0~1me/get/x-gatehouse-permission").asText()).isEqualTo("user.read");
        assertThat(doc.at("/paths/~1oauth~1token/post/security").toString()).isEqualTo("[{}]");
        JsonNode schemes = doc.at("/components/securitySchemes");
        assertThat(schemes.at("/token/type").asText()).isEqualTo("apiKey");
        assertThat(schemes.at("/token/in").asText()).isEqualTo("header");
        assertThat(schemes.at("/token/name").asText()).isEqualTo("Authorization");
        String issuer = server.server.issuer();
        assertThat(schemes.at("/oauth2/flows/authorizationCode/authorizationUrl").asText()).isEqualTo(issuer + "/oauth/authorize");
        assertThat(schemes.at("/oauth2/flows/authorizationCode/tokenUrl").asText()).isEqualTo(issuer + "/oauth/token");
        assertThat(schemes.at("/oauth2/flows/authorizationCode/scopes").has("leads.read")).isTrue();
        assertThat(schemes.at("/oauth2/flows/authorizationCode/scopes").has("ai.use")).isTrue();
        assertThat(doc.at("/components/schemas/Error/required").toString()).contains("code", "error", "message");
        assertThat(doc.at("/components/schemas/Error/properties/code/enum").toString()).contains("200401", "200429", "20012");
    }

    @Test
    void proxied_routes_merge_a_local_document_and_fall_back_to_a_bare_path_with_a_warning() {
        JsonNode doc = document().json();
        JsonNode complete = doc.at("/paths/~1v1.0~1ai~1complete/post");
        assertThat(complete.get("x-gatehouse-permission").asText()).isEqualTo("ai.use");
        assertThat(complete.at("/requestBody/content/application~1json/schema/$ref").asText())
                .startsWith("#/components/schemas/u").endsWith("_Prompt");
        assertThat(complete.at("/responses/401/$ref").asText()).isEqualTo("#/components/responses/BadCredentials");
        JsonNode weather = doc.at("/paths/~1v1.0~1weather~1{rest}");
        assertThat(weather.has("get")).isTrue();
        assertThat(weather.at("/get/x-gatehouse-permission").asText()).isEqualTo("weather.read");
        assertThat(doc.get("x-gatehouse-warnings").toString()).contains("/v1.0/weather/**");
        assertThat(doc.at("/paths/~1v1.0~1plain/get/x-gatehouse-permission").isNull()).isTrue();
        // a second call answers from the cache of failures, still a 200
        assertThat(document().json().get("x-gatehouse-warnings").size()).isEqualTo(1);
    }

    @Test
    void the_reference_page_groups_by_permission_escapes_upstream_text_and_never_shows_a_key() {
        Browser anon = new Browser(server.api.base);
        Browser.Page page = anon.open("/portal/docs");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Permission leads.read").contains("Permission ai.use").contains("No credential")
                .contains("GET /v1.0/leads").contains("$GATEHOUSE_KEY").contains("Log in")
                .contains("20012").contains(server.server.issuer() + "/v1.0/leads");
        assertThat(page.body()).doesNotContain("<script>alert(1)").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(page.body().indexOf("Permission leads.read")).isLessThan(page.body().indexOf("GET /v1.0/leads/{leadId}"));

        Fixtures.Account a = Fixtures.account(server);
        String key = Fixtures.apiKey(server.admin, a.id());
        Browser b = new Browser(server.api.base);
        b.submit(b.open("/portal/login"), "/portal/login", Map.of("email", a.email(), "password", "correct horse battery"));
        Browser.Page mine = b.open("/portal/docs");
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.body()).contains("test key").contains("$GATEHOUSE_KEY").contains("href=\"/portal/docs\"")
                .doesNotContain(key);
    }

    @Test
    void the_security_log_shows_only_the_readers_own_events_and_the_admin_page_only_to_admins() {
        Fixtures.Account a = Fixtures.account(server);
        Fixtures.Account other = Fixtures.account(server);
        Fixtures.apiKey(server.admin, other.id());
        Browser b = new Browser(server.api.base);
        b.submit(b.open("/portal/login"), "/portal/login", Map.of("email", a.email(), "password", "correct horse battery"));
        Browser.Page log = b.open("/portal/security");
        assertThat(log.status()).isEqualTo(200);
        assertThat(log.body()).contains("login.succeeded").contains("account.created").contains("127.0.0.1")
                .doesNotContain("key.created");
        assertThat(b.open("/portal/security?cursor=abc").status()).isEqualTo(400);
        assertThat(b.open("/portal/admin/audit").status()).as("not an admin").isEqualTo(403);

        Resp admin = server.admin.post("/admin/v1/accounts", Map.of("email", Fixtures.uniqueEmail(), "password",
                "correct horse battery", "role", "admin"));
        assertThat(admin.status()).isEqualTo(201);
        Browser ab = new Browser(server.api.base);
        ab.submit(ab.open("/portal/login"), "/portal/login", Map.of("email", admin.json().get("email").asText(),
                "password", "correct horse battery"));
        Browser.Page audit = ab.open("/portal/admin/audit?type=key.created&account=" + other.id());
        assertThat(audit.status()).isEqualTo(200);
        assertThat(audit.body()).contains("<code>key.created</code>").doesNotContain("<code>login.succeeded</code>");
        assertThat(ab.open("/portal/admin/audit?since=yesterday").status()).isEqualTo(400);
    }

    @Test
    void the_security_log_pages_with_a_cursor_newest_first() {
        Fixtures.Account a = Fixtures.account(server);
        for (int i = 0; i < 30; i++) {
            long id = server.admin.post("/admin/v1/accounts/" + a.id() + "/api-keys", Map.of("name", "key " + i))
                    .json().get("id").asLong();
            assertThat(server.admin.delete("/admin/v1/api-keys/" + id).status()).isLessThan(300);
        }
        Browser b = new Browser(server.api.base);
        b.submit(b.open("/portal/login"), "/portal/login", Map.of("email", a.email(), "password", "correct horse battery"));
        Browser.Page first = b.open("/portal/security");
        assertThat(first.body()).contains("login.succeeded").doesNotContain("account.created").contains("rel=\"next\"");
        java.util.regex.Matcher next = java.util.regex.Pattern.compile("href=\"(/portal/security\\?cursor=\\d+)\" rel=\"next\"")
                .matcher(first.body());
        assertThat(next.find()).isTrue();
        Browser.Page second = b.open(next.group(1));
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body()).contains("account.created").doesNotContain("login.succeeded").doesNotContain("rel=\"next\"");
    }

    @Test
    void the_discovery_documents_point_at_the_reference_page() {
        String docs = server.api.get("/.well-known/openid-configuration").json().get("service_documentation").asText();
        assertThat(docs).isEqualTo(server.server.issuer() + "/portal/docs");
        assertThat(new Browser(server.api.base).open("/portal/docs").status()).isEqualTo(200);
    }
}
