package io.gatehouse.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.Ports;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proxy's HTTP client against an upstream that answers byte for byte what each test needs: framing
 * (chunked, none, to the close, 1xx, 204, 304, HEAD), kept-alive connections the upstream closed, and answers
 * that break HTTP (response splitting, conflicting lengths), which are 502 and never reach the client.
 */
class UpstreamAnswersTest {
    private static ServerSocket upstream;
    /** Accepts connections (the kernel does) and never reads from them. */
    private static ServerSocket silent;
    private static TestServer server;
    private static int port;
    private static String key;
    /** Each request the upstream read: "connection-number method target", then its body if any. */
    private static final ConcurrentLinkedQueue<String> SEEN = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger CONNECTIONS = new AtomicInteger();
    /** Far more than the socket buffers on both sides of a loopback connection hold. */
    private static final int BIG_BODY = 64 << 20;
    /** The number of each connection once the upstream has closed it. */
    private static final LinkedBlockingQueue<Integer> CLOSED = new LinkedBlockingQueue<>();
    /** Each connection's last request line ("method target"), known before its body is read. */
    private static final ConcurrentHashMap<Integer, String> LAST = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        upstream = new ServerSocket();
        upstream.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread.ofVirtual().start(UpstreamAnswersTest::acceptLoop);
        silent = Ports.silent();
        Path routes = Files.createTempFile("routes", ".yaml");
        Files.writeString(routes, """
                routes:
                  - path: /v1.0/raw/**
                    upstream: http://127.0.0.1:%d
                  - path: /v1.0/silent/**
                    upstream: http://127.0.0.1:%d
                    timeout_seconds: 1
                  - path: /v1.0/drip/**
                    upstream: http://127.0.0.1:%d
                    timeout_seconds: 1
                """.formatted(upstream.getLocalPort(), silent.getLocalPort(), upstream.getLocalPort()));
        server = TestServer.start(Backend.H2, Map.of("GATEHOUSE_ROUTES", routes.toString(),
                "GATEHOUSE_MAX_BODY_BYTES", String.valueOf(BIG_BODY)));
        port = server.server.port();
        key = Fixtures.apiKey(server.admin, Fixtures.account(server).id());
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        upstream.close();
        silent.close();
    }

    @BeforeEach
    void forget() {
        SEEN.clear();
    }

    private static void acceptLoop() {
        while (!upstream.isClosed()) {
            try {
                Socket s = upstream.accept();
                int n = CONNECTIONS.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(s, n));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(Socket s, int connection) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = head(in);
                if (head == null) {
                    return;
                }
                String[] lines = head.split("\r\n");
                String[] requestLine = lines[0].split(" ");
                String method = requestLine[0];
                String target = requestLine[1];
                LAST.put(connection, method + " " + target);
                long length = 0;
                boolean chunked = false;
                for (String l : lines) {
                    String lower = l.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(l.substring(15).strip());
                    }
                    chunked |= lower.equals("transfer-encoding: chunked");
                }
                String body = chunked ? dechunk(in) : new String(in.readNBytes((int) length), StandardCharsets.UTF_8);
                SEEN.add(connection + " " + method + " " + target + (body.isEmpty() ? "" : " " + body));
                if (target.startsWith("/v1.0/drip/")) {
                    drip(out);
                    return;
                }
                String path = target.substring("/v1.0/raw/".length());
                String answer = switch (path) {
                    case "chunked" -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
                    case "many-trailers", "256-trailers" -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n"
                            + "X-T: t\r\n".repeat(path.equals("many-trailers") ? 300 : 256) + "\r\n";
                    case "continue" -> "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                            + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal";
                    case "many-1xx" -> "HTTP/1.1 103 Early Hints\r\n\r\n".repeat(9)
                            + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal";
                    case "eight-1xx" -> "HTTP/1.1 103 Early Hints\r\n\r\n".repeat(8)
                            + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal";
                    case "no-content" -> "HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n";
                    case "not-modified" -> "HTTP/1.1 304 Not Modified\r\nETag: \"e\"\r\n\r\n";
                    case "head", "head-then-more" -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\n" + ("HEAD".equals(method) ? "" : "hello");
                    case "cookies" -> "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 2\r\n\r\nok";
                    case "our-cookies" -> "HTTP/1.1 200 OK\r\nSet-Cookie: gatehouse_session=planted; Path=/\r\nSet-Cookie: a=1\r\n"
                            + "Set-Cookie:  gatehouse_csrf=planted\r\nSet-Cookie: =gatehouse_session=planted; Path=/portal\r\n"
                            + "Set-Cookie: b=2, gatehouse_session=planted\r\nContent-Length: 2\r\n\r\nok";
                    case "refused" -> "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno";
                    case "until-close" -> "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it";
                    case "split" -> "HTTP/1.1 200 OK\r\nX-A: a\rInjected: yes\r\nContent-Length: 2\r\n\r\nok";
                    case "bad-name" -> "HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 2\r\n\r\nok";
                    case "folded" -> "HTTP/1.1 200 OK\r\nX-A: a\r\n Injected: yes\r\nContent-Length: 2\r\n\r\nok";
                    case "two-lengths" -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nokk";
                    case "nul" -> "HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 2\r\n\r\nok";
                    case "garbage" -> "SSH-2.0-OpenSSH\r\n\r\n";
                    case "short" -> "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
                    default -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
                };
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (path.equals("head-then-more")) {
                    // a second segment no request asked for, shaped like an answer
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nwrong".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
                if (path.equals("then-close") || path.equals("until-close") || path.equals("short")
                        || path.equals("garbage")) {
                    return; // closes a connection the client was told it could keep
                }
            }
        } catch (IOException ignored) {
            // the proxy went away
        } finally {
            CLOSED.add(connection);
        }
    }

    /**
     * An answer head sent one header line at a time, each well within the route's 1 s timeout of the last,
     * for 15 s in all; then a complete answer. Pacing, not synchronisation: the test waits for the answer.
     */
    private static void drip(OutputStream out) throws IOException {
        out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        for (int i = 0; i < 100; i++) {
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                return;
            }
            out.write(("X-Drip-" + i + ": a\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        out.write("Content-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        for (int c; (c = in.read()) >= 0; ) {
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static String dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int n = Integer.parseInt(size.split(";")[0].strip(), 16);
            if (n == 0) {
                while (!line(in).isEmpty()) {
                    // trailers
                }
                return b.toString(StandardCharsets.UTF_8);
            }
            b.writeBytes(in.readNBytes(n));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static RawHttp.Resp get(String path) {
        return RawHttp.send(port, "GET", "/v1.0/raw/" + path, null, "Authorization", "token " + key);
    }

    /** The whole answer as text (all header lines, in order), for what RawHttp.Resp folds away. */
    private static String whole(String method, String path, String... extra) {
        StringBuilder req = new StringBuilder(method + " /v1.0/raw/" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Connection: close\r\nAuthorization: token " + key + "\r\n");
        for (String e : extra) {
            req.append(e).append("\r\n");
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            String head = head(in);
            assertThat(head).as("an answer").isNotNull();
            String lower = head.toLowerCase(Locale.ROOT);
            int cl = lower.indexOf("\r\ncontent-length:");
            String body = "";
            if (method.equals("HEAD") || lower.startsWith("http/1.1 204") || lower.startsWith("http/1.1 304")) {
                body = "";
            } else if (cl >= 0) {
                int n = Integer.parseInt(lower.substring(cl + 17, lower.indexOf("\r\n", cl + 2)).strip());
                body = new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
            } else if (lower.contains("\r\ntransfer-encoding: chunked")) {
                body = dechunk(in);
            }
            return head + body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void a_chunked_answer_is_relayed_whole() {
        RawHttp.Resp r = get("chunked");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("hello world");
    }

    @Test
    void informational_answers_are_skipped() {
        RawHttp.Resp r = get("continue");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("final");
    }

    @Test
    void answers_without_a_body_keep_the_connection_usable() {
        assertThat(get("no-content").status()).isEqualTo(204);
        RawHttp.Resp nm = get("not-modified");
        assertThat(nm.status()).isEqualTo(304);
        assertThat(nm.header("ETag")).isEqualTo("\"e\"");
        String head = whole("HEAD", "head");
        assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("x-a: 1").doesNotContain("hello");
        RawHttp.Resp after = get("plain");
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.text()).isEqualTo("ok");
        // connections are not kept after answers without a body (the upstream might still send one)
        assertThat(SEEN).hasSize(4);
    }

    @Test
    void bytes_an_upstream_sends_after_an_answer_without_a_body_never_reach_the_next_request() {
        assertThat(whole("HEAD", "head-then-more")).startsWith("HTTP/1.1 200").doesNotContain("wrong");
        for (int i = 0; i < 3; i++) {
            RawHttp.Resp r = get("plain");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("ok");
        }
    }

    @Test
    void a_kept_alive_connection_the_upstream_closed_is_not_used_for_a_post() throws InterruptedException {
        CLOSED.clear();
        assertThat(get("then-close").status()).isEqualTo(200);
        int first = Integer.parseInt(List.copyOf(SEEN).getLast().split(" ")[0]);
        // wait until the upstream has closed that connection (an event, not a delay)
        Integer closed;
        do {
            closed = CLOSED.poll(30, TimeUnit.SECONDS);
            assertThat(closed).as("the upstream closed a connection").isNotNull();
        } while (closed != first);
        RawHttp.Resp r = RawHttp.send(port, "POST", "/v1.0/raw/plain", "abc".getBytes(StandardCharsets.UTF_8),
                "Authorization", "token " + key);
        assertThat(r.status()).isEqualTo(200);
        assertThat(SEEN).anyMatch(s -> s.endsWith("POST /v1.0/raw/plain abc"));
    }

    @Test
    void an_upstream_cannot_set_gatehouse_cookies() {
        String r = whole("GET", "our-cookies");
        assertThat(r).startsWith("HTTP/1.1 200").contains("Set-Cookie: a=1").doesNotContain("gatehouse_").doesNotContain("planted");
    }

    @Test
    void a_connection_whose_request_body_was_refused_is_not_used_again() {
        // An upstream that refuses a request may answer before it reads the body, then read the body as a request.
        RawHttp.Resp ok = RawHttp.send(port, "POST", "/v1.0/raw/plain", "abc".getBytes(StandardCharsets.UTF_8),
                "Authorization", "token " + key);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(get("plain").status()).isEqualTo(200);
        List<String> seen = List.copyOf(SEEN);
        assertThat(connectionOf(seen.get(1))).as("after a 200 the connection is used again").isEqualTo(connectionOf(seen.get(0)));
        RawHttp.Resp refused = RawHttp.send(port, "POST", "/v1.0/raw/refused", "abc".getBytes(StandardCharsets.UTF_8),
                "Authorization", "token " + key);
        assertThat(refused.status()).isEqualTo(404);
        assertThat(get("plain").status()).isEqualTo(200);
        seen = List.copyOf(SEEN);
        assertThat(connectionOf(seen.get(3))).as("after a 404 to a body it is not").isNotEqualTo(connectionOf(seen.get(2)));
    }

    private static int connectionOf(String seen) {
        return Integer.parseInt(seen.split(" ")[0]);
    }

    @Test
    void repeated_headers_are_all_relayed() {
        String r = whole("GET", "cookies");
        assertThat(r).contains("Set-Cookie: a=1").contains("Set-Cookie: b=2");
    }

    @Test
    void an_answer_that_ends_with_the_connection_is_relayed_to_its_end() {
        RawHttp.Resp r = get("until-close");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("all of it");
        assertThat(get("plain").text()).isEqualTo("ok");
    }

    @Test
    void a_kept_alive_connection_the_upstream_closed_is_replaced_for_an_idempotent_request() {
        assertThat(get("then-close").status()).isEqualTo(200);
        RawHttp.Resp r = get("plain");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("ok");
        List<String> seen = List.copyOf(SEEN);
        assertThat(seen.getLast()).endsWith("GET /v1.0/raw/plain");
        assertThat(seen.getLast().split(" ")[0]).isNotEqualTo(seen.getFirst().split(" ")[0]);
    }

    @Test
    void a_chunked_request_body_is_forwarded_chunked() {
        byte[] req = ("POST /v1.0/raw/plain HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: token " + key
                + "\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        RawHttp.Resp r = RawHttp.exchange(port, req, true);
        assertThat(r.status()).isEqualTo(200);
        assertThat(SEEN).anyMatch(s -> s.endsWith("POST /v1.0/raw/plain abcde"));
    }

    @Test
    void answers_that_break_http_are_502_and_nothing_of_them_reaches_the_client() {
        for (String path : List.of("split", "bad-name", "folded", "two-lengths", "nul", "garbage")) {
            String r = whole("GET", path);
            assertThat(r).as(path).startsWith("HTTP/1.1 502");
            assertThat(r.toLowerCase(Locale.ROOT)).as(path).doesNotContain("injected").doesNotContain("bad name");
        }
        assertThat(get("plain").status()).isEqualTo(200);
    }

    @Test
    void a_body_cut_short_ends_the_answer_early_without_a_second_status() {
        String r = whole("GET", "short");
        assertThat(r).startsWith("HTTP/1.1 200").doesNotContain("HTTP/1.1 502");
        assertThat(get("plain").status()).isEqualTo(200);
    }

    @Test
    @Timeout(120)
    void an_upstream_that_stops_reading_a_large_body_is_504_not_a_hang() throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(90_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1.0/silent/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: token "
                    + key + "\r\nContent-Length: " + BIG_BODY + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    for (int sent = 0; sent < BIG_BODY; sent += chunk.length) {
                        out.write(chunk);
                    }
                } catch (IOException ignored) {
                    // the server stopped reading after it answered
                }
            });
            RawHttp.Resp r = RawHttp.read(s.getInputStream(), true);
            assertThat(r.status()).isEqualTo(504);
            writer.interrupt();
        }
    }

    @Test
    @Timeout(120)
    void a_malformed_client_body_closes_the_upstream_connection() throws InterruptedException {
        byte[] req = ("POST /v1.0/raw/bad-body HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: token " + key
                + "\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\nnot hex\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        try {
            RawHttp.Resp r = RawHttp.exchange(port, req, true);
            assertThat(r.status()).isEqualTo(400);
        } catch (UncheckedIOException closedByServer) {
            // the server may also just close the client's connection
        }
        assertThat(SEEN).noneMatch(s -> s.contains("bad-body"));
        // the upstream connection that got part of the request is closed: the upstream sees its end
        while (true) {
            Integer closed = CLOSED.poll(60, TimeUnit.SECONDS);
            assertThat(closed).as("the upstream connection that got part of the request was closed").isNotNull();
            if ("POST /v1.0/raw/bad-body".equals(LAST.get(closed))) {
                break;
            }
        }
        assertThat(get("plain").text()).isEqualTo("ok");
    }

    @Test
    void more_than_eight_informational_answers_are_502() {
        assertThat(get("eight-1xx").text()).isEqualTo("final");
        assertThat(whole("GET", "many-1xx")).startsWith("HTTP/1.1 502").doesNotContain("final");
        assertThat(get("plain").text()).isEqualTo("ok");
    }

    @Test
    void more_trailer_lines_than_a_head_may_have_cut_the_answer_short() throws IOException {
        assertThat(get("256-trailers").text()).isEqualTo("hello");
        // Past 256 trailer lines the answer never gets its last chunk: the connection closes, as when an upstream's body
        // ends early, instead of the client waiting while the upstream sends trailers for as long as it likes. (Before,
        // the trailers were read without a count and the answer ended whole.)
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET /v1.0/raw/many-trailers HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Authorization: token " + key + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all).doesNotEndWith("0\r\n\r\n").doesNotContain("X-T");
        }
        assertThat(get("plain").text()).isEqualTo("ok");
    }

    @Test
    @Timeout(120)
    void an_upstream_that_drips_its_answer_head_is_504_after_the_route_timeout_not_after_every_byte() {
        // Each header line comes within the 1 s timeout of the one before: a timeout per read never fires,
        // and the client would wait 15 s (or, with an endless drip, for as long as the upstream likes).
        RawHttp.Resp r = RawHttp.send(port, "GET", "/v1.0/drip/x", null, "Authorization", "token " + key);
        assertThat(r.status()).isEqualTo(504);
        assertThat(get("plain").text()).isEqualTo("ok");
    }
}
