package io.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.MutableClock;
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
 * 30 s body stall, 60 s idle): the shape is the same, only the numbers differ. The header and body deadlines
 * are measured on {@link #DEADLINE_CLOCK}, which the tests move: a slow client is cut because its time is up,
 * however fast the machine, and a quick one is never cut because a busy machine was slow. The idle limit is
 * the HTTP layer's own, in real time.
 */
class SlowClientsTest {
    private static final ClientDeadlines.Limits LIMITS = new ClientDeadlines.Limits(Duration.ofMillis(500),
            Duration.ofMillis(700), Duration.ofSeconds(2), Duration.ofMillis(50));
    /** Far beyond every limit above, far below what a connection left alone would last. */
    private static final Duration WITHIN = Duration.ofSeconds(15);
    /** The time of the header and body deadlines of both servers; it stands still until a test moves it. */
    private static final MutableClock DEADLINE_CLOCK = MutableClock.startingNow();
    private static TestServer server;
    private static int port;
    /** The same limits but an idle limit far beyond any test: only the header and body deadlines can cut here. */
    private static TestServer longIdle;

    @BeforeAll
    static void start() {
        server = TestServer.start(Backend.H2, Map.of(), Clock.systemUTC(), LIMITS, DEADLINE_CLOCK::nanoTime);
        port = server.server.port();
        longIdle = TestServer.start(Backend.H2, Map.of(), Clock.systemUTC(),
                new ClientDeadlines.Limits(LIMITS.headers(), LIMITS.bodyStall(), Duration.ofMinutes(10), LIMITS.tick()),
                DEADLINE_CLOCK::nanoTime);
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

    /** Reads what arrives within {@code wait} of real time; true once the server has ended the stream (or reset it). */
    private static boolean closedWithin(Socket s, Duration wait, StringBuilder received) throws IOException {
        int before = s.getSoTimeout();
        s.setSoTimeout((int) wait.toMillis());
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
        } finally {
            if (!s.isClosed()) {
                s.setSoTimeout(before);
            }
        }
    }

    /** Something a slow client does at each step: send nothing more, or one more byte. */
    @FunctionalInterface
    private interface Step {
        void run(OutputStream out) throws IOException;
    }

    /**
     * Moves the deadlines' clock by {@code step} at a time, after each {@code client} step, until the server
     * closes the connection (a client step failing because the socket is gone counts too). The connection must
     * be cut; real time only bounds how long the test looks.
     */
    private static void cutAsTimePasses(Socket s, Duration step, Step client, StringBuilder received) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> {
            try {
                client.run(s.getOutputStream());
                s.getOutputStream().flush();
            } catch (IOException e) {
                return true;
            }
            DEADLINE_CLOCK.advance(step);
            return closedWithin(s, LIMITS.tick().multipliedBy(2), received);
        });
    }

    @Test
    void a_body_that_stalls_loses_the_connection_without_an_error_or_a_500() throws Exception {
        String errorsBefore = LogCapture.errors();
        try (Socket s = open()) {
            s.getOutputStream().write(("POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 100\r\n\r\ngrant_type=").getBytes(StandardCharsets.ISO_8859_1));
            StringBuilder received = new StringBuilder();
            cutAsTimePasses(s, Duration.ofMillis(200), out -> { }, received);
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
            cutAsTimePasses(s, Duration.ofMillis(200), out -> { }, received);
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
            // Slowloris: a byte of a never-ending header every 100 ms, each well inside any per-read timeout.
            // The deadline counts from the request line, so the bytes that keep coming do not save it.
            cutAsTimePasses(s, Duration.ofMillis(100), o -> o.write('a'), new StringBuilder());
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
            cutAsTimePasses(s, Duration.ofMillis(100), o -> o.write('a'), new StringBuilder());
        }
    }

    @Test
    void a_keep_alive_connection_may_wait_between_requests_longer_than_the_header_deadline() throws Exception {
        // On the server with the long idle limit: however long the wait below really lasts on a busy machine,
        // only a header deadline wrongly running between requests could cut the connection.
        try (Socket s = open(longIdle.server.port())) {
            OutputStream out = s.getOutputStream();
            // Headers sent in pieces, but in time (100 ms apart, the deadline is 500 ms).
            out.write("GET /healthz HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            DEADLINE_CLOCK.advance(Duration.ofMillis(100));
            out.write("Host: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(RawHttp.read(s.getInputStream(), true).status()).isEqualTo(200);
            // Idle between requests is governed by the idle limit, not by the header deadline (0.5 s): twice the
            // header deadline passes, and the connection is still open several watchdog rounds later.
            DEADLINE_CLOCK.advance(LIMITS.headers().multipliedBy(2));
            assertThat(closedWithin(s, LIMITS.tick().multipliedBy(4), new StringBuilder())).isFalse();
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
