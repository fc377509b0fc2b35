package io.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §11 v2 "Slow clients", with short limits so nothing waits for the real ones (10 s headers,
 * 30 s body stall, 60 s idle): the shape is the same, only the numbers differ.
 */
class SlowClientsTest {
    private static final ClientDeadlines.Limits LIMITS = new ClientDeadlines.Limits(Duration.ofMillis(500),
            Duration.ofMillis(700), Duration.ofSeconds(2), Duration.ofMillis(50));
    /** Far beyond every limit above, far below what a connection left alone would last. */
    private static final Duration WITHIN = Duration.ofSeconds(15);
    private static TestServer server;
    private static int port;
    /** The same limits but an idle limit far beyond any test: only the header and body deadlines can cut here. */
    private static TestServer longIdle;

    @BeforeAll
    static void start() {
        server = TestServer.start(Backend.H2, Map.of(), Clock.systemUTC(), LIMITS);
        port = server.server.port();
        longIdle = TestServer.start(Backend.H2, Map.of(), Clock.systemUTC(),
                new ClientDeadlines.Limits(LIMITS.headers(), LIMITS.bodyStall(), Duration.ofMinutes(10), LIMITS.tick()));
    }

    @AfterAll
    static void stop() {
        server.close();
        longIdle.close();
    }

    private static Socket open() throws IOException {
        return open(port);
    }

    private static Socket open(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout((int) WITHIN.toMillis() * 2);
        return s;
    }

    /**
     * True once the server has closed the connection (end of stream or reset), reading whatever it sent;
     * false if it kept it open for twice {@link #WITHIN}.
     */
    private static boolean closedByServer(Socket s, StringBuilder received) {
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) >= 0; ) {
                received.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void a_body_that_stalls_loses_the_connection_without_an_error_or_a_500() throws Exception {
        String errorsBefore = LogCapture.errors();
        try (Socket s = open()) {
            s.getOutputStream().write(("POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 100\r\n\r\ngrant_type=").getBytes(StandardCharsets.ISO_8859_1));
            StringBuilder received = new StringBuilder();
            assertThat(closedByServer(s, received)).isTrue();
            assertThat(received.toString()).doesNotContain(" 500 ");
        }
        assertThat(LogCapture.errors()).isEqualTo(errorsBefore);
    }

    @Test
    void a_client_that_leaves_mid_body_is_not_an_error() throws Exception {
        String errorsBefore = LogCapture.errors();
        try (Socket s = open()) {
            s.getOutputStream().write(("POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 1000\r\n\r\ngrant_type=client_cre").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        }
        // The server still answers others, and logged nothing at ERROR for the one that left.
        await().atMost(WITHIN).untilAsserted(() ->
                assertThat(server.api.get("/healthz").status()).isEqualTo(200));
        assertThat(LogCapture.errors()).isEqualTo(errorsBefore);
    }

    @Test
    void an_idle_keep_alive_connection_is_closed() throws Exception {
        try (Socket s = open()) {
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Resp first = RawHttp.read(s.getInputStream(), true);
            assertThat(first.status()).isEqualTo(200);
            // Keep-alive: the connection stays open after the answer, until it has been idle too long.
            assertThat(closedByServer(s, new StringBuilder())).isTrue();
        }
    }

    @Test
    void headers_that_do_not_arrive_in_time_lose_the_connection() throws Exception {
        String errorsBefore = LogCapture.errors();
        try (Socket s = open()) {
            // The request line and one header, then nothing: before the deadline, such a client held its
            // connection until it left (the idle limit does not cut a request that has begun).
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            StringBuilder received = new StringBuilder();
            assertThat(closedByServer(s, received)).isTrue();
            assertThat(received.toString()).doesNotContain(" 500 ");
        }
        assertThat(LogCapture.errors()).isEqualTo(errorsBefore);
    }

    @Test
    void headers_that_trickle_in_still_lose_the_connection() throws Exception {
        try (Socket s = open()) {
            OutputStream out = s.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            // Slowloris: a byte of a never-ending header now and then, each well inside any per-read timeout.
            // The deadline counts from the request line, so the bytes that keep coming do not save it.
            boolean cut = false;
            long until = System.nanoTime() + WITHIN.toNanos();
            while (!cut && System.nanoTime() < until) {
                try {
                    out.write('a');
                    out.flush();
                    cut = serverClosedWithin(s, Duration.ofMillis(100));
                } catch (IOException e) {
                    cut = true;
                }
            }
            assertThat(cut).as("the server closed the connection").isTrue();
        }
    }

    @Test
    void a_request_line_that_trickles_in_loses_the_connection() throws Exception {
        // On a server whose idle limit is far beyond this test, so only the header deadline can cut it.
        try (Socket s = open(longIdle.server.port())) {
            OutputStream out = s.getOutputStream();
            out.write("GET /".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            // The head's deadline counts from its first byte: a request line that never ends is cut like headers
            // that never end.
            boolean cut = false;
            long until = System.nanoTime() + WITHIN.toNanos();
            while (!cut && System.nanoTime() < until) {
                try {
                    out.write('a');
                    out.flush();
                    cut = serverClosedWithin(s, Duration.ofMillis(100));
                } catch (IOException e) {
                    cut = true;
                }
            }
            assertThat(cut).as("the server closed the connection").isTrue();
        }
    }

    /** True if the server ends the stream (or resets) within {@code wait}; false if it is still open then. */
    private static boolean serverClosedWithin(Socket s, Duration wait) throws IOException {
        int before = s.getSoTimeout();
        s.setSoTimeout((int) wait.toMillis());
        try {
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        } finally {
            if (!s.isClosed()) {
                s.setSoTimeout(before);
            }
        }
    }

    @Test
    void a_keep_alive_connection_may_wait_between_requests_longer_than_the_header_deadline() throws Exception {
        // On the server with the long idle limit: however long the wait below really lasts on a busy machine,
        // only a header deadline wrongly running between requests could cut the connection.
        try (Socket s = open(longIdle.server.port())) {
            OutputStream out = s.getOutputStream();
            // Headers sent in pieces, but in time.
            out.write("GET /healthz HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            out.write("Host: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(RawHttp.read(s.getInputStream(), true).status()).isEqualTo(200);
            // Idle between requests is governed by the idle limit, not by the header deadline (0.5 s). Not a
            // synchronisation: the test must outwait the header deadline, and a longer wait only tests more.
            Thread.sleep(LIMITS.headers().multipliedBy(2).toMillis());
            out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(RawHttp.read(s.getInputStream(), true).status()).isEqualTo(200);
        }
    }

    @Test
    void a_quick_client_is_not_disturbed_by_the_deadlines() {
        for (int i = 0; i < 20; i++) {
            assertThat(server.api.get("/healthz").status()).isEqualTo(200);
        }
    }
}
