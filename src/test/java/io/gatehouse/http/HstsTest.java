package io.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §11 *v2*: HSTS is sent when the issuer is https, on every public answer (errors too); never with http. */
class HstsTest {
    @Test
    void an_https_issuer_sends_strict_transport_security_on_every_public_answer() {
        try (TestServer s = TestServer.start(Backend.H2, Map.of("GATEHOUSE_ISSUER", "https://gatehouse.example"))) {
            assertThat(s.api.get("/healthz").header("Strict-Transport-Security")).isEqualTo("max-age=31536000");
            assertThat(s.api.get("/no/such/path").header("Strict-Transport-Security")).isEqualTo("max-age=31536000");
            assertThat(s.api.get("/v1.0/me").header("Strict-Transport-Security")).isEqualTo("max-age=31536000");
            assertThat(s.api.get("/portal/login").header("Strict-Transport-Security")).isEqualTo("max-age=31536000");
        }
    }

    @Test
    void an_http_issuer_sends_none() {
        TestServer s = TestServer.shared(Backend.H2);
        assertThat(s.api.get("/healthz").header("Strict-Transport-Security")).isNull();
        assertThat(s.api.get("/portal/login").header("Strict-Transport-Security")).isNull();
    }
}
