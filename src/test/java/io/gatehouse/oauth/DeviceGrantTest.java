package io.gatehouse.oauth;

import static io.gatehouse.testing.TestClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.gatehouse.auth.CredentialFormat;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SPEC §5 v2 device authorization grant (RFC 8628), on a server whose clock the test moves. */
class DeviceGrantTest {
    static final String GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    private static final MutableClock CLOCK = MutableClock.startingNow();
    private static TestServer server;

    private OAuthHarness h;

    @BeforeAll
    static void start() {
        server = TestServer.start(Backend.H2, Map.of(), CLOCK);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void harness() {
        h = new OAuthHarness(server);
    }

    private OAuthHarness.Client cliApp(OAuthHarness.User owner) {
        return h.app(owner, "public", List.of("user.read"), List.of("http://127.0.0.1/callback"));
    }

    private Resp startRequest(OAuthHarness.Client c, String scope) {
        return h.api().send("POST", "/oauth/device_authorization", "client_id=" + c.id() + (scope == null ? "" : "&scope=" + scope),
                "Content-Type", "application/x-www-form-urlencoded");
    }

    private JsonNode start(OAuthHarness.Client c, String scope) {
        Resp r = startRequest(c, scope);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Cache-Control")).contains("no-store");
        return r.json();
    }

    private Resp poll(OAuthHarness.Client c, JsonNode d) {
        return h.api().send("POST", "/oauth/token", "grant_type=" + GRANT + "&client_id=" + c.id() + "&device_code="
                + d.get("device_code").asText(), "Content-Type", "application/x-www-form-urlencoded");
    }

    private static String error(Resp r) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        return r.json().get("error").asText();
    }

    /** The person: logs in, opens the verification page, types the code, answers the consent page. */
    private Browser.Page decide(OAuthHarness.User u, JsonNode d, String decision) {
        Browser b = h.loggedIn(u);
        Browser.Page page = b.open("/portal/device");
        assertThat(page.status()).isEqualTo(200);
        Browser.Page consent = b.submit(page, "/portal/device", Map.of("user_code", d.get("user_code").asText().toLowerCase()));
        assertThat(consent.body()).as(consent.body()).contains("Test App").contains("Approve");
        return b.submit(consent, "/portal/device/decide", Map.of("decision", decision));
    }

    @Test
    void pending_then_slow_down_then_approved_gives_tokens_once_with_an_id_token() throws Exception {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = cliApp(u);
        JsonNode d = start(c, "openid%20profile%20user.read");
        String issuer = server.server.issuer();
        assertThat(d.get("user_code").asText()).matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}");
        assertThat(d.get("verification_uri").asText()).isEqualTo(issuer + "/portal/device");
        assertThat(d.get("verification_uri_complete").asText()).startsWith(issuer + "/portal/device?user_code=");
        assertThat(d.get("expires_in").asInt()).isEqualTo(600);
        assertThat(d.get("interval").asInt()).isEqualTo(5);
        assertThat(d.get("device_code").asText()).matches(CredentialFormat.DEVICE_CODE.scannerPattern());

        // Put the clock 700 ns past a microsecond: a database that keeps microseconds rounds such a poll
        // time up, after which a poll a full interval later looked too fast.
        CLOCK.advance(Duration.ofNanos((1_700 - CLOCK.instant().getNano() % 1_000) % 1_000));
        assertThat(error(poll(c, d))).isEqualTo("authorization_pending");
        assertThat(error(poll(c, d))).isEqualTo("slow_down"); // again at once: the interval is now 10 s
        CLOCK.advance(Duration.ofSeconds(6));
        assertThat(error(poll(c, d))).isEqualTo("slow_down"); // 6 s < 10 s: still too fast, now 15 s
        CLOCK.advance(Duration.ofSeconds(15));
        assertThat(error(poll(c, d))).isEqualTo("authorization_pending");

        Browser.Page done = decide(u, d, "approve");
        assertThat(done.body()).contains("Device connected");
        CLOCK.advance(Duration.ofSeconds(15));
        Resp tokens = poll(c, d);
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        String at = tokens.json().get("access_token").asText();
        assertThat(h.api().get("/v1.0/me", bearer(at)).json().get("email").asText()).isEqualTo(u.email());
        var claims = new IDTokenValidator(new Issuer(issuer), new ClientID(c.id()), JWSAlgorithm.RS256,
                new URL(h.api().base + "/.well-known/jwks.json")).validate(JWTParser.parse(tokens.json().get("id_token").asText()), null);
        assertThat(claims.getSubject().getValue()).isEqualTo(Long.toString(u.id()));

