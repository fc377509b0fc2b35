package io.gatehouse.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.gatehouse.auth.CredentialFormat;
import io.gatehouse.auth.Secrets;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.MutableClock;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §8, §9 v2: password reset by mail (a real SMTP server in this JVM, GreenMail) and by an admin's
 * link: single use, 30 minutes, every session ends, and the forgot page never tells whether an email exists.
 */
class PasswordResetTest {
    private static final String PASSWORD = "correct horse battery";
    private static final String NEW_PASSWORD = "a fresh start, at last";
    private static final Pattern LINK = Pattern.compile("https?://\\S+/portal/reset\\?token=\\S+");

    private static GreenMail smtp;
    private static TestServer server;
    private static final MutableClock CLOCK = MutableClock.startingNow();

    @BeforeAll
    static void start() {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        server = TestServer.start(Backend.H2, Map.of("GATEHOUSE_SMTP_URL", "smtp://127.0.0.1:" + smtp.getSmtp().getPort(),
                "GATEHOUSE_MAIL_FROM", "noreply@gatehouse.test"), CLOCK);
    }

    @AfterAll
    static void stop() {
        server.close();
        smtp.stop();
    }

    @BeforeEach
    void clearMail() throws Exception {
        smtp.purgeEmailFromAllMailboxes();
    }

    private Browser loggedIn(String email, String password) {
        Browser b = new Browser(server.api.base);
        Browser.Page login = b.open("/portal/login");
        Browser.Page after = b.submit(login, "/portal/login", Map.of("email", email, "password", password));
        assertThat(after.status()).as(after.body()).isEqualTo(200);
        return b;
    }

    private boolean canLogIn(String email, String password) {
        Browser b = new Browser(server.api.base);
        b.open("/portal/login");
        return b.request("POST", "/portal/login", Map.of("email", email, "password", password)).status() == 303;
    }

    /** The path and query of a link: the browser talks to the server at the address it knows. */
    private static String local(String url) {
        URI u = URI.create(url);
        return u.getRawPath() + "?" + u.getRawQuery();
    }

    private Browser.Page forgot(Browser b, String email) {
        Browser.Page form = b.open("/portal/forgot");
        return b.submit(form, "/portal/forgot", Map.of("email", email));
    }

    @Test
    void a_forgotten_password_is_reset_through_the_mailed_link_and_every_session_ends() throws Exception {
        Fixtures.Account a = Fixtures.account(server);
        Browser other = loggedIn(a.email(), PASSWORD);

        Browser b = new Browser(server.api.base);
        Browser.Page sent = forgot(b, a.email());
        assertThat(sent.url()).endsWith("/portal/forgot?done=sent");
        assertThat(smtp.waitForIncomingEmail(30_000, 1)).isTrue();
        MimeMessage mail = smtp.getReceivedMessages()[0];
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo(a.email());
        assertThat(mail.getFrom()[0].toString()).isEqualTo("noreply@gatehouse.test");
        Matcher m = LINK.matcher(mail.getContent().toString());
        assertThat(m.find()).as(mail.getContent().toString()).isTrue();
        String link = local(m.group());

        Browser.Page form = b.open(link);
        assertThat(form.status()).isEqualTo(200);
        assertThat(form.body()).contains("Choose a new password");
        Browser.Page done = b.submit(form, "/portal/reset", Map.of("password", NEW_PASSWORD, "confirm", NEW_PASSWORD));
        assertThat(done.url()).endsWith("/portal/login?done=reset");
        assertThat(done.body()).contains("Your password was changed.");

        assertThat(other.request("GET", "/portal/keys", null).status()).as("the other session ended").isEqualTo(303);
        assertThat(canLogIn(a.email(), PASSWORD)).isFalse();
        assertThat(canLogIn(a.email(), NEW_PASSWORD)).isTrue();

        Browser again = new Browser(server.api.base);
        assertThat(again.open(link).status()).as("the link works once").isEqualTo(400);
        again.open("/portal/login");
        Browser.Page reuse = again.request("POST", "/portal/reset", Map.of("token", URI.create(m.group()).getQuery().substring(6),
                "password", "yet another password", "confirm", "yet another password"));
        assertThat(reuse.status()).isEqualTo(400);
        assertThat(canLogIn(a.email(), NEW_PASSWORD)).isTrue();
    }

    @Test
    void the_forgot_page_answers_the_same_for_an_unknown_email_and_sends_nothing() throws Exception {
        Fixtures.Account a = Fixtures.account(server);
        Browser b = new Browser(server.api.base);
        b.open("/portal/forgot");
        Browser.Page unknown = b.request("POST", "/portal/forgot", Map.of("email", "nobody-" + a.email()));
        Browser.Page known = b.request("POST", "/portal/forgot", Map.of("email", a.email()));
        assertThat(unknown.status()).isEqualTo(known.status()).isEqualTo(303);
        assertThat(unknown.location()).isEqualTo(known.location());
        assertThat(b.open(unknown.location()).body()).isEqualTo(b.open(known.location()).body());
        assertThat(smtp.waitForIncomingEmail(30_000, 1)).isTrue();
        assertThat(smtp.getReceivedMessages()).hasSize(1);
        assertThat(smtp.getReceivedMessages()[0].getAllRecipients()[0].toString()).isEqualTo(a.email());
    }

