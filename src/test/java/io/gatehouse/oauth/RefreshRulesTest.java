package io.gatehouse.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §11 v2 "Refresh tokens": rotation only after every check passed, an absolute grant lifetime
 * ({@code GATEHOUSE_GRANT_MAX_AGE}, default 365 days), and a failed PKCE check ends the code. The server
 * runs on a clock the test moves, so a year passes without waiting.
 */
class RefreshRulesTest {
    private static final MutableClock CLOCK = MutableClock.startingNow();
    private static TestServer server;

    private OAuthHarness h;
    private OAuthHarness.User dev;
    private OAuthHarness.Client app;

    @BeforeAll
    static void start() {
        server = TestServer.start(Backend.H2, Map.of(), CLOCK);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void setUp() {
        h = new OAuthHarness(server);
        dev = h.user();
        app = h.confidential(dev);
    }

    private RefreshToken firstRefreshToken() {
        return h.clientCredentials(app, h.apiKey(dev)).toSuccessResponse().getTokens().getRefreshToken();
    }

    private TokenResponse refresh(RefreshToken rt, String scope) {
        return OAuthHarness.send(new TokenRequest(h.token, app.basic(), new RefreshTokenGrant(rt),
                scope == null ? null : Scope.parse(scope)));
    }

    private static RefreshToken next(TokenResponse r) {
        assertThat(r.indicatesSuccess()).as(() -> r.toErrorResponse().getErrorObject().toJSONObject().toString()).isTrue();
        return r.toSuccessResponse().getTokens().getRefreshToken();
    }

    private Resp introspect(String token) {
        String basic = "Basic " + Base64.getEncoder().encodeToString((app.id() + ":" + app.secret()).getBytes());
        return h.api().send("POST", "/oauth/introspect", "token=" + token,
                "Authorization", basic, "Content-Type", "application/x-www-form-urlencoded");
    }

    @Test
    void a_refresh_refused_for_its_scope_leaves_the_token_usable_and_the_retry_is_not_reuse() {
        RefreshToken rt = firstRefreshToken();
        assertThat(OAuthHarness.error(refresh(rt, "leads.write"))).isEqualTo("invalid_scope");
        assertThat(OAuthHarness.error(refresh(rt, "user.read nonsense"))).isEqualTo("invalid_scope");

        // The client's retry with the same token works, and the grant lives on.
        RefreshToken rotated = next(refresh(rt, "user.read"));
        assertThat(introspect(rotated.getValue()).json().get("active").asBoolean()).isTrue();
        RefreshToken again = next(refresh(rotated, null));
        assertThat(again.getValue()).isNotEqualTo(rotated.getValue());
    }

    @Test
    void a_refresh_refused_for_another_client_leaves_the_token_usable() {
        RefreshToken rt = firstRefreshToken();
        OAuthHarness.Client other = h.confidential(dev);
        assertThat(OAuthHarness.error(h.refresh(other, rt))).isEqualTo("invalid_grant");
        assertThat(h.refresh(app, rt).indicatesSuccess()).isTrue();
    }

    @Test
    void reusing_a_rotated_refresh_token_still_revokes_the_whole_grant() {
        RefreshToken rt = firstRefreshToken();
        RefreshToken rotated = next(refresh(rt, null));
        assertThat(OAuthHarness.error(refresh(rt, null))).isEqualTo("invalid_grant");
        // The reuse killed the grant: its newest token is dead too.
        assertThat(OAuthHarness.error(refresh(rotated, null))).isEqualTo("invalid_grant");
        assertThat(introspect(rotated.getValue()).json().get("active").asBoolean()).isFalse();
    }

    @Test
    void refresh_slides_but_stops_at_the_grants_absolute_lifetime_of_365_days() {
        RefreshToken rt = firstRefreshToken();
        long grantStart = CLOCK.instant().getEpochSecond();
        long end = grantStart + Duration.ofDays(365).toSeconds();
        // Refreshing every 29 days keeps a 30-day refresh token alive, up to the grant's end and not past it.
        for (int i = 0; i < 12; i++) {
            CLOCK.advance(Duration.ofDays(29));
            rt = next(refresh(rt, null));
        }
        assertThat(introspect(rt.getValue()).json().get("exp").asLong())
                .as("a refresh token issued on day 348 expires with its grant on day 365, not on day 378")
                .isBetween(end - 5, end);
        CLOCK.advance(Duration.ofDays(16));
        rt = next(refresh(rt, null)); // day 364: still within the grant's life
        CLOCK.advance(Duration.ofDays(1).plusHours(1));
        assertThat(OAuthHarness.error(refresh(rt, null))).isEqualTo("invalid_grant");
        assertThat(introspect(rt.getValue()).json().get("active").asBoolean()).isFalse();
    }

    @Test
    void the_grant_lifetime_is_a_setting() {
        try (TestServer short_ = TestServer.start(Backend.H2, Map.of("GATEHOUSE_GRANT_MAX_AGE", "10d"), CLOCK)) {
            OAuthHarness s = new OAuthHarness(short_);
            OAuthHarness.User u = s.user();
            OAuthHarness.Client c = s.confidential(u);
            RefreshToken rt = s.clientCredentials(c, s.apiKey(u)).toSuccessResponse().getTokens().getRefreshToken();
            CLOCK.advance(Duration.ofDays(9));
            rt = next(s.refresh(c, rt));
            CLOCK.advance(Duration.ofDays(1).plusHours(1));
            assertThat(OAuthHarness.error(s.refresh(c, rt))).isEqualTo("invalid_grant");
        }
    }

    @Test
    void a_failed_pkce_check_ends_the_code_even_for_the_right_verifier() {
        CodeVerifier verifier = new CodeVerifier();
        AuthorizationCode code = h.code(dev, app, new State(), verifier);
        assertThat(OAuthHarness.error(h.codeGrant(app, code, new CodeVerifier()))).isEqualTo("invalid_grant");
        assertThat(OAuthHarness.error(h.codeGrant(app, code, verifier))).isEqualTo("invalid_grant");
    }

    @Test
    void a_missing_verifier_ends_the_code_too() {
        CodeVerifier verifier = new CodeVerifier();
        AuthorizationCode code = h.code(dev, app, new State(), verifier);
        assertThat(OAuthHarness.error(h.codeGrant(app, code, null))).isEqualTo("invalid_grant");
        assertThat(OAuthHarness.error(h.codeGrant(app, code, verifier))).isEqualTo("invalid_grant");
    }

    @Test
    void the_right_verifier_the_first_time_works() {
        CodeVerifier verifier = new CodeVerifier();
        AuthorizationCode code = h.code(dev, app, new State(), verifier);
        assertThat(h.codeGrant(app, code, verifier).indicatesSuccess()).isTrue();
    }
}
