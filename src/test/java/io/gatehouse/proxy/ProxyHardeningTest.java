package io.gatehouse.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.core.Json;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §11 v2 "One path" and "Upstream headers", tried as an attacker would: raw paths with dot
 * segments and encodings, identity headers in disguise. A real upstream records what reaches it.
 */
class ProxyHardeningTest {
    private static HttpServer upstream;
    private static final ConcurrentLinkedQueue<Seen> SEEN = new ConcurrentLinkedQueue<>();
    private static TestServer server;
    private static int port;
    private static String billingToken;
    private static String key;
    private static long accountId;
    private static final int MAX_BODY = 64 * 1024;

    /** One request as the upstream received it: method, raw path and query, headers (lower-case names). */
    record Seen(String method, String target, Map<String, List<String>> headers) {
    }

    @BeforeAll
    static void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/", ProxyHardeningTest::record);
        upstream.start();
        int up = upstream.getAddress().getPort();
        Path routes = Files.createTempFile("routes", ".yaml");
        Files.writeString(routes, """
                routes:
                  - path: /v1.0/billing/**
                    upstream: http://127.0.0.1:%d
                    permission: billing.read
                  - path: /v1.0/ai/**
                    upstream: http://127.0.0.1:%d
                    permission: ai.use
                    limit_per_minute: 20
                  - path: /v1.0/billing/admin/**
                    upstream: http://127.0.0.1:%d
                    permission: billing.admin
                  - path: /v1.0/billing/report
                    upstream: http://127.0.0.1:%d
                    permission: billing.report
                  - path: /v1.0/ro/**
                    methods: [GET]
                    upstream: http://127.0.0.1:%d
                    permission: billing.read
                """.formatted(up, up, up, up, up));
        server = TestServer.start(Backend.H2, Map.of("GATEHOUSE_ROUTES", routes.toString(),
                "GATEHOUSE_MAX_BODY_BYTES", Integer.toString(MAX_BODY)));
        port = server.server.port();
        Fixtures.Account dev = Fixtures.account(server);
        key = Fixtures.apiKey(server.admin, dev.id());
        accountId = dev.id();
        Resp app = server.admin.post("/admin/v1/apps", Map.of("owner_id", dev.id(), "name", "Billing reader",
                "redirect_uris", List.of("https://b.example.com/cb"), "type", "confidential",
                "permissions", List.of("billing.read")));
        assertThat(app.status()).as(app.toString()).isEqualTo(201);
        String basic = Base64.getEncoder().encodeToString((app.json().get("client_id").asText() + ":"
                + app.json().get("client_secret").asText()).getBytes(StandardCharsets.UTF_8));
        billingToken = server.api.send("POST", "/oauth/token", "grant_type=client_credentials&customer_key=" + key,
                "Content-Type", "application/x-www-form-urlencoded", "Authorization", "Basic " + basic)
                .json().get("access_token").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
        upstream.stop(0);
    }

    @BeforeEach
    void forget() {
        SEEN.clear();
    }

    private static void record(HttpExchange ex) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), List.copyOf(v)));
        String q = ex.getRequestURI().getRawQuery();
        SEEN.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getRawPath() + (q == null ? "" : "?" + q), headers));
        ex.getRequestBody().readAllBytes();
        byte[] out = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, "HEAD".equals(ex.getRequestMethod()) ? -1 : out.length);
        try (OutputStream o = ex.getResponseBody()) {
            if (!"HEAD".equals(ex.getRequestMethod())) {
                o.write(out);
            }
        }
    }

    private static RawHttp.Resp billing(String method, String target, String... headers) {
        List<String> h = new ArrayList<>(List.of("Authorization", "Bearer " + billingToken));
        h.addAll(List.of(headers));
        return RawHttp.send(port, method, target, method.equals("POST") ? new byte[0] : null, h.toArray(String[]::new));
    }

    private static void assertBadPath(RawHttp.Resp r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().path("code").asInt()).as(r.toString()).isEqualTo(20012);
        assertThat(r.json().path("error").asText()).as(r.toString()).isEqualTo("INVALID_PARAMETER");
        assertThat(SEEN).as("nothing reaches the upstream").isEmpty();
    }

    // ---- One path ----

    @Test
    void a_dot_segment_cannot_walk_from_a_permitted_route_into_another() {
        RawHttp.Resp r = billing("POST", "/v1.0/billing/../ai/generate");
        assertThat(r.status()).as(r.toString()).isEqualTo(403);
        assertThat(r.json().get("code").asInt()).isEqualTo(200100);
        assertThat(SEEN).isEmpty();
        RawHttp.Resp encoded = billing("POST", "/v1.0/billing/%2e%2E/ai/generate");
        assertThat(encoded.status()).as(encoded.toString()).isEqualTo(403);
        RawHttp.Resp doubled = billing("POST", "/v1.0//billing/.//..//ai/generate");
        assertThat(doubled.status()).as(doubled.toString()).isEqualTo(403);
        assertThat(SEEN).isEmpty();
    }

    @Test
    void a_path_that_climbs_above_the_root_is_400_and_never_reaches_the_upstream() {
        assertBadPath(billing("GET", "/v1.0/billing/%2e%2e/%2e%2e/%2e%2e/internal/admin"));
        assertBadPath(billing("GET", "/v1.0/billing/../../../internal/admin"));
    }

    @Test
    void encoded_slashes_backslashes_control_characters_and_bad_escapes_are_400() {
        assertBadPath(billing("GET", "/v1.0/billing/..%2fai/generate"));
        assertBadPath(billing("GET", "/v1.0/billing/a%2Fb"));
        assertBadPath(billing("GET", "/v1.0/billing/..%5cai"));
        assertBadPath(billing("GET", "/v1.0/billing/%00"));
        assertBadPath(billing("GET", "/v1.0/billing/%0d%0aX-Injected:%20yes"));
        assertBadPath(billing("GET", "/v1.0/billing/%7f"));
        assertBadPath(billing("GET", "/v1.0/billing/%zz"));
        assertBadPath(billing("GET", "/v1.0/billing/%4"));
        assertBadPath(billing("GET", "/v1.0/billing/..;/ai/generate"));
        assertBadPath(billing("GET", "/v1.0/billing/.;x/a"));
    }

    @Test
    void a_path_parameter_cannot_hide_a_segment_from_the_route_that_guards_it() {
        // Tomcat, Spring and Jetty drop ";..." from every segment before they match a path, so to them
        // /v1.0/billing/admin;x/refund is /v1.0/billing/admin/refund, which needs billing.admin.
        assertThat(billing("POST", "/v1.0/billing/admin/refund").status()).isEqualTo(403);
        assertBadPath(billing("POST", "/v1.0/billing/admin;x/refund"));
        assertBadPath(billing("POST", "/v1.0/billing/admin;/refund"));
        assertBadPath(billing("POST", "/v1.0/billing/x/..;/admin/refund"));
        // A parameter that takes the path to the same route either way is forwarded as it is.
        RawHttp.Resp r = billing("GET", "/v1.0/billing/invoice;v=2/lines;page=1");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(SEEN.peek().target()).isEqualTo("/v1.0/billing/invoice;v=2/lines;page=1");
    }

    @Test
    void a_raw_backslash_is_400() {
        RawHttp.Resp r = billing("GET", "/v1.0/billing/..\\ai");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(SEEN).isEmpty();
    }

    @Test
    void the_upstream_receives_the_one_normalized_path_under_the_route_prefix() {
        RawHttp.Resp r = billing("GET", "/v1.0/billing/./x/%7e/../%61b%2Dc/caf%c3%a9/?q=a%2Fb&r=1");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(SEEN).hasSize(1);
        assertThat(SEEN.peek().target()).isEqualTo("/v1.0/billing/x/ab-c/caf%C3%A9/?q=a%2Fb&r=1");
    }

    @Test
    void a_dot_dot_that_stays_under_the_prefix_is_resolved_before_routing() {
        RawHttp.Resp r = billing("GET", "/v1.0/billing/a/../b");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(SEEN.peek().target()).isEqualTo("/v1.0/billing/b");
    }

    @Test
    void built_in_routes_use_the_same_path() {
        RawHttp.Resp me = RawHttp.send(port, "GET", "/v1.0/leads/../%6De", null, "Authorization", "token " + key);
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json().has("email")).isTrue();
    }


    @Test
    void an_exact_route_takes_its_path_with_a_trailing_slash_too() {
        // Most servers serve /report/ as /report: it must meet /report's permission, not the broader route's.
        for (String path : List.of("/v1.0/billing/report", "/v1.0/billing/report/", "/v1.0/billing/x/../report/",
                "/v1.0/billing/report/.")) {
            RawHttp.Resp r = billing("GET", path);
            assertThat(r.status()).as(path + " " + r).isEqualTo(403);
            assertThat(r.json().get("code").asInt()).isEqualTo(200100);
        }
        assertThat(billing("GET", "/v1.0/billing/reports").status()).isEqualTo(200);
        assertThat(SEEN).hasSize(1);
    }

    @Test
    void a_path_that_a_lenient_server_reads_as_a_stricter_route_is_400() {
        // Express and IIS ignore letter case, IIS drops trailing dots and spaces, Tomcat drops ";..." (also
        // when escaped): to them each of these is /v1.0/billing/admin/refund, which needs billing.admin.
        for (String path : List.of("/v1.0/billing/ADMIN/refund", "/v1.0/billing/Admin/refund", "/v1.0/billing/admin./refund",
                "/v1.0/billing/admin%2e/refund", "/v1.0/billing/admin%20/refund", "/v1.0/billing/admin%3Bx/refund",
                "/v1.0/billing/admin%3bx/refund", "/v1.0/billing/admin.%20./refund", "/v1.0/billing/REPORT",
                "/v1.0/billing/report.")) {
            assertBadPath(billing("POST", path));
        }
        // A server that decodes twice would read %252e%252e as ".." (also spelled %25%32%65, also behind a ';').
        assertBadPath(billing("GET", "/v1.0/billing/%252e%252e/admin/refund"));
        assertBadPath(billing("GET", "/v1.0/billing/a%252fb"));
        assertBadPath(billing("GET", "/v1.0/billing/x;%25%32%66..%25%32%66admin/refund"));
        // A dot segment that a lenient server would see: behind %3B, before %20, or dots only.
        for (String path : List.of("/v1.0/billing/x/..%3B/admin/refund", "/v1.0/billing/x/..%3Bfoo/admin/refund",
                "/v1.0/billing/x/..%20/admin/refund", "/v1.0/billing/x/..%2e/admin/refund", "/v1.0/billing/x/.../admin/refund",
                "/v1.0/billing/x/..%20./admin/refund")) {
            assertBadPath(billing("GET", path));
        }
        // Rails, Spring MVC <= 5.2 and DRF serve /report.json as /report: the exact route's permission applies.
        assertBadPath(billing("GET", "/v1.0/billing/report.json"));
        assertBadPath(billing("GET", "/v1.0/billing/admin.json"));
        RawHttp.Resp file = billing("GET", "/v1.0/billing/invoices/INV-9.pdf");
        assertThat(file.status()).as(file.toString()).isEqualTo(200);
        // Upper case, dots and escapes that lead to the same route either way are forwarded as they are.
        SEEN.clear();
        RawHttp.Resp r = billing("GET", "/v1.0/billing/Invoices/INV-9./caf%C3%A9%20");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(SEEN.peek().target()).isEqualTo("/v1.0/billing/Invoices/INV-9./caf%C3%A9%20");
        assertThat(billing("GET", "/v1.0/billing/100%25").status()).isEqualTo(200);
    }

    @Test
    void a_method_a_route_cannot_allow_is_405_and_never_reaches_the_upstream() {
        for (String method : List.of("TRACE", "CONNECT", "PROPFIND", "M" + "X".repeat(200))) {
            RawHttp.Resp r = billing(method, "/v1.0/billing/x");
            assertThat(r.status()).as(method + " " + r).isEqualTo(405);
            assertThat(r.headers().get("allow")).isEqualTo("DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
        }
        assertThat(SEEN).isEmpty();
    }

    @Test
    void a_method_override_header_must_name_a_method_the_route_allows() {
        for (String header : List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override", "X-Original-Method")) {
            RawHttp.Resp r = billing("GET", "/v1.0/ro/items/1", header, "delete");
            assertThat(r.status()).as(header + " " + r).isEqualTo(405);
            assertThat(r.headers().get("allow")).isEqualTo("GET");
        }
        assertThat(SEEN).isEmpty();
        RawHttp.Resp same = billing("GET", "/v1.0/ro/items/1", "X-HTTP-Method-Override", "GET");
        assertThat(same.status()).as(same.toString()).isEqualTo(200);
        assertThat(SEEN.peek().headers().get("x-http-method-override")).containsExactly("GET");
    }

    @Test
    void headers_that_rewrite_the_url_or_pose_as_the_client_address_are_dropped() {
        RawHttp.Resp r = billing("GET", "/v1.0/billing/x", "X-Original-URL", "/v1.0/billing/admin/refund",
                "X-Rewrite-URL", "/v1.0/billing/admin/refund", "X-Original-URI", "/v1.0/billing/admin/refund",
                "X-Envoy-Original-Path", "/v1.0/billing/admin/refund", "X-Original-Host", "evil.example", "X_Host", "evil.example",
                "True-Client-IP", "6.6.6.6", "CF-Connecting-IP", "6.6.6.6", "CF-Connecting-IPv6", "::6",
                "Fastly-Client-IP", "6.6.6.6", "X-Client-IP", "6.6.6.6", "Client-IP", "6.6.6.6", "X-Cluster-Client-IP", "6.6.6.6",
                "X-Originating-IP", "6.6.6.6", "X-Remote-Addr", "6.6.6.6", "X-Forwarded", "for=6.6.6.6", "Forwarded-For", "6.6.6.6");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(SEEN.peek().headers()).doesNotContainKeys("x-original-url", "x-rewrite-url", "x-original-uri",
                "x-envoy-original-path", "x-original-host", "x_host", "x-host", "true-client-ip", "cf-connecting-ip",
                "cf-connecting-ipv6", "fastly-client-ip", "x-client-ip", "client-ip", "x-cluster-client-ip", "x-originating-ip",
                "x-remote-addr", "x-forwarded", "forwarded-for");
        assertThat(SEEN.peek().target()).isEqualTo("/v1.0/billing/x");
    }

    @Test
    void a_chunked_body_over_the_limit_is_413_and_the_connection_closes() throws IOException {
        byte[] chunk = new byte[8192];
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes(("POST /v1.0/billing/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + billingToken
                + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        for (int sent = 0; sent <= MAX_BODY; sent += chunk.length) {
            req.writeBytes("2000\r\n".getBytes(StandardCharsets.ISO_8859_1));
            req.writeBytes(chunk);
            req.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        req.writeBytes("0\r\n\r\nGET /v1.0/billing/after HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                .getBytes(StandardCharsets.ISO_8859_1));
        req.writeBytes((billingToken + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(req.toByteArray());
            RawHttp.Resp r = RawHttp.read(s.getInputStream(), true);
            assertThat(r.status()).as(r.toString()).isEqualTo(413);
            assertThat(r.json().get("error").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
            assertThat(r.headers().get("connection")).isEqualTo("close");
            assertThat(s.getInputStream().read()).as("nothing after the 413: the connection closed").isEqualTo(-1);
        }
        // The upstream got the head (it streams) and a connection closed mid-body: wait for it to record that, so no
        // later test sees it.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (SEEN.stream().noneMatch(x -> x.target().endsWith("/upload")) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(SEEN).as("the request after the body was never read as one").noneMatch(x -> x.target().endsWith("/after"));
    }

    // ---- Upstream headers ----

    @Test
    void identity_headers_in_disguise_never_reach_the_upstream_and_gatehouse_sets_its_own() {
        RawHttp.Resp r = billing("GET", "/v1.0/billing/who",
                "Gatehouse_Account_Id", "1", "GATEHOUSE-SCOPE", "admin", "gatehouse_client_id", "evil",
                "X-Gatehouse-Account-Id", "1",
                "Forwarded", "for=6.6.6.6;host=evil.example", "X-Forwarded-For", "6.6.6.6", "X_Forwarded_Host", "evil.example",
                "X-Forwarded-Proto", "https", "X-Forwarded-Port", "1", "X-Real-IP", "6.6.6.6", "X_Real_Ip", "6.6.6.6",
                "X-Custom", "kept", "Accept", "application/json");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        Map<String, List<String>> h = SEEN.peek().headers();
        assertThat(h.get("gatehouse-account-id")).containsExactly(Long.toString(accountId));
        assertThat(h.get("gatehouse-scope")).containsExactly("billing.read");
        assertThat(h.get("gatehouse-client-id")).hasSize(1).doesNotContain("evil");
        assertThat(h).doesNotContainKeys("x-gatehouse-account-id", "x-forwarded-port", "x_forwarded_host", "x_real_ip",
                "gatehouse_account_id", "gatehouse_client_id", "authorization", "proxy-connection", "user-agent");
        assertThat(h.get("x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(h.get("x-real-ip")).containsExactly("127.0.0.1");
        assertThat(h.get("x-forwarded-proto")).containsExactly("http");
        assertThat(h.get("x-forwarded-host")).containsExactly("127.0.0.1:" + port);
        assertThat(h.get("forwarded")).containsExactly("for=127.0.0.1;proto=http;host=\"127.0.0.1:" + port + "\"");
        assertThat(h.get("x-custom")).containsExactly("kept");
        assertThat(h.get("accept")).containsExactly("application/json");
    }

    @Test
    void no_header_is_added_that_the_client_did_not_send_except_the_documented_ones() {
        RawHttp.Resp r = billing("GET", "/v1.0/billing/plain", "X-Custom", "kept");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        // Framing and connection management of Gatehouse's own hop to the upstream are documented too.
        assertThat(SEEN.peek().headers().keySet()).containsExactlyInAnyOrder("host", "x-custom",
                "gatehouse-account-id", "gatehouse-client-id", "gatehouse-scope", "x-request-id",
                "forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-real-ip",
                "connection", "content-length");
        assertThat(SEEN.peek().headers().get("connection")).containsExactly("keep-alive");
    }

    @Test
    void a_head_request_with_a_body_is_400_not_500() {
        RawHttp.Resp r = RawHttp.send(port, "HEAD", "/v1.0/billing/x", "hello".getBytes(StandardCharsets.UTF_8),
                "Authorization", "Bearer " + billingToken);
        assertThat(r.status()).isEqualTo(400);
        assertThat(SEEN).isEmpty();
    }
}
