package io.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
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

    @BeforeAll
    static void start() {
        server = TestServer.start(Backend.H2, Map.of(), Clock.systemUTC(), LIMITS);
        port = server.server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Socket open() throws IOException {
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
    void a_quick_client_is_not_disturbed_by_the_deadlines() {
        for (int i = 0; i < 20; i++) {
            assertThat(server.api.get("/healthz").status()).isEqualTo(200);
        }
    }
}
