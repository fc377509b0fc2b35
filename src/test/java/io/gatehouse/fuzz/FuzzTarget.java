package io.gatehouse.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.core.Json;
import io.gatehouse.fuzz.RawHttp.Answer;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * One real Gatehouse node (H2, in this JVM) with a proxied route to a recording upstream, valid
 * credentials of every kind, and the one property every input must keep (SPEC §11 v2 "No 500 from
 * input"): an answer within 5 s, no 5xx (but 503 with Retry-After), nothing internal in the body, no ERROR
 * line unless the answer was a 5xx, and the upstream only ever sees paths under the route's prefix.
 */
final class FuzzTarget {
    /** Requests sent and checked in this JVM, printed by {@link FuzzTest} so a run's size can be read off its output. */
    static final AtomicLong CHECKED = new AtomicLong();
    static final String ROUTE = "/v1.0/fz/";
    private static final Duration DEADLINE = Duration.ofSeconds(5);
    /** What a body must never show: stack frames, exception and package names of the inside. */
    private static final Pattern INTERNAL = Pattern.compile(
            "\\bat [a-z]+\\.[a-z]+\\.|Exception\\b|\\bio\\.gatehouse\\.|\\bio\\.helidon\\.|\\bjava\\.(lang|io|util)\\."
                    + "|\\borg\\.(h2|postgresql|flywaydb)\\.|com\\.fasterxml|\\bSQLState\\b");
    private static FuzzTarget shared;

    final TestServer server;
    final String apiKey;
    final String clientId;
    final String clientSecret;
    final String basic;
    final String accessToken;
    final String publicClientId;
    private final HttpServer upstream;
    private final ConcurrentLinkedQueue<String> upstreamPaths = new ConcurrentLinkedQueue<>();

    private FuzzTarget() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/", ex -> {
            upstreamPaths.add(ex.getRequestURI().getRawPath());
            ex.getRequestBody().readAllBytes();
            byte[] out = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, "HEAD".equals(ex.getRequestMethod()) ? -1 : out.length);
            if (!"HEAD".equals(ex.getRequestMethod())) {
                ex.getResponseBody().write(out);
            }
            ex.close();
        });
        upstream.start();
        Path routes = Files.createTempFile("fuzz-routes", ".yaml");
        Files.writeString(routes, """
                routes:
                  - path: /v1.0/fz/**
                    upstream: http://127.0.0.1:%d
                    limit_per_minute: 1000000000
                """.formatted(upstream.getAddress().getPort()));
        server = TestServer.start(Backend.H2, Map.of(
                "GATEHOUSE_ROUTES", routes.toString(),
                "GATEHOUSE_API_KEY_RATE_LIMIT", "1000000000"));

        TestClient admin = server.admin;
        Fixtures.Account owner = Fixtures.account(admin);
        apiKey = Fixtures.apiKey(admin, owner.id());
        var app = admin.post("/admin/v1/apps", Map.of("owner_id", owner.id(), "name", "Fuzz App",
                "description", "fuzzed", "redirect_uris", List.of("https://app.example.com/callback"),
                "type", "confidential", "permissions", List.of("user.read", "leads.read", "leads.write")));
        assertThat(app.status()).as(app.toString()).isEqualTo(201);
        clientId = app.json().get("client_id").asText();
        clientSecret = app.json().get("client_secret").asText();
        var unlimited = admin.patch("/admin/v1/apps/" + clientId,
                Map.of("rate_limit_per_minute", 1_000_000_000));
        assertThat(unlimited.status()).as(unlimited.toString()).isEqualTo(200);
        var pub = admin.post("/admin/v1/apps", Map.of("owner_id", owner.id(), "name", "Fuzz SPA",
                "description", "fuzzed", "redirect_uris", List.of("https://spa.example.com/cb"),
                "type", "public", "permissions", List.of("user.read")));
        assertThat(pub.status()).as(pub.toString()).isEqualTo(201);
        publicClientId = pub.json().get("client_id").asText();
        basic = "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        Answer token = RawHttp.send(server.server.port(), request("POST", "/oauth/token",
                List.of(new String[] {"Authorization", basic}, new String[] {"Content-Type", "application/x-www-form-urlencoded"}),
                ("grant_type=client_credentials&customer_key=" + URLEncoder.encode(apiKey, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8)), DEADLINE);
        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        accessToken = Json.parse(token.body()).get("access_token").asText();
    }

    static synchronized FuzzTarget shared() {
        if (shared == null) {
            try {
                FuzzTarget t = new FuzzTarget();
                Runtime.getRuntime().addShutdownHook(new Thread(t::close));
                shared = t;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    int port() {
        return server.server.port();
    }

    int adminPort() {
        return server.server.adminPort();
    }

    /** A request as bytes: the given request line parts and headers, then Host, Content-Length and Connection: close. */
    static byte[] request(String method, String target, List<String[]> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String[] h : headers) {
            head.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
        if (body == null) {
            return h;
        }
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** Sends the bytes to the public port and checks the property; returns the answer for further checks. */
    Answer check(byte[] request) {
        return check(port(), request);
    }

    Answer check(int port, byte[] request) {
        CHECKED.incrementAndGet();
        long errorsBefore = LogCapture.errorCount();
        Answer a = RawHttp.send(port, request, DEADLINE);
        String shown = printable(request);
        assertThat(a.hung()).as("no answer within %s to %s", DEADLINE, shown).isFalse();
        assertThat(a.status() < 500 || (a.status() == 503 && a.hasHeader("Retry-After")))
                .as("a 5xx for %s:%n%s%nERROR lines:%n%s", shown, a, LogCapture.errorLines()).isTrue();
        assertThat(INTERNAL.matcher(a.head() + "\n" + a.text()).find())
                .as("internal names in the answer to %s:%n%s", shown, a).isFalse();
        if (a.status() < 500) {
            assertThat(LogCapture.errorCount()).as("an ERROR line for a %d answer to %s:%n%s", a.status(), shown,
                    LogCapture.errorLines()).isEqualTo(errorsBefore);
        }
        String path;
        while ((path = upstreamPaths.poll()) != null) {
            String lower = path.toLowerCase(Locale.ROOT);
            assertThat(path.startsWith(ROUTE) && !lower.contains("%2f") && !lower.contains("%5c") && !lower.contains("%2e")
                    && !path.contains("/../") && !path.endsWith("/..") && !path.contains("\\"))
                    .as("upstream received %s for %s", path, shown).isTrue();
        }
        return a;
    }

    /** The bytes with control and non-ASCII bytes escaped, cut to a readable length. */
    static String printable(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < bytes.length && s.length() < 600; i++) {
            int b = bytes[i] & 0xff;
            if (b == '\r') {
                s.append("\\r");
            } else if (b == '\n') {
                s.append("\\n");
            } else if (b < 0x20 || b >= 0x7f) {
                s.append(String.format("\\x%02x", b));
            } else {
                s.append((char) b);
            }
        }
        return bytes.length > 600 ? s + "… (" + bytes.length + " bytes)" : s.toString();
    }

    private void close() {
        server.close();
        upstream.stop(0);
    }
}