        CLOCK.advance(Duration.ofSeconds(15));
        assertThat(error(poll(c, d))).isEqualTo("invalid_grant"); // a code gives tokens once
    }

    @Test
    void denied_is_access_denied_and_an_expired_code_is_expired_token() {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = cliApp(u);
        JsonNode denied = start(c, null);
        assertThat(decide(u, denied, "deny").body()).contains("Request denied");
        assertThat(error(poll(c, denied))).isEqualTo("access_denied");

        JsonNode late = start(c, null);
        CLOCK.advance(Duration.ofSeconds(601));
        assertThat(error(poll(c, late))).isEqualTo("expired_token");
        Browser b = h.loggedIn(u);
        Browser.Page page = b.submit(b.open("/portal/device"), "/portal/device", Map.of("user_code", late.get("user_code").asText()));
        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains("not right, has expired");
    }

    @Test
    void starts_are_counted_per_client_and_address_so_the_table_cannot_be_filled() {
        OAuthHarness.Client c = cliApp(h.user());
        for (int i = 0; i < 30; i++) {
            start(c, null);
        }
        Resp refused = startRequest(c, null);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().get("error").asText()).isEqualTo("too_many_requests");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 600L);
        assertThat(start(cliApp(h.user()), null).get("device_code")).as("another app from the address").isNotNull();
        // (the window's end is the throttles' own tests: this class's clock must stay near the real one for Nimbus)
    }

    @Test
    void revoking_the_app_ends_a_device_code_approved_but_not_yet_polled() {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = cliApp(u);
        JsonNode d = start(c, null);
        assertThat(decide(u, d, "approve").body()).contains("Device connected");
        Resp revoked = h.api().delete("/v1.0/me/authorizations/" + c.id(), io.gatehouse.testing.TestClient.token(h.apiKey(u)));
        assertThat(revoked.status()).isIn(200, 404); // no grant yet to count; the approval ends all the same
        CLOCK.advance(Duration.ofSeconds(6));
        assertThat(error(poll(c, d))).isEqualTo("access_denied");
    }

    @Test
    void the_verification_uri_complete_fills_the_code_and_another_client_cannot_use_the_device_code() {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = cliApp(u);
        JsonNode d = start(c, null);
        Browser b = h.loggedIn(u);
        Browser.Page page = b.open(d.get("verification_uri_complete").asText().substring(server.api.base.length()));
        assertThat(Browser.fields(page.body())).containsEntry("user_code", d.get("user_code").asText());
        OAuthHarness.Client other = cliApp(u);
        assertThat(error(poll(other, d))).isEqualTo("invalid_grant");
    }

    @Test
    void in_development_only_the_owner_and_test_users_may_approve() {
        OAuthHarness.User owner = h.user();
        OAuthHarness.Client c = cliApp(owner);
        JsonNode d = start(c, null);
        OAuthHarness.User stranger = h.user();
        Browser b = h.loggedIn(stranger);
        Browser.Page page = b.submit(b.open("/portal/device"), "/portal/device", Map.of("user_code", d.get("user_code").asText()));
        assertThat(page.status()).isEqualTo(403);
        assertThat(page.body()).contains("not yet approved");
        assertThat(error(poll(c, d))).isEqualTo("access_denied");
    }

    @Test
    void guessing_user_codes_is_throttled_like_passwords() {
        OAuthHarness.User u = h.user();
        Browser b = h.loggedIn(u);
        Browser.Page form = b.open("/portal/device");
        for (int i = 0; i < 10; i++) {
            Browser.Page wrong = b.submit(form, "/portal/device", Map.of("user_code", "BCDF-GHJ" + "KLMNPQRSTV".charAt(i)));
            assertThat(wrong.status()).isEqualTo(400);
        }
        Browser.Page refused = b.submit(form, "/portal/device", Map.of("user_code", "BCDF-GHJK"));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isNotNull();
        assertThat(refused.body()).contains("Too many wrong codes");
        // Posting straight to the decision form is counted and refused the same way.
        Browser.Page direct = b.request("POST", "/portal/device/decide", Map.of("user_code", "BCDF-GHJK", "decision", "approve"));
        assertThat(direct.status()).isEqualTo(429);
        CLOCK.advance(Duration.ofMinutes(6));
    }

    /**
     * SPEC §11: a failure throttle never refuses correct credentials, and user codes are throttled like passwords
     * (SPEC §5). An account past its wrong-code limit still gets the consent page for a right code, so a guesser
     * sharing its address (a NAT) cannot lock the people behind it out of connecting their devices (docs/security.md,
     * audit "attack2": why this stays).
     */
    @Test
    void a_right_code_is_never_refused_by_the_wrong_code_throttle() {
        OAuthHarness.User owner = h.user();
        OAuthHarness.Client c = cliApp(owner);
        JsonNode d = start(c, null);
        String right = d.get("user_code").asText();
        Browser b = h.loggedIn(owner);
        Browser.Page form = b.open("/portal/device");
        for (int i = 0; i < 11; i++) {
            String wrong = "BCDF-GHJ" + "KLMNPQRSTV".charAt(i % 10);
            if (!wrong.equals(right)) {
                assertThat(b.submit(form, "/portal/device", Map.of("user_code", wrong)).status()).isIn(400, 429);
            }
        }
        Browser.Page hit = b.submit(form, "/portal/device", Map.of("user_code", right));
        assertThat(hit.status()).as(hit.body()).isEqualTo(200);
        assertThat(hit.body()).contains("Approve");
        assertThat(decide(owner, d, "approve").body()).contains("Device connected");
        assertThat(poll(c, d).status()).isEqualTo(200);
        CLOCK.advance(Duration.ofMinutes(6));
    }

    /**
     * Audit "attack2": a poll read the last poll time and wrote the new one in two steps, so polls sent at once all
     * read the same old time and none was told to slow down. On a stopped clock, six at once: one is pending, five are
     * too fast.
     */
    @Test
    void polls_sent_at_once_are_each_measured_against_the_one_before() throws Exception {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = cliApp(u);
        JsonNode d = start(c, null);
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(6);
        List<String> errors;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(6)) {
            List<java.util.concurrent.Future<String>> polls = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                polls.add(pool.submit(() -> {
                    together.await();
                    return error(poll(c, d));
                }));
            }
            errors = new java.util.ArrayList<>();
            for (var f : polls) {
                errors.add(f.get());
            }
        }
        assertThat(errors).containsOnly("authorization_pending", "slow_down");
        assertThat(errors.stream().filter("authorization_pending"::equals)).hasSize(1);
    }
}
