package io.gatehouse.proxy;

import static io.gatehouse.testing.TestClient.bearer;
import static io.gatehouse.testing.TestClient.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.core.Json;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.Ports;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §7: a routes file puts a real upstream behind Gatehouse's credentials, permissions and limits. */
class ProxyTest {
    private static final long BIG = 10L * 1024 * 1024;
    private static HttpServer upstream;
    private static Path routes;
    /** Bound and not listening: connections are refused, and no other process can take the port meanwhile. */
    private static Socket refusing;
    /** Listening and never answering: a request to it can only end by the route's timeout. */
    private static ServerSocket silent;
    private static TestServer server;
    private static TestClient api;

    @BeforeAll
    static void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/v1.0/ai/echo", ProxyTest::echo);
        upstream.createContext("/v1.0/ai/big", ProxyTest::big);
        upstream.createContext("/v1.0/later", ProxyTest::echo);
        upstream.createContext("/v1.0/extra", ProxyTest::echo);
        upstream.start();
        refusing = Ports.refusing();
        silent = Ports.silent();
        routes = Files.createTempFile("routes", ".yaml");
        writeRoutes("");
        server = TestServer.start(Backend.H2, Map.of("GATEHOUSE_ROUTES", routes.toString()));
        api = server.api;
    }

    @AfterAll
    static void stop() {
        server.close();
        upstream.stop(0);
        closeQuietly(refusing);
        closeQuietly(silent);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // the test is over
        }
    }

    private static void writeRoutes(String extra) throws IOException {
        int port = upstream.getAddress().getPort();
        Files.writeString(routes, """
                routes:
                  - path: /v1.0/ai/**
                    methods: [GET, POST]
                    upstream: http://127.0.0.1:%d
                    permission: ai.use
                    limit_per_minute: 20
                  - path: /v1.0/down/**
                    upstream: http://127.0.0.1:%d
                  - path: /v1.0/silent/**
                    upstream: http://127.0.0.1:%d
                    timeout_seconds: 1
                %s""".formatted(port, refusing.getLocalPort(), silent.getLocalPort(), extra));
    }

    private static void echo(HttpExchange ex) throws IOException {
        Map<String, Object> seen = new LinkedHashMap<>();
        Map<String, String> headers = new LinkedHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        seen.put("headers", headers);
        seen.put("method", ex.getRequestMethod());
        seen.put("uri", ex.getRequestURI().toString());
        seen.put("body", new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        byte[] out = Json.bytes(seen);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.getResponseHeaders().add("X-Upstream", "yes");
        ex.sendResponseHeaders(201, out.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
        }
    }

    private static void big(HttpExchange ex) throws IOException {
        ex.sendResponseHeaders(200, 0);
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream o = ex.getResponseBody()) {
            for (long sent = 0; sent < BIG; sent += chunk.length) {
                o.write(chunk);
            }
        }
    }

    private record App(String clientId, String secret, String key) {
    }

    private static App app(List<String> permissions) {
        Fixtures.Account dev = Fixtures.account(server);
        Resp r = server.admin.post("/admin/v1/apps", Map.of("owner_id", dev.id(), "name", "AI client",
                "redirect_uris", List.of("https://a.example.com/cb"), "type", "confidential", "permissions", permissions));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return new App(r.json().get("client_id").asText(), r.json().get("client_secret").asText(),
                Fixtures.apiKey(server.admin, dev.id()));
    }

    private static String accessToken(App a) {
        return api.send("POST", "/oauth/token", "grant_type=client_credentials&customer_key=" + a.key,
                "Content-Type", "application/x-www-form-urlencoded",
                "Authorization", "Basic " + Base64.getEncoder().encodeToString((a.clientId + ":" + a.secret).getBytes()))
                .json().get("access_token").asText();
    }

    @Test
    void the_upstream_sees_gatehouse_headers_and_never_the_credential() {
        App a = app(List.of("ai.use"));
        String at = accessToken(a);
        Resp r = api.send("POST", "/v1.0/ai/echo?x=1", "{\"prompt\":\"hi\"}", "Authorization", "Bearer " + at,
                "Content-Type", "application/json", "Gatehouse-Account-Id", "1", "TE", "trailers",
                "Proxy-Authorization", "Basic c2VjcmV0", "X-Custom", "kept");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("X-Upstream")).isEqualTo("yes");
        assertThat(r.header("X-RateLimit-Limit")).isEqualTo("20");
        assertThat(r.header("X-Request-Id")).isNotBlank();
        JsonNode seen = r.json();
        JsonNode h = seen.get("headers");
        assertThat(h.has("authorization")).isFalse();
        assertThat(h.get("gatehouse-account-id").asText()).isNotEqualTo("1");
        assertThat(h.get("gatehouse-client-id").asText()).isEqualTo(a.clientId);
        assertThat(h.get("gatehouse-scope").asText()).isEqualTo("ai.use");
        assertThat(h.has("te")).isFalse();
        assertThat(h.has("proxy-authorization")).isFalse();
        assertThat(h.get("x-custom").asText()).isEqualTo("kept");
        assertThat(h.get("x-request-id").asText()).isEqualTo(r.header("X-Request-Id"));
        assertThat(seen.get("uri").asText()).isEqualTo("/v1.0/ai/echo?x=1");
        assertThat(seen.get("body").asText()).isEqualTo("{\"prompt\":\"hi\"}");
    }

    @Test
    void an_api_key_passes_with_its_account_and_no_client_id() {
        App a = app(List.of());
        Resp r = api.get("/v1.0/ai/echo", token(a.key));
        assertThat(r.status()).isEqualTo(201);
        JsonNode h = r.json().get("headers");
        assertThat(h.has("gatehouse-client-id")).isFalse();
        assertThat(h.get("gatehouse-scope").asText()).isEqualTo("THIRD_PARTY_OPERATION");
        assertThat(h.get("gatehouse-account-id").asText()).matches("\\d+");
    }

    @Test
    void a_token_without_the_routes_permission_is_403() {
        String at = accessToken(app(List.of("user.read")));
        Resp r = api.get("/v1.0/ai/echo", bearer(at));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("code").asInt()).isEqualTo(200100);
        assertThat(api.get("/v1.0/ai/echo").status()).isEqualTo(401);
    }

    @Test
    void a_method_the_route_does_not_allow_is_405() {
        App a = app(List.of("ai.use"));
        Resp r = api.delete("/v1.0/ai/echo", token(a.key));
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET, POST");
    }

    @Test
    void a_ten_megabyte_response_streams_through() throws Exception {
        App a = app(List.of("ai.use"));
        HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.base + "/v1.0/ai/big"))
                .header("Authorization", "token " + a.key).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        long total = 0;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
            }
        }
        assertThat(total).isEqualTo(BIG);
    }

    @Test
    void an_unreachable_upstream_is_502_and_a_slow_one_504() {
        App a = app(List.of("ai.use"));
        Resp down = api.get("/v1.0/down/anything", token(a.key));
        assertThat(down.status()).isEqualTo(502);
        assertThat(down.json().get("code").asInt()).isEqualTo(20502);
        // SPEC §11: every 5xx is logged at ERROR with its request id and the failure behind it.
        assertThat(io.gatehouse.testing.LogCapture.errors()).contains("request " + down.header("X-Request-Id"))
                .contains("ConnectException");
        Resp slow = api.get("/v1.0/silent/anything", token(a.key));
        assertThat(slow.status()).isEqualTo(504);
        assertThat(slow.json().get("code").asInt()).isEqualTo(20504);
    }

    @Test
    void a_route_limit_refuses_the_21st_while_the_app_bucket_still_has_room_and_is_not_charged() {
        App a = app(List.of("ai.use", "user.read"));
        String at = accessToken(a);
        for (int i = 0; i < 20; i++) {
            Resp r = api.get("/v1.0/ai/echo", bearer(at));
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.header("RateLimit-Policy")).isEqualTo("\"app\";q=100;w=60, \"route\";q=20;w=60");
        }
        Resp limited = api.get("/v1.0/ai/echo", bearer(at));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("X-RateLimit-Limit")).isEqualTo("20");
        assertThat(limited.header("X-RateLimit-Remaining")).isEqualTo("0");
        // 20 admitted requests used the app bucket; the refused one did not.
        assertThat(api.get("/v1.0/me", bearer(at)).header("X-RateLimit-Remaining")).isEqualTo("79");
    }

    @Test
    void requests_in_flight_while_the_file_reloads_are_never_dropped() throws Exception {
        App a = app(List.of());
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ConcurrentLinkedQueue<Integer> statuses = new java.util.concurrent.ConcurrentLinkedQueue<>();
        List<Thread> clients = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    statuses.add(api.get("/v1.0/ai/echo", token(a.key)).status());
                }
            }));
        }
        for (int i = 0; i < 5; i++) {
            writeRoutes("  - path: /v1.0/extra" + i + "/**\n    upstream: http://127.0.0.1:" + upstream.getAddress().getPort() + "\n");
            Files.setLastModifiedTime(routes, FileTime.from(Instant.now().plusSeconds(10 + i)));
            int n = i;
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/v1.0/extra" + n + "/echo", token(a.key)).status() != 404);
        }
        stop.set(true);
        for (Thread t : clients) {
            t.join();
        }
        // The route keeps its 20/min limit, so 429s are expected; a dropped request would be a 404, a 5xx or an exception.
        assertThat(statuses).contains(201).allSatisfy(s -> assertThat(s).isIn(201, 429));
    }

    @Test
    void the_routes_file_reloads_when_it_changes() throws Exception {
        App a = app(List.of());
        assertThat(api.get("/v1.0/later/x", token(a.key)).status()).isEqualTo(404);
        writeRoutes("""
                  - path: /v1.0/later/**
                    upstream: http://127.0.0.1:%d
                """.formatted(upstream.getAddress().getPort()));
        Files.setLastModifiedTime(routes, FileTime.from(Instant.now().plusSeconds(5)));
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/v1.0/later/x", token(a.key)).status() == 201);
        assertThat(api.get("/v1.0/ai/echo", token(a.key)).status()).isEqualTo(201);
    }
}
