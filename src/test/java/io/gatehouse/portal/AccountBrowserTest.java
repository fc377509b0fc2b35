package io.gatehouse.portal;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Browser;
import io.gatehouse.testing.Chromium;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.RequiresChromium;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * SPEC §8 v2 in a real browser (headless Chromium): account settings, password reset by mail (read from
 * an in-process SMTP server, GreenMail) and deleting an app with its name typed to confirm.
 */
@ExtendWith(RequiresChromium.class)
class AccountBrowserTest {
    private static final String PASSWORD = "correct horse battery";
    private static final Pattern LINK = Pattern.compile("https?://\\S+/portal/reset\\?token=\\S+");

    private static TestServer server;
    private static GreenMail smtp;
    private static ChromeDriver browser;
    private String base;

    @BeforeAll
    static void start() throws IOException {
        if (!RequiresChromium.shouldRun()) {
            return; // every test is skipped, with the reason
        }
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        server = TestServer.start(Backend.H2, Map.of("GATEHOUSE_SMTP_URL", "smtp://127.0.0.1:" + smtp.getSmtp().getPort()));
        browser = Chromium.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
            smtp.stop();
        }
    }

    @BeforeEach
    void open() {
        Chromium.reset(browser);
        base = server.api.base;
    }

    private void go(String path) {
        browser.get(path.startsWith("http") ? path : base + path);
    }

    private void fill(String id, String value) {
        WebElement e = browser.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }

    private void click(String text) {
        WebElement e = browser.findElement(By.xpath("//button[normalize-space()='" + text + "'] | //a[normalize-space()='" + text + "']"));
        ((JavascriptExecutor) browser).executeScript("window.__oldPage = true;");
        e.click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(WebDriverException.class).until(d ->
                ((JavascriptExecutor) d).executeScript("return document.readyState === 'complete' && !window.__oldPage;"));
    }

    private String text() {
        return browser.findElement(By.tagName("body")).getText();
    }

    private void logIn(String email, String password) {
        browser.manage().deleteAllCookies();
        go("/portal/login");
        fill("email", email);
        fill("password", password);
        click("Log in");
    }

    /** A second, plain-HTTP browser logged in as the same account: the "other session". */
    private Browser otherSession(String email, String password) {
        Browser b = new Browser(base);
        b.open("/portal/login");
        assertThat(b.request("POST", "/portal/login", Map.of("email", email, "password", password)).status()).isEqualTo(303);
        return b;
    }

    @Test
    void settings_change_the_name_and_the_password_and_the_other_session_ends() {
        Fixtures.Account a = Fixtures.account(server);
        Browser other = otherSession(a.email(), PASSWORD);
        logIn(a.email(), PASSWORD);
        click("Settings");
        fill("firstName", "Grace");
        click("Save name");
        assertThat(text()).contains("Your name was saved.");
        assertThat(browser.getCurrentUrl()).endsWith("/portal/settings?done=profile");

        fill("current-password", PASSWORD);
        fill("new-password", "a brand new passphrase");
        fill("confirm-password", "a brand new passphrase");
        click("Change password");
        assertThat(text()).contains("Every other session of your account has ended.");
        browser.navigate().refresh(); // a reload repeats nothing (POST-redirect-GET) and this session lives on
        assertThat(text()).contains("Account settings");
        assertThat(other.request("GET", "/portal/keys", null).status()).isEqualTo(303);
    }

    @Test
    void a_forgotten_password_is_reset_from_the_mailed_link() throws Exception {
        Fixtures.Account a = Fixtures.account(server);
        Browser other = otherSession(a.email(), PASSWORD);
        smtp.purgeEmailFromAllMailboxes();
        browser.manage().deleteAllCookies();
        go("/portal/login");
        click("Forgot your password?");
        fill("email", a.email());
        click("Send me a link");
        assertThat(text()).contains("If an account uses that email");
        assertThat(smtp.waitForIncomingEmail(30_000, 1)).isTrue();
        Matcher m = LINK.matcher(smtp.getReceivedMessages()[0].getContent().toString());
        assertThat(m.find()).isTrue();
        URI link = URI.create(m.group());
        go(link.getRawPath() + "?" + link.getRawQuery());
        fill("new-password", "reset by mail, finally");
        fill("confirm-password", "reset by mail, finally");
        click("Set password");
        assertThat(text()).contains("Your password was changed. Log in with the new one.");
        logIn(a.email(), "reset by mail, finally");
        assertThat(browser.getCurrentUrl()).contains("/portal/apps");
        assertThat(other.request("GET", "/portal/keys", null).status()).as("the other session ended").isEqualTo(303);
    }

    @Test
    void an_app_is_deleted_once_its_name_is_typed_and_its_token_stops() {
        Fixtures.Account dev = Fixtures.account(server);
        Resp created = server.admin.post("/admin/v1/apps", Map.of("owner_id", dev.id(), "name", "Old Sync",
                "redirect_uris", List.of("https://old.example.com/cb"), "type", "confidential", "permissions", List.of("user.read")));
        String clientId = created.json().get("client_id").asText();
        String key = Fixtures.apiKey(server.admin, dev.id());
        Resp token = server.api.send("POST", "/oauth/token", "grant_type=client_credentials&customer_key=" + key,
                "Content-Type", "application/x-www-form-urlencoded", "Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((clientId + ":" + created.json().get("client_secret").asText()).getBytes()));
        String accessToken = token.json().get("access_token").asText();

        logIn(dev.email(), PASSWORD);
        go("/portal/apps/" + clientId);
        fill("delete-confirm", "Old sync");
        click("Delete app");
        assertThat(text()).contains("type its name exactly");
        assertThat(server.api.get("/v1.0/me", "Authorization", "Bearer " + accessToken).status()).isEqualTo(200);

        fill("delete-confirm", "Old Sync");
        click("Delete app");
        assertThat(browser.getCurrentUrl()).endsWith("/portal/apps?done=deleted");
        assertThat(text()).contains("The app was deleted.").doesNotContain("Old Sync");
        assertThat(server.api.get("/v1.0/me", "Authorization", "Bearer " + accessToken).status()).isEqualTo(401);
    }

    @Test
    void the_api_reference_and_the_security_log_are_reached_from_the_navigation() {
        Fixtures.Account a = Fixtures.account(server);
        logIn(a.email(), PASSWORD);
        click("API reference");
        assertThat(browser.getCurrentUrl()).endsWith("/portal/docs");
        assertThat(text()).contains("Permission leads.read").contains("GET /v1.0/leads").contains("$GATEHOUSE_KEY");
        click("Security log");
        assertThat(browser.getCurrentUrl()).endsWith("/portal/security");
        assertThat(text()).contains("login.succeeded").contains("127.0.0.1");
    }
}
