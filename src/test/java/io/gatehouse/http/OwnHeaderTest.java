package io.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** SPEC §11: a header Gatehouse makes is checked when made, so no response can carry an injected line. */
class OwnHeaderTest {
    @ParameterizedTest
    @ValueSource(strings = {"a\r\nSet-Cookie: x=1", "a\nb", "a\rb", "a\u0000b", "a\u007fb", "a\tb", " a", "", "caf\u00e9",
            "a/b", "a<b>"})
    void safeRefusesAnythingOutsideItsCharacters(String value) {
        assertThatThrownBy(() -> OwnHeader.safe(HeaderNames.create("X-Test"), value))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void safeTakesIdsAndStructuredFieldsOfOurOwn() {
        assertThat(OwnHeader.safe(Exchange.X_REQUEST_ID, "0a1b-c_d.e:f").get()).isEqualTo("0a1b-c_d.e:f");
        assertThat(OwnHeader.safe(HeaderNames.create("RateLimit"), "\"app\";r=57;t=43, \"route\";r=1;t=2").get())
                .isEqualTo("\"app\";r=57;t=43, \"route\";r=1;t=2");
    }

    @Test
    void aConstantIsCheckedByHelidonsRulesWhenMade() {
        assertThatThrownBy(() -> OwnHeader.of(HeaderNames.CACHE_CONTROL, "no-store\r\nX: y"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OwnHeader.of(HeaderNames.create("Bad Name"), "v"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesTheSameBytesAsAPlainHeader() {
        OwnHeader h = OwnHeader.number(HeaderNames.create("X-RateLimit-Remaining"), -42);
        h.validate();
        BufferData out = BufferData.growing(64);
        h.writeHttp1Header(out);
        byte[] bytes = new byte[out.available()];
        out.read(bytes);
        assertThat(new String(bytes, StandardCharsets.US_ASCII)).isEqualTo("X-RateLimit-Remaining: -42\r\n");
        assertThat(OwnHeader.of(HeaderNames.CACHE_CONTROL, "no-store").allValues()).containsExactly("no-store");
    }
}
