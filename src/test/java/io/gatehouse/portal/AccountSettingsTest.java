package io.gatehouse.portal;

import static io.gatehouse.portal.PortalPagesTest.PASSWORD;
import static io.gatehouse.portal.PortalPagesTest.loggedIn;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** SPEC §8 v2, account settings over HTTP: name, email with the password, password ending every other session. */
@ParameterizedClass
@EnumSource(Backend.class)
class AccountSettingsTest {
    @Parameter
    Backend backend;

    private TestServer server;

    @BeforeEach
    void setUp() {
        server = TestServer.shared(backend);
    }

    private static boolean canLogIn(TestServer server, String email, String password) {
        Browser b = new Browser(server.api.base);
        b.open("/portal/login");
        return b.request("POST", "/portal/login", Map.of("email", email, "password", password)).status() == 303;
    }

    @Test
    void a_name_change_redirects_and_shows_on_the_page_and_over_the_api() {
        Fixtures.Account a = Fixtures.account(server);
        Browser b = loggedIn(server, a);
        b.open("/portal/settings");
        Browser.Page saved = b.request("POST", "/portal/settings/profile", Map.of("firstName", "Grace", "lastName", "Hopper"));
        assertThat(saved.status()).isEqualTo(303);
        assertThat(saved.location()).isEqualTo("/portal/settings?done=profile");
        Browser.Page page = b.open(saved.location());
        assertThat(page.body()).contains("Your name was saved.").contains("value=\"Grace\"").contains("value=\"Hopper\"");
        assertThat(server.admin.get("/admin/v1/accounts/" + a.id()).json().get("lastName").asText()).isEqualTo("Hopper");
    }

    @Test
    void an_email_change_needs_the_password_and_then_the_new_email_logs_in() {
        Fixtures.Account a = Fixtures.account(server);
        Fixtures.Account other = Fixtures.account(server);
        Browser b = loggedIn(server, a);
        b.open("/portal/settings");
        String newEmail = Fixtures.uniqueEmail();

        Browser.Page wrong = b.request("POST", "/portal/settings/email", Map.of("email", newEmail, "password", "not my password"));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body()).contains("The current password is not right.");
        Browser.Page taken = b.request("POST", "/portal/settings/email", Map.of("email", other.email(), "password", PASSWORD));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(server.admin.get("/admin/v1/accounts/" + a.id()).json().get("email").asText()).isEqualTo(a.email());

