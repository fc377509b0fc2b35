package io.gatehouse.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestClient;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Audit "attack2" (docs/security.md): the portal's cookies behind an https issuer, session fixation at login, and
 * logout, with hand-written cookies (a planted session is what an attacker would try). Plain http to the node, as
 * behind a TLS-terminating proxy, so the JDK's cookie jar (which keeps Secure cookies from http) is not used.
 */
class SessionCookieTest {
    private static final String PASSWORD = "correct horse battery";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Backend.H2, Map.of("GATEHOUSE_ISSUER", "https://gatehouse.example"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static TestClient api() {
        return server.api;
    }

    private static String cookie(Resp r, String name) {
        return setCookies(r).stream().filter(c -> c.startsWith(name + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " cookie in " + r.headers()));
    }

    private static List<String> setCookies(Resp r) {
        return r.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("set-cookie"))
                .flatMap(e -> e.getValue().stream()).toList();
    }

    private static String value(String setCookie) {
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    private static Resp post(String path, String cookies, Map<String, String> form) {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return api().send("POST", path, body.toString(), "Content-Type", "application/x-www-form-urlencoded", "Cookie", cookies);
    }

    private static String csrf() {
        String c = cookie(api().get("/portal/login"), Csrf.COOKIE);
        assertThat(c).contains("; HttpOnly").contains("; SameSite=Strict").contains("; Secure").contains("; Path=/");
        return value(c);
    }

    /** Logs in with these cookies already in the browser; returns the new session cookie's value. */
    private static String logIn(Fixtures.Account a, String csrf, String plantedSession) {
        String cookies = Csrf.COOKIE + "=" + csrf + (plantedSession == null ? "" : "; " + Sessions.COOKIE + "=" + plantedSession);
        String token = plantedSession == null ? csrf : Csrf.forSession(plantedSession);
        Resp r = post("/portal/login", cookies, Map.of("email", a.email(), "password", PASSWORD, "csrf", token));
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        String session = cookie(r, Sessions.COOKIE);
        assertThat(session).contains("; HttpOnly").contains("; SameSite=Lax").contains("; Secure").contains("; Path=/");
        return value(session);
    }

    private static Resp settings(String session) {
        return api().get("/portal/settings", "Cookie", Sessions.COOKIE + "=" + session);
    }

    @Test
    void a_login_always_makes_a_new_session_so_a_planted_one_is_never_upgraded() {
        Fixtures.Account attacker = Fixtures.account(server);
        Fixtures.Account victim = Fixtures.account(server);
        String csrf = csrf();
        String planted = logIn(attacker, csrf, null);

        String victims = logIn(victim, csrf, planted);
        assertThat(victims).isNotEqualTo(planted);
        assertThat(settings(planted).body()).contains(attacker.email()).doesNotContain(victim.email());
        assertThat(settings(victims).body()).contains(victim.email());
    }

    @Test
    void logout_needs_the_form_token_and_ends_the_session_on_the_server_not_only_the_cookie() {
        Fixtures.Account a = Fixtures.account(server);
        String csrf = csrf();
        String session = logIn(a, csrf, null);
        String cookies = Csrf.COOKIE + "=" + csrf + "; " + Sessions.COOKIE + "=" + session;

        assertThat(post("/portal/logout", cookies, Map.of()).status()).as("no token").isEqualTo(403);
        assertThat(post("/portal/logout", cookies, Map.of("csrf", csrf)).status()).as("the anonymous token").isEqualTo(403);
        assertThat(settings(session).status()).isEqualTo(200);

        Resp out = post("/portal/logout", cookies, Map.of("csrf", Csrf.forSession(session)));
        assertThat(out.status()).isEqualTo(303);
        assertThat(cookie(out, Sessions.COOKIE)).contains("Max-Age=0").contains("; Secure");
        Resp after = settings(session);
        assertThat(after.status()).as("the old cookie value no longer works").isEqualTo(303);
        assertThat(after.header("Location")).startsWith("/portal/login");
    }
}
