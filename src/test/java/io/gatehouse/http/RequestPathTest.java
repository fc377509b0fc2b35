package io.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC §11 v2 "One path": what a path normalizes to, and what is refused. */
class RequestPathTest {
    @ParameterizedTest
    @CsvSource({
            "/v1.0/leads, /v1.0/leads",
            "/v1.0/leads/, /v1.0/leads/",
            "/, /",
            "/v1.0/billing/../ai/generate, /v1.0/ai/generate",
            "/v1.0/billing/%2e%2E/ai, /v1.0/ai",
            "/v1.0/./leads, /v1.0/leads",
            "/v1.0//leads, /v1.0/leads",
            "/v1.0/leads/.., /v1.0/",
            "/v1.0/leads/., /v1.0/leads/",
            "/%76%31.0/me, /v1.0/me",
            "/a/caf%c3%a9, /a/caf%C3%A9",
            "/a/%20b, /a/%20b",
            "/a/b+c, /a/b+c",
            "/a/100%25, /a/100%25",
            "/a/%25x, /a/%25x",
            "/a/.hidden, /a/.hidden",
            "/a/x..y, /a/x..y",
            "/a/b;v=1, /a/b;v=1",
            "/a/\"q\", /a/%22q%22",
    })
    void a_path_is_normalized_once(String raw, String normalized) {
        assertThat(RequestPath.normalize(raw)).isEqualTo(normalized);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/a/../..", "/a/%2e%2e/%2E%2E", "/a%2fb", "/a%2Fb", "/a%5cb", "/a\\b", "/a/%00",
            "/a/%0a", "/a/%7F", "/a/\u0001", "/a/%zz", "/a/%4", "/a/%", "/a/..;/b", "/a/.;x/b", "/a/%252e%252e", "/a/%252F", "/a/%25%32%65",
            "relative", ""})
    void a_path_that_cannot_be_made_safe_is_refused(String raw) {
        assertThatThrownBy(() -> RequestPath.normalize(raw)).isInstanceOf(RequestPath.InvalidPathException.class);
    }

    @ParameterizedTest
    @CsvSource({"a%20b, a b", "a+b, a+b", "caf%C3%A9, café", "plain, plain"})
    void a_route_parameter_decodes_escapes_and_keeps_a_plus(String segment, String decoded) {
        assertThat(RequestPath.decodeSegment(segment)).isEqualTo(decoded);
    }
}
