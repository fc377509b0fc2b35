package io.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SPEC §11 v2 "No 500 from input" and "JSON": malformed credentials and bodies found by fuzzing are
 * answered 4xx, on both databases, and nothing of them reaches the log as an error.
 */
class NoServerErrorFromInputTest {
    /** A JWS whose header is the JSON literal {@code null}. */
    private static final String NULL_HEADER_JWS = "bnVsbA.e30.AAAA";

    private static String key(TestServer s) {
        return Fixtures.apiKey(s.admin, Fixtures.account(s).id());
    }

    private static Resp postLead(TestServer s, String key, byte[] body) {
        return s.api.send("POST", "/v1.0/leads", body, "Authorization", "token " + key, "Content-Type", "application/json");
    }

    private static void assertInvalid(Resp r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("code").asInt()).isEqualTo(20012);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void a_jws_with_a_null_header_is_a_bad_credential_everywhere(Backend backend) {
        TestServer s = TestServer.shared(backend);
        Resp me = s.api.get("/v1.0/me", TestClient.bearer(NULL_HEADER_JWS));
        assertThat(me.status()).as(me.toString()).isEqualTo(401);
        assertThat(s.api.get("/v1.0/me", TestClient.token(NULL_HEADER_JWS)).status()).isEqualTo(401);

        Fixtures.Account dev = Fixtures.account(s);
        Resp app = s.admin.post("/admin/v1/apps", Map.of("owner_id", dev.id(), "name", "Fuzzed",
                "redirect_uris", List.of("https://f.example.com/cb"), "type", "confidential", "permissions", List.of()));
        String basic = "Basic " + Base64.getEncoder().encodeToString((app.json().get("client_id").asText() + ":"
                + app.json().get("client_secret").asText()).getBytes(StandardCharsets.UTF_8));
        Resp introspect = s.api.send("POST", "/oauth/introspect", "token=" + NULL_HEADER_JWS,
                "Content-Type", "application/x-www-form-urlencoded", "Authorization", basic);
        assertThat(introspect.status()).as(introspect.toString()).isEqualTo(200);
        assertThat(introspect.json().get("active").asBoolean()).isFalse();
        Resp revoke = s.api.send("POST", "/oauth/revoke", "token=" + NULL_HEADER_JWS,
                "Content-Type", "application/x-www-form-urlencoded", "Authorization", basic);
        assertThat(revoke.status()).as(revoke.toString()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void json_that_is_not_one_utf8_object_is_400(Backend backend) {
        TestServer s = TestServer.shared(backend);
        String key = key(s);
        String before = LogCapture.errors();
        assertInvalid(postLead(s, key, new byte[] {0, 0, 0, '{', 0}));
        assertInvalid(postLead(s, key, "{\"firstName\":\"a\",\"firstName\":\"b\"}".getBytes(StandardCharsets.UTF_8)));
        assertInvalid(postLead(s, key, "{\"firstName\":\"a\"} trailing".getBytes(StandardCharsets.UTF_8)));
        assertInvalid(postLead(s, key, "{\"firstName\":\"a\"}{\"firstName\":\"b\"}".getBytes(StandardCharsets.UTF_8)));
        assertInvalid(postLead(s, key, new byte[] {'{', '"', 'f', 'i', 'r', 's', 't', 'N', 'a', 'm', 'e', '"', ':', '"',
                (byte) 0xff, (byte) 0xfe, '"', '}'}));
        assertInvalid(postLead(s, key, "{\"firstName\":\"utf-16\"}".getBytes(StandardCharsets.UTF_16)));
        assertInvalid(postLead(s, key, "{\"firstName\":\"a\\u0000b\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(LogCapture.errors()).isEqualTo(before);
        // A correct body still works.
        assertThat(postLead(s, key, "{\"firstName\":\"Zoë\"}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(201);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void a_nul_character_in_a_query_or_form_is_400_not_a_database_error(Backend backend) {
        TestServer s = TestServer.shared(backend);
        String key = key(s);
        assertInvalid(s.api.get("/v1.0/leads?email=a%00b", TestClient.token(key)));
        assertInvalid(s.api.get("/v1.0/leads?key=%00", TestClient.token(key)));
        Resp token = s.api.send("POST", "/oauth/token", "grant_type=client_credentials&client_id=a%00b&client_secret=x",
                "Content-Type", "application/x-www-form-urlencoded");
        assertThat(token.status()).as(token.toString()).isEqualTo(400);
        assertThat(token.json().get("error").asText()).isEqualTo("invalid_request");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void a_request_the_http_layer_refuses_is_answered_in_the_api_error_shape(Backend backend) {
        int port = TestServer.shared(backend).server.port();
        RawHttp.Resp r = RawHttp.exchange(port, "GET /v1.0/%zz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), true);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("code").asInt()).isEqualTo(20012);
        assertThat(r.header("X-Request-Id")).isNotBlank();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void a_request_method_that_is_not_a_token_is_400_not_500(Backend backend) {
        int port = TestServer.shared(backend).server.port();
        long errors = LogCapture.errorCount();
        for (String method : List.of("G\u0001T", "GET\t", "G\"T", "G:T", "GET\u0000", "G\u00ffT")) {
            RawHttp.Resp r = RawHttp.exchange(port, (method + " /v1.0/me HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1), true);
            assertThat(r.status()).as(method).isEqualTo(400);
            assertThat(r.json().get("code").asInt()).isEqualTo(20012);
        }
        assertThat(LogCapture.errorCount()).isEqualTo(errors);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void a_transfer_coding_other_than_chunked_is_400_not_501(Backend backend) {
        int port = TestServer.shared(backend).server.port();
        long errors = LogCapture.errorCount();
        for (String coding : List.of("gzip, chunked", "deflate, chunked")) {
            RawHttp.Resp r = RawHttp.exchange(port, ("POST /v1.0/leads HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding
                    + "\r\n\r\n2\r\n{}\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), true);
            assertThat(r.status()).as(coding).isEqualTo(400);
            assertThat(r.json().get("code").asInt()).isEqualTo(20012);
        }
        assertThat(LogCapture.errorCount()).isEqualTo(errors);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void a_malformed_chunk_is_400_and_closes_the_connection_before_anything_after_it_is_read(Backend backend) throws IOException {
        int port = TestServer.shared(backend).server.port();
        long errors = LogCapture.errorCount();
        // a chunk line ending in a bare LF, a chunk size that is not hex, a last chunk without its empty line
        for (String body : List.of("5\nab=cd\n0\n\n", "zz\r\nab=cd\r\n0\r\n\r\n", "5\r\nab=cd\r\n0\r\nX: y\r\n\r\n")) {
            for (String target : List.of("/oauth/token", "/v1.0/leads")) {
                String request = "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n" + body + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(30_000);
                    s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                    RawHttp.Resp r = RawHttp.read(s.getInputStream(), true);
                    assertThat(r.status()).as(target + " " + body + " " + r).isIn(400, 401);
                    assertThat(s.getInputStream().read()).as(target + " " + body + ": closed, /healthz never answered").isEqualTo(-1);
                }
            }
        }
        assertThat(LogCapture.errorCount()).isEqualTo(errors);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void a_request_that_says_connection_close_is_the_last_one_read(Backend backend) throws IOException {
        int port = TestServer.shared(backend).server.port();
        String two = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(two.getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Resp r = RawHttp.read(s.getInputStream(), true);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(s.getInputStream().read()).as("the second request is never answered").isEqualTo(-1);
        }
    }
}
