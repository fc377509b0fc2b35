package io.gatehouse.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.interop.login.LoginApp;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * SPEC §5 v2, acceptance 1: an unmodified Spring Boot oauth2Login app (interop/spring-login), given only the
 * issuer URL, client id and secret, signs a person in through Gatehouse's own login and consent pages and
 * reads their name; and the README's variant with {@code scope: openid,profile,email}, an OpenID sign-in
 * whose id_token Spring validates.
 */
class SpringLoginTest {
    private static Gatehouse gatehouse;
    private static String owner;
    private static String app;

    @BeforeAll
    static void start() throws Exception {
        gatehouse = Gatehouse.shared();
        owner = Gatehouse.field(gatehouse.adminPost("/admin/v1/accounts", "{\"email\":\"ann@example.com\","
                + "\"password\":\"correct horse battery\",\"firstName\":\"Ann\",\"lastName\":\"Lee\"}"), "id");
        app = gatehouse.adminPost("/admin/v1/apps", "{\"owner_id\":" + owner + ",\"name\":\"Spring Sign-in\",\"type\":\"confidential\","
                + "\"redirect_uris\":[\"http://localhost/login/oauth2/code/gatehouse\"],\"permissions\":[\"user.read\"]}");
    }

    @Test
    void a_spring_boot_app_configured_with_only_the_issuer_signs_a_person_in_and_reads_their_name() throws Exception {
        // No scope: Spring asks for none, Gatehouse grants the app's permissions, Spring reads /oauth/userinfo.
        signIn(Map.of(), "<code>user.read</code>");
    }

    @Test
    void with_scope_openid_profile_email_it_is_an_openid_sign_in() throws Exception {
        // Spring's OIDC provider demands an id_token and validates it (signature from the JWKS, iss, aud, nonce).
        signIn(Map.of("spring.security.oauth2.client.registration.gatehouse.scope", "openid,profile,email"), "Know who you are");
    }

    private void signIn(Map<String, String> extra, String consentShows) throws Exception {
        Map<String, Object> properties = new HashMap<>(Map.of(
                "server.port", "0",
                "GATEHOUSE_ISSUER", gatehouse.issuer,
                "GATEHOUSE_CLIENT_ID", Gatehouse.field(app, "client_id"),
                "GATEHOUSE_CLIENT_SECRET", Gatehouse.field(app, "client_secret")));
        properties.putAll(extra);
        try (ConfigurableApplicationContext rp = new SpringApplicationBuilder(LoginApp.class).properties(properties).run()) {
            String base = "http://localhost:" + rp.getEnvironment().getProperty("local.server.port");
            FormClient browser = new FormClient();
            FormClient.Page login = browser.get(base + "/");
            assertThat(login.url().toString()).as(login.body()).startsWith(gatehouse.issuer + "/portal/login");
            FormClient.Page consent = browser.submit(login, "/portal/login", Map.of("email", "ann@example.com",
                    "password", "correct horse battery"));
            assertThat(consent.body()).as(consent.body()).contains("Spring Sign-in").contains(consentShows);
            FormClient.Page home = browser.submit(consent, "/oauth/authorize", Map.of("decision", "approve"));
            assertThat(home.status()).as(home.url() + "\n" + home.body() + "\n" + gatehouse.log()).isEqualTo(200);
            assertThat(home.url().toString()).startsWith(base);
            assertThat(home.body()).isEqualTo("Hello, Ann Lee <ann@example.com> (account " + owner + ")");
        }
    }
}