        Browser.Page changed = b.request("POST", "/portal/settings/email", Map.of("email", newEmail, "password", PASSWORD));
        assertThat(changed.status()).isEqualTo(303);
        assertThat(changed.location()).isEqualTo("/portal/settings?done=email");
        assertThat(b.open(changed.location()).body()).contains(newEmail);
        assertThat(canLogIn(server, newEmail, PASSWORD)).isTrue();
        assertThat(canLogIn(server, a.email(), PASSWORD)).isFalse();
    }

    @Test
    void a_password_change_needs_the_old_one_and_ends_every_other_session_but_this_one() {
        Fixtures.Account a = Fixtures.account(server);
        Browser here = loggedIn(server, a);
        Browser elsewhere = loggedIn(server, a);
        here.open("/portal/settings");
        String next = "a brand new passphrase";

        Browser.Page wrong = here.request("POST", "/portal/settings/password",
                Map.of("current", "not my password", "password", next, "confirm", next));
        assertThat(wrong.status()).isEqualTo(400);
        Browser.Page mismatch = here.request("POST", "/portal/settings/password",
                Map.of("current", PASSWORD, "password", next, "confirm", next + "x"));
        assertThat(mismatch.status()).isEqualTo(400);
        Browser.Page tooShort = here.request("POST", "/portal/settings/password", Map.of("current", PASSWORD, "password", "short",
                "confirm", "short"));
        assertThat(tooShort.status()).isEqualTo(400);
        assertThat(elsewhere.request("GET", "/portal/keys", null).status()).as("refused changes end nothing").isEqualTo(200);
        assertThat(canLogIn(server, a.email(), PASSWORD)).isTrue();

        Browser.Page changed = here.request("POST", "/portal/settings/password", Map.of("current", PASSWORD, "password", next,
                "confirm", next));
        assertThat(changed.status()).isEqualTo(303);
        assertThat(changed.location()).isEqualTo("/portal/settings?done=password");
        assertThat(here.request("GET", "/portal/keys", null).status()).as("this session lives on").isEqualTo(200);
        Browser.Page ended = elsewhere.request("GET", "/portal/keys", null);
        assertThat(ended.status()).as("the other session ended").isEqualTo(303);
        assertThat(ended.location()).startsWith("/portal/login");
        assertThat(canLogIn(server, a.email(), PASSWORD)).isFalse();
        assertThat(canLogIn(server, a.email(), next)).isTrue();
    }

    @Test
    void wrong_current_passwords_are_throttled_and_audited_but_the_right_one_still_works() {
        Fixtures.Account a = Fixtures.account(server);
        Browser b = loggedIn(server, a);
        b.open("/portal/settings");
        for (int i = 0; i < 10; i++) {
            Browser.Page wrong = b.request("POST", "/portal/settings/email", Map.of("email", Fixtures.uniqueEmail(), "password", "guess " + i));
            assertThat(wrong.status()).as("guess " + i).isEqualTo(400);
        }
        Browser.Page throttled = b.request("POST", "/portal/settings/password",
                Map.of("current", "guess 10", "password", "a brand new passphrase", "confirm", "a brand new passphrase"));
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.body()).contains("Too many wrong passwords");
        assertThat(b.request("POST", "/portal/settings/delete", Map.of("password", "guess 11")).status()).isEqualTo(429);
        assertThat(server.admin.get("/admin/v1/accounts/" + a.id()).json().get("email").asText()).isEqualTo(a.email());
        // SPEC §11: the count never refuses the right password
        String newEmail = Fixtures.uniqueEmail();
        assertThat(b.request("POST", "/portal/settings/email", Map.of("email", newEmail, "password", PASSWORD)).status()).isEqualTo(303);
        var failed = server.admin.get("/admin/v1/audit?type=login.failed&account=" + a.id()).json().get("events");
        assertThat(failed).hasSizeGreaterThanOrEqualTo(12);
        assertThat(failed.get(0).get("details").get("via").asText()).isEqualTo("password_check");
    }

    @Test
    void changes_made_in_the_portal_are_audited_with_the_fields_they_touched() {
        Fixtures.Account a = Fixtures.account(server);
        Browser b = loggedIn(server, a);
        b.open("/portal/settings");
        assertThat(b.request("POST", "/portal/settings/profile", Map.of("firstName", "Ada", "lastName", "Byron")).status()).isEqualTo(303);
        assertThat(b.request("POST", "/portal/settings/email", Map.of("email", Fixtures.uniqueEmail(), "password", PASSWORD)).status())
                .isEqualTo(303);
        var changed = server.admin.get("/admin/v1/audit?type=account.changed&account=" + a.id()).json().get("events");
        assertThat(changed).hasSize(2);
        assertThat(changed.toString()).contains("\"email\"").contains("\"firstName\"").contains("\"lastName\"")
                .doesNotContain("Byron");
        assertThat(changed.get(0).get("actor").asText()).isEqualTo(Long.toString(a.id()));
    }

    @Test
    void the_settings_forms_refuse_a_missing_csrf_token_and_change_nothing() {
        Fixtures.Account a = Fixtures.account(server);
        Browser b = loggedIn(server, a);
        Browser.Page p = b.request("POST", "/portal/settings/profile", Map.of("firstName", "Eve", "csrf", "forged-token-forged-token"));
        assertThat(p.status()).isEqualTo(403);
        assertThat(server.admin.get("/admin/v1/accounts/" + a.id()).json().get("firstName").asText()).isNotEqualTo("Eve");
    }

    /**
     * Audit "attack2": the form token was a double-submit cookie, equal to the {@code gatehouse_csrf} cookie whatever
     * the session. Whoever can write a cookie for this host (a sibling subdomain, which is same-site so SameSite does
     * not stop its posts either, or a network attacker on plain http) picked a value and posted forms with it. A
     * logged-in browser's token is now derived from its session cookie, which nobody else knows.
     */
    @Test
    void a_csrf_cookie_planted_by_someone_else_does_not_make_a_forged_form_genuine() {
        Fixtures.Account a = Fixtures.account(server);
        Browser b = loggedIn(server, a);
        String session = b.cookie("gatehouse_session");
        String planted = "planted-by-a-sibling-subdomain";
        var forged = server.api.send("POST", "/portal/settings/profile", "firstName=Eve&csrf=" + planted,
                "Content-Type", "application/x-www-form-urlencoded",
                "Cookie", "gatehouse_csrf=" + planted + "; gatehouse_session=" + session);
        assertThat(forged.status()).isEqualTo(403);
        assertThat(server.admin.get("/admin/v1/accounts/" + a.id()).json().get("firstName").asText()).isNotEqualTo("Eve");

        // The page's own form still works.
        Browser.Page form = b.open("/portal/settings");
        assertThat(b.submit(form, "/portal/settings/profile", Map.of("firstName", "Ada")).status()).isEqualTo(200);
        assertThat(server.admin.get("/admin/v1/accounts/" + a.id()).json().get("firstName").asText()).isEqualTo("Ada");
    }
}
