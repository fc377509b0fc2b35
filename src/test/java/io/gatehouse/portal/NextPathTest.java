package io.gatehouse.portal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC §11 "Redirects": which {@code next} values may follow a login. */
class NextPathTest {
    @ParameterizedTest
    @ValueSource(strings = {"/portal", "/portal/", "/portal/apps", "/portal/apps/ghc_abc?done=saved", "/portal/keys",
            "/oauth/authorize?response_type=code&client_id=ghc_x&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&state=a%2F1",
            "/portal/apps/caf%C3%A9"})
    void paths_of_this_server_under_portal_and_oauth_are_kept(String next) {
        assertThat(NextPath.isSafe(next)).isTrue();
        assertThat(LoginEndpoints.safeNext(next)).isEqualTo(next);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "https://evil.example", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
            "/\t/evil.com", "/%09/evil.com", "/\n/x", "/%0a/x", "/%0A/x", "/%0d%0aSet-Cookie:x", "/portal/%2f%2fevil.com",
            "/portal/%5cevil.com", "/portal/%5Cevil.com", "/portal/..", "/portal/../admin", "/portal/%2e%2e/x", "/portal/%2E/x",
            "/portal//evil.com", "/portal/./x", "/portal/%252f", "/portal/%zz", "/portal/%4", "/portal/a b", "/portal/é",
            "/portal#frag", "/v1.0/me", "/admin/v1/accounts", "/portalx", "/oauth", "javascript:alert(1)", "/portal/\u0000",
            "/portal?x=\u007f"})
    void anything_else_goes_to_the_portal(String next) {
        assertThat(NextPath.isSafe(next)).as(next).isFalse();
        assertThat(LoginEndpoints.safeNext(next)).isEqualTo("/portal");
    }

    @org.junit.jupiter.api.Test
    void a_null_or_huge_next_goes_to_the_portal() {
        assertThat(LoginEndpoints.safeNext(null)).isEqualTo("/portal");
        assertThat(LoginEndpoints.safeNext("/portal/" + "a".repeat(5000))).isEqualTo("/portal");
    }
}
