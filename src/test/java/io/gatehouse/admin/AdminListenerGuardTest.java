package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SPEC §11 *v2* "Admin listener": with no admin token (the default), a web page on another site must not
 * be able to drive the admin API, by a cross-site request or by DNS rebinding. Raw HTTP, so that Host,
 * Origin and Sec-Fetch-Site are exactly what a browser would send.
 */
class AdminListenerGuardTest {
    private final TestServer server = TestServer.shared(Backend.H2);

    private int send(String method, String path, String host, String contentType, String body, String... headers) {
        return send(server.server.adminPort(), method, path, host, contentType, body, headers);
    }

    static int send(int port, String method, String path, String host, String contentType, String body, String... headers) {
        StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
        if (contentType != null) {
            req.append("Content-Type: ").append(contentType).append("\r\n");
        }
        for (int i = 0; i < headers.length; i += 2) {
            req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            req.append("Content-Length: ").append(b.length).append("\r\n");
        }
        req.append("\r\n");
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(b);
            out.flush();
            InputStream in = s.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(head.substring(9, 12));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String account(String email) {
        return "{\"email\":\"" + email + "\",\"password\":\"correct horse\",\"role\":\"admin\"}";
    }

    private boolean exists(String email) {
        return server.admin.get("/admin/v1/accounts?email=" + URLEncoder.encode(email, StandardCharsets.UTF_8))
                .json().get("accounts").size() > 0;
    }

    private String self() {
        return "127.0.0.1:" + server.server.adminPort();
    }

    @Test
    void a_text_plain_post_from_another_site_creates_no_admin_account() {
        String email = Fixtures.uniqueEmail();
        assertThat(send("POST", "/admin/v1/accounts", self(), "text/plain", account(email), "Origin", "https://evil.example"))
                .isEqualTo(403);
        assertThat(exists(email)).isFalse();
    }

    @Test
    void a_state_changing_call_without_the_json_content_type_is_refused() {
        String email = Fixtures.uniqueEmail();
        assertThat(send("POST", "/admin/v1/accounts", self(), "text/plain", account(email))).isEqualTo(403);
        assertThat(send("POST", "/admin/v1/accounts", self(), "application/x-www-form-urlencoded", account(email))).isEqualTo(403);
        assertThat(send("POST", "/admin/v1/accounts", self(), null, account(email))).isEqualTo(403);
        assertThat(exists(email)).isFalse();
        assertThat(send("POST", "/admin/v1/accounts", self(), "application/json; charset=utf-8", account(email))).isEqualTo(201);
        assertThat(exists(email)).isTrue();
    }

    @Test
    void a_json_call_from_a_page_of_another_site_is_refused_even_on_another_port_of_localhost() {
        String email = Fixtures.uniqueEmail();
        assertThat(send("POST", "/admin/v1/accounts", self(), "application/json", account(email), "Origin", "http://localhost:3000"))
                .isEqualTo(403);
        assertThat(send("POST", "/admin/v1/accounts", self(), "application/json", account(email), "Sec-Fetch-Site", "same-site"))
                .isEqualTo(403);
        assertThat(send("GET", "/admin/v1/accounts", self(), null, null, "Sec-Fetch-Site", "cross-site")).isEqualTo(403);
        assertThat(send("GET", "/admin/v1/accounts", self(), null, null, "Origin", "null")).isEqualTo(403);
        assertThat(exists(email)).isFalse();
        assertThat(send("GET", "/admin/v1/accounts", self(), null, null, "Origin", "http://" + self(),
                "Sec-Fetch-Site", "same-origin")).isEqualTo(200);
        assertThat(send("GET", "/admin/v1/accounts", self(), null, null, "Sec-Fetch-Site", "none")).isEqualTo(200);
    }

    @Test
    void a_host_not_listed_is_refused_as_dns_rebinding() {
        String email = Fixtures.uniqueEmail();
        int port = server.server.adminPort();
        assertThat(send("POST", "/admin/v1/accounts", "evil.example:" + port, "application/json", account(email))).isEqualTo(403);
        assertThat(send("GET", "/admin/v1/accounts", "evil.example", null, null)).isEqualTo(403);
        assertThat(exists(email)).isFalse();
        assertThat(send("GET", "/admin/v1/accounts", "localhost:" + port, null, null)).isEqualTo(200);
        assertThat(send("GET", "/admin/v1/accounts", "LOCALHOST", null, null)).isEqualTo(200);
        // Probes address the node by any name: health stays open.
        assertThat(send("GET", "/healthz", "10.1.2.3:" + port, null, null)).isEqualTo(200);
    }

    @Test
    void gatehouse_admin_hosts_replaces_the_accepted_hosts() {
        try (TestServer own = TestServer.start(Backend.H2, Map.of("GATEHOUSE_ADMIN_HOSTS", "admin.internal, 10.0.0.5"))) {
            int port = own.server.adminPort();
            assertThat(send(port, "GET", "/admin/v1/accounts", "admin.internal:" + port, null, null)).isEqualTo(200);
            assertThat(send(port, "GET", "/admin/v1/accounts", "10.0.0.5", null, null)).isEqualTo(200);
            assertThat(send(port, "GET", "/admin/v1/accounts", "127.0.0.1:" + port, null, null)).isEqualTo(403);
        }
    }
}
