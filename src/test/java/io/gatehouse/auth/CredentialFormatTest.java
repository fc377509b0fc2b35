package io.gatehouse.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.apikey.ApiKeyFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Our credentials are recognisable as ours, and as nobody else's. */
class CredentialFormatTest {
    /**
     * Prefixes the big token issuers publish for secret scanning (GitHub, GitLab, Stripe, Slack, Google),
     * from their documentation as of 2026.
     */
    private static final List<String> PUBLISHED_PREFIXES = List.of(
            // GitHub: personal, OAuth, user-to-server, server-to-server, refresh; fine-grained PATs
            "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_",
            // GitLab
            "glpat-", "gloas-", "gldt-", "glrt-", "glcbt-", "glptt-", "glft-", "glimt-", "glagent-", "glsoat-", "glffct-",
            "glrtr-", "glwt-", "GR1348941",
            // Stripe
            "sk_live_", "sk_test_", "pk_live_", "pk_test_", "rk_live_", "rk_test_", "whsec_",
            // Slack
            "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xoxe.xoxp-", "xapp-",
            // Google: API keys, OAuth access and refresh tokens, OAuth client secrets
            "AIza", "ya29.", "1//", "GOCSPX-");

    /** The same issuers' published detection expressions (GitHub's allow 36+ characters after the prefix). */
    private static final Map<String, Pattern> PUBLISHED_PATTERNS = Map.of(
            "GitHub", Pattern.compile("(gh[pousr]_[A-Za-z0-9_]{36,255}|github_pat_[A-Za-z0-9_]{82})"),
            "GitLab", Pattern.compile("gl[a-z]{2,7}-[A-Za-z0-9_-]{20,}"),
            "Stripe", Pattern.compile("([spr]k_(live|test)_[A-Za-z0-9]{10,99}|whsec_[A-Za-z0-9]{32,})"),
            "Slack", Pattern.compile("(xox[abposre]-[A-Za-z0-9-]{10,}|xapp-[0-9]-[A-Za-z0-9-]+)"),
            "Google", Pattern.compile("(AIza[0-9A-Za-z_-]{35}|ya29\\.[0-9A-Za-z_-]+|1//[0-9A-Za-z_-]{40,}|GOCSPX-[A-Za-z0-9_-]{28})"));

    @ParameterizedTest
    @EnumSource(CredentialFormat.class)
    void no_prefix_of_ours_is_or_starts_like_a_published_one(CredentialFormat f) {
        for (String theirs : PUBLISHED_PREFIXES) {
            assertThat(f.prefix()).as("%s against %s", f, theirs).doesNotStartWith(theirs);
            assertThat(theirs).as("%s against %s", f, theirs).doesNotStartWith(f.prefix());
        }
    }

    @ParameterizedTest
    @EnumSource(value = CredentialFormat.class, names = "API_KEY", mode = EnumSource.Mode.EXCLUDE)
    void a_minted_value_matches_our_expression_and_no_published_one(CredentialFormat f) {
        for (int i = 0; i < 200; i++) {
            String value = f.mint();
            assertThat(value).matches(f.scannerPattern());
            assertThat(f.accepts(value)).isTrue();
            PUBLISHED_PATTERNS.forEach((issuer, p) -> assertThat(p.matcher(value).find()).as("%s matches %s", issuer, value).isFalse());
            for (CredentialFormat other : CredentialFormat.values()) {
                if (other != f) {
                    assertThat(value).as("%s is not a %s", f, other).doesNotMatch(other.scannerPattern());
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = CredentialFormat.class, names = {"CLIENT_SECRET", "REFRESH_TOKEN", "SESSION", "PASSWORD_RESET", "DEVICE_CODE"})
    void a_value_with_one_character_changed_or_cut_fails_its_checksum(CredentialFormat f) {
        String value = f.mint();
        int at = f.prefix().length() + 7;
        char c = value.charAt(at);
        String changed = value.substring(0, at) + (c == 'a' ? 'b' : 'a') + value.substring(at + 1);
        assertThat(f.accepts(changed)).isFalse();
        assertThat(f.accepts(value.substring(0, value.length() - 1))).isFalse();
        assertThat(f.accepts(value + "x")).isFalse();
        assertThat(f.accepts(f.prefix() + "!".repeat(CredentialFormat.RANDOM_CHARS + CredentialFormat.CHECKSUM_CHARS))).isFalse();
    }

    @Test
    void values_with_the_earlier_prefixes_are_still_accepted() {
        assertThat(CredentialFormat.CLIENT_SECRET.accepts("ghs_" + Secrets.randomText(32))).isTrue();
        assertThat(CredentialFormat.REFRESH_TOKEN.accepts("ghr_" + Secrets.randomText(32))).isTrue();
        assertThat(CredentialFormat.SESSION.accepts("ghsess_" + Secrets.randomText(32))).isTrue();
        assertThat(CredentialFormat.CLIENT_ID.accepts("ghc_" + Secrets.randomText(15))).isTrue();
        assertThat(CredentialFormat.PASSWORD_RESET.accepts("ghrst_" + Secrets.randomText(32))).isTrue();
        assertThat(CredentialFormat.DEVICE_CODE.accepts("ghd_" + Secrets.randomText(32))).isTrue();
        assertThat(CredentialFormat.REFRESH_TOKEN.accepts("ghs_" + Secrets.randomText(32))).isFalse();
        assertThat(CredentialFormat.REFRESH_TOKEN.accepts("eyJhbGciOiJSUzI1NiJ9.e30.sig")).isFalse();
    }

    @Test
    void the_api_key_prefix_is_the_one_the_key_format_signs_with() {
        assertThat(ApiKeyFormat.PREFIX).isEqualTo(CredentialFormat.API_KEY.prefix());
    }

    @Test
    void secrets_of_every_kind_and_age_are_masked_in_logs_but_client_ids_are_not() {
        assertThat(CredentialFormat.containsSecret(CredentialFormat.CLIENT_SECRET.mint())).isTrue();
        assertThat(CredentialFormat.containsSecret("ghr_abc")).isTrue();
        assertThat(CredentialFormat.containsSecret("key=" + CredentialFormat.CLIENT_SECRET.mint())).isTrue();
        assertThat(CredentialFormat.containsSecret(CredentialFormat.CLIENT_ID.mint())).isFalse();
    }
}
