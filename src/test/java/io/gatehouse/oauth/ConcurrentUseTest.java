package io.gatehouse.oauth;

import static io.gatehouse.testing.TestClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same single-use secret presented several times at once, over real HTTP from several threads (audit
 * "attack2", docs/security.md): an authorization code, a refresh token, an approved device code and a
 * password-reset link each work exactly once, and a code or refresh token's reuse still revokes the grant the
 * winner got. On both databases, whose row locks differ.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class ConcurrentUseTest {
    private static final int RACERS = 6;

    @Parameter
    Backend backend;

    private OAuthHarness h;

    @BeforeEach
    void harness() {
        h = new OAuthHarness(TestServer.shared(backend));
    }

    /** Runs {@code RACERS} calls released together by a barrier; their answers in order. */
    private static <T> List<T> race(IntFunction<T> call) throws Exception {
        CyclicBarrier start = new CyclicBarrier(RACERS);
        try (ExecutorService pool = Executors.newFixedThreadPool(RACERS)) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                int n = i;
                Callable<T> task = () -> {
                    start.await();
                    return call.apply(n);
                };
                futures.add(pool.submit(task));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }

    @Test
    void one_code_exchanged_at_once_from_many_threads_gives_tokens_once_and_the_replays_revoke_them() throws Exception {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.confidential(u);
        AuthorizationCode code = h.code(u, c, new State(), null);

        List<TokenResponse> answers = race(i -> h.codeGrant(c, code, null));

        List<TokenResponse> won = answers.stream().filter(TokenResponse::indicatesSuccess).toList();
        assertThat(won).as("exactly one exchange succeeds").hasSize(1);
        answers.stream().filter(r -> !r.indicatesSuccess())
                .forEach(r -> assertThat(OAuthHarness.error(r)).isEqualTo("invalid_grant"));
        // The losers were replays: the winner's tokens are revoked.
        var tokens = won.get(0).toSuccessResponse().getTokens();
        assertThat(h.api().get("/v1.0/me", bearer(tokens.getAccessToken().getValue())).status()).isEqualTo(401);
        assertThat(OAuthHarness.error(h.refresh(c, tokens.getRefreshToken()))).isEqualTo("invalid_grant");
    }

    @Test
    void one_refresh_token_presented_at_once_from_many_threads_rotates_once_and_the_reuse_revokes_the_grant() throws Exception {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.confidential(u);
        RefreshToken rt = h.clientCredentials(c, h.apiKey(u)).toSuccessResponse().getTokens().getRefreshToken();

        List<TokenResponse> answers = race(i -> h.refresh(c, rt));

        List<TokenResponse> won = answers.stream().filter(TokenResponse::indicatesSuccess).toList();
        assertThat(won).as("exactly one rotation succeeds").hasSize(1);
        answers.stream().filter(r -> !r.indicatesSuccess())
                .forEach(r -> assertThat(OAuthHarness.error(r)).isEqualTo("invalid_grant"));
        var tokens = won.get(0).toSuccessResponse().getTokens();
        assertThat(h.api().get("/v1.0/me", bearer(tokens.getAccessToken().getValue())).status())
                .as("the reuse revoked the grant, the winner's new tokens with it").isEqualTo(401);
        assertThat(OAuthHarness.error(h.refresh(c, tokens.getRefreshToken()))).isEqualTo("invalid_grant");
    }

    @Test
    void one_approved_device_code_polled_at_once_from_many_threads_gives_tokens_once() throws Exception {
        OAuthHarness.User u = h.user();
        OAuthHarness.Client c = h.app(u, "public", List.of("user.read"), List.of("http://127.0.0.1/callback"));
        Resp started = h.api().send("POST", "/oauth/device_authorization", "client_id=" + c.id(),
                "Content-Type", "application/x-www-form-urlencoded");
        JsonNode d = started.json();
        Browser b = h.loggedIn(u);
        Browser.Page consent = b.submit(b.open("/portal/device"), "/portal/device", Map.of("user_code", d.get("user_code").asText()));
        assertThat(b.submit(consent, "/portal/device/decide", Map.of("decision", "approve")).body()).contains("Device connected");

        List<Resp> answers = race(i -> h.api().send("POST", "/oauth/token", "grant_type=" + DeviceCodeGrant.GRANT_TYPE
                + "&client_id=" + c.id() + "&device_code=" + d.get("device_code").asText(),
                "Content-Type", "application/x-www-form-urlencoded"));

        assertThat(answers.stream().filter(r -> r.status() == 200)).as("exactly one poll gets tokens").hasSize(1);
        answers.stream().filter(r -> r.status() != 200).forEach(r -> {
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo("invalid_grant");
        });
    }

    @Test
    void one_password_reset_link_used_at_once_from_many_threads_sets_one_password() throws Exception {
        Fixtures.Account a = Fixtures.account(h.server);
        Resp issued = h.admin().post("/admin/v1/accounts/" + a.id() + "/password-reset", Map.of());
        URI link = URI.create(issued.json().get("url").asText());
        String token = link.getRawQuery().substring("token=".length());
        List<Browser> browsers = new ArrayList<>();
        List<Browser.Page> forms = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            Browser b = new Browser(h.api().base);
            forms.add(b.open(link.getRawPath() + "?" + link.getRawQuery()));
            browsers.add(b);
        }

        List<Browser.Page> answers = race(i -> browsers.get(i).submit(forms.get(i), "/portal/reset",
                Map.of("token", token, "password", "new password number " + i, "confirm", "new password number " + i)));

        List<Integer> won = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            Browser.Page p = answers.get(i);
            if (p.url().endsWith("/portal/login?done=reset")) {
                won.add(i);
            } else {
                // 400: the link was used by another; 503: the hashing gate was full for a while (SPEC §11), which
                // changes nothing either.
                assertThat(p.status()).as(p.body()).isIn(400, 503);
            }
        }
        assertThat(won).as("exactly one reset succeeds").hasSize(1);
        int winner = won.getFirst();
        int loser = (winner + 1) % RACERS;
        // The winner's password works and another racer's does not (one wrong login only: the per-address failure
        // count is shared with the other tests on this server).
        for (int i : new int[] {winner, loser}) {
            Browser b = new Browser(h.api().base);
            b.open("/portal/login");
            int status = b.request("POST", "/portal/login", Map.of("email", a.email(), "password", "new password number " + i)).status();
            assertThat(status).as("password " + i).isEqualTo(i == winner ? 303 : 401);
        }
    }

    /**
     * Audit "attack2": a login checks the password, then stores its session. A login with the old password that was
     * checked before a reset committed and stored its session after the reset ended the account's sessions kept that
     * session for its 12 hours: whoever knew the old password (the reason for the reset) and kept logging in survived
     * it. Logins run in a loop from several threads while the reset happens; every session they got must be dead.
     */
    @Test
    @org.junit.jupiter.api.Timeout(180)
    void a_login_with_the_old_password_in_flight_during_a_reset_keeps_no_session() throws Exception {
        Fixtures.Account a = Fixtures.account(h.server);
        URI link = URI.create(h.admin().post("/admin/v1/accounts/" + a.id() + "/password-reset", Map.of()).json().get("url").asText());
        Browser resetter = new Browser(h.api().base);
        Browser.Page form = resetter.open(link.getRawPath() + "?" + link.getRawQuery());
        java.util.concurrent.atomic.AtomicBoolean resetDone = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch looping = new java.util.concurrent.CountDownLatch(RACERS);
        List<String> sessions = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> loggers = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            loggers.add(Thread.ofPlatform().daemon().start(() -> {
                boolean counted = false;
                try {
                    while (true) {
                        boolean last = resetDone.get(); // an attempt that starts after the reset answered is the last one
                        Browser b = new Browser(h.api().base);
                        b.open("/portal/login");
                        if (b.request("POST", "/portal/login", Map.of("email", a.email(), "password", OAuthHarness.PASSWORD)).status() == 303) {
                            sessions.add(b.cookie("gatehouse_session"));
                        }
                        if (!counted) {
                            looping.countDown();
                            counted = true;
                        }
                        if (last) {
                            return;
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    if (!counted) {
                        looping.countDown();
                    }
                }
            }));
        }
        try {
            assertThat(looping.await(60, java.util.concurrent.TimeUnit.SECONDS)).as("every login thread ran once").isTrue();
            // The logins queue at the hashing gate too; a reset that met it full (503) changed nothing and is sent again.
            Browser.Page done = null;
            for (int attempt = 0; attempt < 20 && (done == null || done.status() == 503); attempt++) {
                done = resetter.submit(form, "/portal/reset", Map.of("password", "a new password at last", "confirm",
                        "a new password at last"));
            }
            assertThat(done.url()).as(done.body()).endsWith("/portal/login?done=reset");
        } finally {
            resetDone.set(true);
            for (Thread t : loggers) {
                t.join(60_000);
            }
        }
        assertThat(failures).isEmpty();

        assertThat(sessions).as("the logins before the reset got sessions").isNotEmpty();
        for (String session : sessions) {
            Resp r = h.api().get("/portal/keys", "Cookie", "gatehouse_session=" + session);
            assertThat(r.status()).as("a session from the old password outlived the reset").isEqualTo(303);
        }
    }
}