    @Test
    void an_admin_issued_link_works_once_within_30_minutes() {
        Fixtures.Account a = Fixtures.account(server);
        Resp issued = server.admin.post("/admin/v1/accounts/" + a.id() + "/password-reset", Map.of());
        assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
        String url = issued.json().get("url").asText();
        assertThat(url).startsWith(server.server.issuer() + "/portal/reset?token=");
        assertThat(Duration.between(CLOCK.instant(), Instant.parse(issued.json().get("expires_at").asText())))
                .isBetween(Duration.ofMinutes(30).minusSeconds(1), Duration.ofMinutes(30));

        Browser b = new Browser(server.api.base);
        Browser.Page form = b.open(local(url));
        Browser.Page done = b.submit(form, "/portal/reset", Map.of("password", NEW_PASSWORD, "confirm", NEW_PASSWORD));
        assertThat(done.url()).endsWith("/portal/login?done=reset");
        assertThat(canLogIn(a.email(), NEW_PASSWORD)).isTrue();

        String late = server.admin.post("/admin/v1/accounts/" + a.id() + "/password-reset", Map.of()).json().get("url").asText();
        CLOCK.advance(Duration.ofMinutes(31));
        assertThat(new Browser(server.api.base).open(local(late)).status()).as("expired").isEqualTo(400);
        assertThat(server.admin.post("/admin/v1/accounts/999999999/password-reset", Map.of()).status()).isEqualTo(404);
    }

    @Test
    void a_link_carries_our_registered_reset_prefix_and_one_issued_before_the_rename_still_works() {
        Fixtures.Account a = Fixtures.account(server);
        String url = server.admin.post("/admin/v1/accounts/" + a.id() + "/password-reset", Map.of()).json().get("url").asText();
        String token = URI.create(url).getQuery().substring("token=".length());
        assertThat(token).matches(CredentialFormat.PASSWORD_RESET.scannerPattern());
        assertThat(CredentialFormat.containsSecret(token)).isTrue();

        // a link mailed by this version's predecessor minutes before the upgrade (ghrst_, no checksum)
        String old = "ghrst_" + Secrets.randomText(32);
        OffsetDateTime now = OffsetDateTime.ofInstant(CLOCK.instant(), ZoneOffset.UTC);
        server.sql("INSERT INTO password_resets (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                Secrets.sha256(old), a.id(), now, now.plusMinutes(30));
        Browser b = new Browser(server.api.base);
        Browser.Page form = b.open("/portal/reset?token=" + old);
        assertThat(form.status()).as(form.body()).isEqualTo(200);
        Browser.Page done = b.submit(form, "/portal/reset", Map.of("password", NEW_PASSWORD, "confirm", NEW_PASSWORD));
        assertThat(done.url()).endsWith("/portal/login?done=reset");
        assertThat(canLogIn(a.email(), NEW_PASSWORD)).isTrue();

        // one character of a current link changed: refused by its checksum, like any wrong link
        String wrong = token.substring(0, 10) + (token.charAt(10) == 'a' ? 'b' : 'a') + token.substring(11);
        assertThat(new Browser(server.api.base).open("/portal/reset?token=" + wrong).status()).isEqualTo(400);
    }

    /** Audit "attack2": host header injection. The link is built from GATEHOUSE_ISSUER, never from what the request names. */
    @Test
    void the_mailed_link_names_the_issuer_whatever_host_the_request_names() throws Exception {
        Fixtures.Account a = Fixtures.account(server);
        Browser b = new Browser(server.api.base);
        b.open("/portal/forgot");
        String csrf = b.cookie("gatehouse_csrf");
        String body = "email=" + java.net.URLEncoder.encode(a.email(), java.nio.charset.StandardCharsets.UTF_8) + "&csrf=" + csrf;
        String request = "POST /portal/forgot HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil.example\r\n"
                + "X-Forwarded-Proto: https\r\nForwarded: host=evil.example;proto=https\r\nCookie: gatehouse_csrf=" + csrf + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
                + body;
        var r = io.gatehouse.testing.RawHttp.exchange(URI.create(server.api.base).getPort(),
                request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), true);
        assertThat(r.status()).as(r.toString()).isEqualTo(303);
        assertThat(smtp.waitForIncomingEmail(30_000, 1)).isTrue();
        String text = smtp.getReceivedMessages()[0].getContent().toString();
        Matcher m = LINK.matcher(text);
        assertThat(m.find()).as(text).isTrue();
        assertThat(m.group()).startsWith(server.server.issuer() + "/portal/reset?token=");
        assertThat(text).doesNotContain("evil.example");
    }

    /**
     * Audit "attack2": the new password was checked and hashed (argon2id) before the link was looked at, so any
     * anonymous post cost a hash. The link is now checked first: a dead link is answered as one, whatever the password.
     */
    @Test
    void a_dead_link_is_answered_before_the_new_password_is_looked_at() {
        Browser b = new Browser(server.api.base);
        b.open("/portal/forgot");
        String unknown = CredentialFormat.PASSWORD_RESET.mint();
        for (String password : new String[] {"short", NEW_PASSWORD}) {
            Browser.Page p = b.request("POST", "/portal/reset", Map.of("token", unknown, "password", password, "confirm", password));
            assertThat(p.status()).isEqualTo(400);
            assertThat(p.body()).as(password).contains("not valid any more").doesNotContain("at least");
        }
    }
}

