package io.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.TestServer;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Our request header check ({@link RequestHeaderCheck}) in place of Helidon's: the same verdict as
 * Helidon's {@code Header.validate} on every byte at every position of the eight-byte stride, and, through
 * the server, the documented 400 (SPEC §3 shape, code 20012) for a control character in any header, a bad
 * header name or a bad Host, while tabs and bytes above 0x7F still pass as they did.
 */
class RequestHeaderCheckTest {

    private static boolean helidonAccepts(String... values) {
        Header h = values.length == 1 ? HeaderValues.create(HeaderNames.create("X-Test"), values[0])
                : HeaderValues.create(HeaderNames.create("X-Test"), values);
        try {
            h.validate();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean oursAccepts(String... values) {
        for (int i = 0; i < values.length; i++) {
            if (!RequestHeaderCheck.validValue(values[i], i == 0)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void every_char_at_every_position_gets_helidons_verdict() {
        for (int length = 1; length <= 25; length++) {
            for (int at = 0; at < length; at++) {
                for (char c = 0; c < 0x180; c++) {
                    char[] chars = "abcdefghijklmnopqrstuvwxy".substring(0, length).toCharArray();
                    chars[at] = c;
                    String v = new String(chars);
                    assertThat(oursAccepts(v)).as("char %d at %d of %d", (int) c, at, length).isEqualTo(helidonAccepts(v));
                    assertThat(oursAccepts("ok", v)).as("second value, char %d at %d", (int) c, at)
                            .isEqualTo(helidonAccepts("ok", v));
                }
            }
        }
        assertThat(oursAccepts("\uFFFD\u00e9x")).isTrue().isEqualTo(helidonAccepts("\uFFFD\u00e9x"));
    }

    @Test
    void characters_beyond_one_byte_are_judged_not_thrown_on() {
        // A surrogate pair is two chars but one '?' in ISO-8859-1: the scan must follow the bytes, not the
        // chars (a value with pairs and a length past the 8-byte stride threw IndexOutOfBounds before).
        String pairs = "\uD83D\uDE00".repeat(8) + "abcdefgh";
        assertThat(oursAccepts(pairs)).isTrue().isEqualTo(helidonAccepts(pairs));
        String pairsThenNul = "\uD83D\uDE00".repeat(8) + "abc\u0000";
        assertThat(oursAccepts(pairsThenNul)).isFalse().isEqualTo(helidonAccepts(pairsThenNul));
    }

    @Test
    void random_values_get_helidons_verdict() {
        Random random = new Random(15);
        for (int i = 0; i < 200_000; i++) {
            char[] chars = new char[random.nextInt(1, 900)];
            for (int j = 0; j < chars.length; j++) {
                // Mostly token characters (as a bearer token), sometimes anything up to 0xFF.
                chars[j] = random.nextInt(200) == 0 ? (char) random.nextInt(256) : (char) random.nextInt(0x21, 0x7F);
            }
            String v = new String(chars);
            assertThat(oursAccepts(v)).as(v).isEqualTo(helidonAccepts(v));
        }
    }

    private static RawHttp.Resp get(int port, String headers) {
        byte[] request = ("GET /healthz HTTP/1.1\r\n" + headers + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        return RawHttp.exchange(port, request, true);
    }

    private static void assertRefused(int port, String headers) {
        RawHttp.Resp r = get(port, headers);
        assertThat(r.status()).as(headers).isEqualTo(400);
        assertThat(r.json().get("code").asInt()).isEqualTo(20012);
        assertThat(r.text()).doesNotContain("secret");
    }

    @Test
    void bad_headers_are_400_in_the_api_error_shape_and_good_ones_pass() {
        int port = TestServer.shared(Backend.H2).server.port();
        assertThat(get(port, "Host: localhost\r\n").status()).isEqualTo(200);
        // Tabs and obs-text (bytes above 0x7F) inside a value pass, as with Helidon's check.
        assertThat(get(port, "Host: localhost:8080\r\nX-Note: caf\u00e9\tau lait\r\n").status()).isEqualTo(200);
        assertThat(get(port, "Host: [::1]:80\r\n").status()).isEqualTo(200);
        // Content-Encoding without a body passed Helidon's check and passes ours.
        assertThat(get(port, "Host: localhost\r\nContent-Encoding: gzip\r\n").status()).isEqualTo(200);

        List<String> refused = new ArrayList<>();
        for (char c : new char[] {0, 1, 8, 0x0b, 0x0c, '\r', 0x1b, 0x1f, 0x7f}) {
            String value = "Bearer abc" + c + "secret";
            refused.add("Host: localhost\r\nAuthorization: " + value + "\r\n");
            refused.add("Host: localhost\r\nX-Forwarded-For: 10.0.0." + c + "1\r\n");
            refused.add("Host: localhost\r\nX-Request-Id: 0123456789abcdef" + c + "\r\n");
            refused.add("Host: local" + c + "host\r\n");
        }
        refused.add("Host: localhost\r\nX Bad: 1\r\n");
        refused.add("Host: localhost\r\nX@Bad: 1\r\n");
        refused.add("X-No-Host: 1\r\n");
        refused.add("Host: localhost\r\nHost: localhost\r\n");
        refused.add("Host: \r\n");
        refused.add("Host: a b\r\n");
        refused.add("Host: localhost:http\r\n");
        refused.add("Host: [::1\r\n");
        refused.add("Host: exa%mple.com\r\n");
        // No content coding is decoded: refused as Helidon refused it while its check was on.
        refused.add("Host: localhost\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}");
        refused.add("Host: localhost\r\nContent-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n");
        for (String headers : refused) {
            assertRefused(port, headers);
        }
        // The remembered Host is only ever a valid one: a bad Host after a good one is still refused.
        assertThat(get(port, "Host: localhost\r\n").status()).isEqualTo(200);
        assertRefused(port, "Host: localhost\u0000\r\n");
    }
}
