package io.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * FormData decodes without URLDecoder when a value holds no '%' (issue 15): the results, and the errors, must be
 * URLDecoder's own. Inputs are drawn from an alphabet heavy in what matters to a decoder ('%', '+', hex digits,
 * signs, bytes of multi-byte UTF-8, NUL), so malformed escapes and invalid UTF-8 come up often.
 */
class FormDataDecodeTest {

    @Property(tries = 5000)
    void decodes_as_url_decoder_does(@ForAll("formText") String s) {
        String expected;
        try {
            expected = URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            assertThatThrownBy(() -> FormData.urlDecode(s)).as(s).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        assertThat(FormData.urlDecode(s)).as(s).isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> formText() {
        Arbitrary<Character> chars = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.chars().alpha().numeric().with('-', '.', '_', '~')),
                net.jqwik.api.Tuple.of(3, Arbitraries.of('%')),
                net.jqwik.api.Tuple.of(2, Arbitraries.of('+', '-', ' ', '\0')),
                net.jqwik.api.Tuple.of(4, Arbitraries.of('0', '7', '8', 'c', 'C', 'e', 'E', 'f', 'F', 'g', 'x')),
                net.jqwik.api.Tuple.of(1, Arbitraries.of('é', '€', '\uD83D', '\uDE00')));
        return chars.list().ofMaxSize(24).map(l -> {
            StringBuilder b = new StringBuilder(l.size());
            l.forEach(b::append);
            return b.toString();
        });
    }

    @Test
    void the_common_forms_come_back_unchanged_or_with_plus_as_space() {
        String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_x";
        assertThat(FormData.urlDecode(token)).isSameAs(token);
        assertThat(FormData.urlDecode("a+b+c")).isEqualTo("a b c");
        assertThat(FormData.parse("token=" + token + "&token_type_hint=access_token&scope=a+b"))
                .isEqualTo(Map.of("token", token, "token_type_hint", "access_token", "scope", "a b"));
    }

    @Test
    void malformed_escapes_invalid_utf8_and_nul_are_as_before() {
        assertThatThrownBy(() -> FormData.parse("token=%")).isInstanceOf(DomainException.class);
        assertThatThrownBy(() -> FormData.parse("token=%4")).isInstanceOf(DomainException.class);
        assertThatThrownBy(() -> FormData.parse("token=%zz")).isInstanceOf(DomainException.class);
        assertThatThrownBy(() -> FormData.parse("token=%-1")).isInstanceOf(DomainException.class);
        assertThatThrownBy(() -> FormData.parse("token=a%00b")).isInstanceOf(DomainException.class);
        assertThatThrownBy(() -> FormData.parse("token=a\0b")).isInstanceOf(DomainException.class);
        assertThat(FormData.parse("token=%C3%A9%FF")).isEqualTo(Map.of("token", "é\uFFFD"));
    }
}
