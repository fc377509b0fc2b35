package io.gatehouse.portal;

import static io.gatehouse.testing.TestClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.testing.Backend;
import io.gatehouse.testing.Chromium;
import io.gatehouse.testing.Fixtures;
import io.gatehouse.testing.RequiresChromium;
import io.gatehouse.testing.TestClient.Resp;
import io.gatehouse.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * SPEC §8 in a real browser: Debian's headless Chromium through ChromeDriver. Screenshots of each page
 * at 1280 and 390 px go to target/screenshots (docs/screenshots holds the committed ones). Where the
 * browser is missing, each test is reported as skipped with the reason ({@link RequiresChromium}).
 */
@ExtendWith(RequiresChromium.class)
class PortalBrowserTest {
    private static final Path SHOTS = Path.of("target/screenshots");

    private static TestServer server;
    private static HttpServer appCallback;
    private static String callbackBase;
    private static ChromeDriver browser;
    private String base;

    @BeforeAll
    static void start() throws IOException {
        if (!RequiresChromium.shouldRun()) {
            return; // every test is skipped, with the reason
        }
        server = TestServer.start(Backend.H2, Map.of());
        // The third-party app's own page, where the browser lands after consent.
        appCallback = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        appCallback.createContext("/cb", ex -> {
            byte[] page = "<!doctype html><title>Example app</title><p id=\"received\">Code received.</p>".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/html");
            ex.sendResponseHeaders(200, page.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(page);
            }
        });
        appCallback.start();
        callbackBase = "http://127.0.0.1:" + appCallback.getAddress().getPort();
        Files.createDirectories(SHOTS);
        browser = Chromium.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
            appCallback.stop(0);
        }
    }

    @BeforeEach
    void open() {
        Chromium.reset(browser);
        base = server.api.base;
    }

    // ---- helpers ----

    private void go(String path) {
        browser.get(path.startsWith("http") ? path : base + path);
    }

    private void fill(String id, String value) {
        WebElement e = browser.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }

    /** Clicks a button or link and waits for the page it loads. */
    private void click(String text) {
        clickAndWait(browser.findElement(By.xpath("//button[normalize-space()='" + text + "'] | //a[normalize-space()='" + text + "']")));
    }

    private void clickAndWait(WebElement e) {
        markPage();
        e.click();
        awaitNewPage();
    }

    /** Marks the current document, so that {@link #awaitNewPage} can tell when another one has loaded. */
    private void markPage() {
        ((JavascriptExecutor) browser).executeScript("window.__oldPage = true;");
    }

    private void awaitNewPage() {
        new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(WebDriverException.class).until(d ->
                ((JavascriptExecutor) d).executeScript("return document.readyState === 'complete' && !window.__oldPage;"));
    }

    private String text() {
        return browser.findElement(By.tagName("body")).getText();
    }

    private String signUp() {
        String email = Fixtures.uniqueEmail();
        go("/portal/signup");
        fill("firstName", "Dana");
        fill("lastName", "Dev");
        fill("email", email);
        fill("password", "correct horse battery");
        click("Sign up");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/portal/apps"));
        return email;
    }

    private void logIn(String email, String password) {
        browser.manage().deleteAllCookies();
        go("/portal/login");
        fill("email", email);
        fill("password", password);
        click("Log in");
    }

    private String registerApp(String name, List<String> permissions, String redirect) {
        go("/portal/apps/new");
        fill("name", name);
        fill("description", "Keeps a CRM in step with your leads.");
        fill("redirect_uris", redirect);
        for (String p : permissions) {
            browser.findElement(By.id("perm-" + p.replace('.', '-'))).click();
        }
        click("Register");
        return browser.findElement(By.id("client-id")).getText();
    }

    /** Screenshots of the current page at 1280 and 390 px wide; also checks the narrow layout does not overflow. */
    private void shoot(String name) throws IOException {
        for (int width : new int[] {1280, 390}) {
            browser.manage().window().setSize(new Dimension(width, 900));
            long overflow = (Long) ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            if (overflow > 0) {
                Object offenders = ((JavascriptExecutor) browser).executeScript(
                        "var w = document.documentElement.clientWidth, out = [];"
                        + "document.querySelectorAll('body *').forEach(function (e) { var r = e.getBoundingClientRect();"
                        + " if (r.right > w + 0.5) { out.push(e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className + ' ' + Math.round(r.right)); } });"
                        + "return out.slice(0, 8).join(', ');");
                throw new AssertionError(name + " at " + width + " px overflows sideways by " + overflow + " px: " + offenders);
            }
            long height = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollHeight;");
            browser.manage().window().setSize(new Dimension(width, (int) Math.min(Math.max(height, 600), 2400)));
            Files.write(SHOTS.resolve(name + "-" + width + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        }
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    /** Every visible form control has a label (SPEC §8, accessibility). */
    private void everyInputHasALabel() {
        for (WebElement e : browser.findElements(By.cssSelector("input:not([type=hidden]), textarea, select"))) {
            String id = e.getAttribute("id");
            boolean labelled = e.getAttribute("aria-label") != null
                    || id != null && !browser.findElements(By.cssSelector("label[for='" + id + "']")).isEmpty();
            assertThat(labelled).as("input " + e.getAttribute("name") + " on " + browser.getCurrentUrl() + " has a label").isTrue();
        }
    }

    // ---- tests ----

    @Test
    void sign_up_register_an_app_see_the_secret_once_then_create_and_revoke_a_key() throws IOException {
        go("/portal/signup");
        everyInputHasALabel();
        shoot("signup");
        signUp();
        assertThat(text()).contains("My apps", "No apps yet");

        go("/portal/apps/new");
        everyInputHasALabel();
        shoot("app-new");
        String clientId = registerApp("CRM Sync", List.of("user.read", "leads.read"), "https://crm.example.com/callback");
        String secret = browser.findElement(By.id("client-secret")).getAttribute("value");
        assertThat(secret).startsWith("gths_");
        assertThat(browser.getCurrentUrl()).doesNotContain(secret);
        assertThat(text()).contains("development", "100 requests/min", "draft");
        everyInputHasALabel();
        shoot("app-created");

        go("/portal/apps/" + clientId);
        assertThat(browser.findElements(By.id("client-secret"))).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain(secret);
        go("/portal/apps");
        assertThat(text()).contains("CRM Sync", clientId);
        shoot("apps");

        go("/portal/keys");
        fill("key-name", "nightly sync");
        // Without the acknowledgement the browser does not even send the form.
        browser.findElement(By.xpath("//button[normalize-space()='Create key']")).click();
        assertThat(browser.findElements(By.id("new-key"))).isEmpty();
        assertThat((Boolean) ((JavascriptExecutor) browser).executeScript(
                "return document.getElementById('key-ack').validity.valueMissing;")).isTrue();
        browser.findElement(By.id("key-ack")).click();
        click("Create key");
        String key = browser.findElement(By.id("new-key")).getAttribute("value");
        assertThat(server.api.get("/v1.0/me", "Authorization", "token " + key).status()).isEqualTo(200);
        everyInputHasALabel();
        shoot("keys");

        clickAndWait(browser.findElement(By.cssSelector("button[aria-label='Revoke nightly sync']")));
        assertThat(text()).contains("revoked");
        assertThat(browser.findElement(By.cssSelector("#keys .status")).getText()).isEqualTo("revoked");
        assertThat(server.api.get("/v1.0/me", "Authorization", "token " + key).status()).isEqualTo(401);
    }

    @Test
    void an_admin_approves_an_app_and_its_page_shows_production_and_500_per_minute() throws IOException {
        String devEmail = signUp();
        String clientId = registerApp("Review Me", List.of("leads.read"), "https://review.example.com/cb");
        click("Submit for review");
        assertThat(browser.findElement(By.id("app-review")).getText()).isEqualTo("pending");

        String admin = Fixtures.uniqueEmail();
        server.admin.post("/admin/v1/accounts", Map.of("email", admin, "password", "admin password 1", "role", "admin"));
        logIn(admin, "admin password 1");
        go("/portal/admin");
        assertThat(text()).contains("Review queue", "Review Me", devEmail);
        everyInputHasALabel();
        shoot("admin");
        clickAndWait(browser.findElement(By.cssSelector("li[data-client-id='" + clientId + "'] button.primary")));
        assertThat(text()).contains("Approved");

        logIn(devEmail, "correct horse battery");
        go("/portal/apps/" + clientId);
        assertThat(browser.findElement(By.id("app-mode")).getText()).isEqualTo("production");
        assertThat(browser.findElement(By.id("app-limit")).getText()).isEqualTo("500 requests/min");
        assertThat(browser.findElement(By.id("app-review")).getText()).isEqualTo("approved");
    }

    @Test
    void a_full_authorization_code_flow_clicked_through_the_consent_page() throws IOException {
        String email = signUp();
        String clientId = registerApp("Calendar Helper", List.of("user.read"), callbackBase + "/cb");
        String secret = browser.findElement(By.id("client-secret")).getAttribute("value");

        browser.manage().deleteAllCookies();
        go("/oauth/authorize?response_type=code&client_id=" + clientId + "&redirect_uri=" + callbackBase + "/cb&state=xyz-123");
        assertThat(browser.getCurrentUrl()).contains("/portal/login");
        shoot("login");
        // By keyboard only: type, tab, type, Enter.
        markPage();
        browser.findElement(By.id("email")).sendKeys(email, Keys.TAB, "correct horse battery", Keys.ENTER);
        awaitNewPage();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/oauth/authorize"));
        assertThat(text()).contains("Authorize Calendar Helper", "Dana Dev", "development mode", "user.read");
        shoot("consent");
        browser.findElement(By.xpath("//button[normalize-space()='Approve']")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/cb?"));
        URI landed = URI.create(browser.getCurrentUrl());
        assertThat(landed.getQuery()).contains("state=xyz-123").contains("code=");
        assertThat(browser.findElement(By.id("received")).getText()).isEqualTo("Code received.");

        String code = landed.getQuery().replaceAll(".*code=([^&]+).*", "$1");
        Resp token = server.api.send("POST", "/oauth/token", "grant_type=authorization_code&code=" + code
                        + "&redirect_uri=" + callbackBase + "/cb", "Content-Type", "application/x-www-form-urlencoded",
                "Authorization", "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes()));
        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        assertThat(server.api.get("/v1.0/me", bearer(token.json().get("access_token").asText())).json().get("email").asText())
                .isEqualTo(email);

        go("/portal/authorized");
        assertThat(text()).contains("Calendar Helper", "user.read");
        shoot("authorized");
        click("Revoke access");
        assertThat(text()).contains("You have not authorized any app");
        assertThat(server.api.get("/v1.0/me", bearer(token.json().get("access_token").asText())).status()).isEqualTo(401);
    }

    @Test
    void sign_in_with_openid_connect_clicked_through_the_consent_page_gives_an_id_token_that_validates() throws Exception {
        String email = signUp();
        String clientId = registerApp("Sign In Demo", List.of("user.read"), callbackBase + "/cb");
        String secret = browser.findElement(By.id("client-secret")).getAttribute("value");

        browser.manage().deleteAllCookies();
        Nonce nonce = new Nonce();
        go("/oauth/authorize?response_type=code&client_id=" + clientId + "&redirect_uri=" + callbackBase + "/cb"
                + "&scope=openid%20profile%20email&state=oidc-1&nonce=" + nonce.getValue());
        assertThat(browser.getCurrentUrl()).contains("/portal/login");
        fill("email", email);
        fill("password", "correct horse battery");
        click("Log in");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/oauth/authorize"));
        // SPEC §5: the consent page names the OpenID scopes in plain words.
        assertThat(text()).contains("Authorize Sign In Demo", "Know who you are", "See your name", "See your email address");
        browser.findElement(By.xpath("//button[normalize-space()='Approve']")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/cb?"));
        URI landed = URI.create(browser.getCurrentUrl());
        assertThat(landed.getQuery()).contains("state=oidc-1");

        String code = landed.getQuery().replaceAll(".*code=([^&]+).*", "$1");
        Resp token = server.api.send("POST", "/oauth/token", "grant_type=authorization_code&code=" + code
                        + "&redirect_uri=" + callbackBase + "/cb", "Content-Type", "application/x-www-form-urlencoded",
                "Authorization", "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes()));
        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        IDTokenValidator validator = new IDTokenValidator(new Issuer(server.server.issuer()), new ClientID(clientId),
                JWSAlgorithm.RS256, URI.create(server.api.base + "/.well-known/jwks.json").toURL());
        IDTokenClaimsSet claims = validator.validate(JWTParser.parse(token.json().get("id_token").asText()), nonce);
        assertThat(claims.getStringClaim("email")).isEqualTo(email);
        assertThat(claims.getStringClaim("name")).isNotBlank();
        Resp userinfo = server.api.get("/oauth/userinfo", bearer(token.json().get("access_token").asText()));
        assertThat(userinfo.json().get("sub").asText()).isEqualTo(claims.getSubject().getValue());
    }

    @Test
    void a_form_with_a_forged_csrf_token_is_refused_and_changes_nothing() {
        signUp();
        go("/portal/keys");
        fill("key-name", "should not exist");
        browser.findElement(By.id("key-ack")).click();
        ((JavascriptExecutor) browser).executeScript(
                "document.querySelectorAll('input[name=csrf]').forEach(function (e) { e.value = 'forged-token-1234567890'; });");
        click("Create key");
        assertThat(text()).contains("This form has expired");
        go("/portal/keys");
        assertThat(text()).doesNotContain("should not exist");
    }

    @Test
    void the_app_chart_shows_the_requests_and_429s_just_sent() throws IOException {
        signUp();
        String clientId = registerApp("Chatty", List.of("user.read"), "https://chatty.example.com/cb");
        String secret = browser.findElement(By.id("client-secret")).getAttribute("value");
        server.admin.patch("/admin/v1/apps/" + clientId, Map.of("rate_limit_per_minute", 4));
        long owner = server.admin.get("/admin/v1/apps/" + clientId).json().get("owner_id").asLong();
        String customerKey = Fixtures.apiKey(server.admin, owner);
        String at = server.api.send("POST", "/oauth/token", "grant_type=client_credentials&customer_key=" + customerKey,
                "Content-Type", "application/x-www-form-urlencoded",
                "Authorization", "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes()))
                .json().get("access_token").asText();
        for (int i = 0; i < 7; i++) {
            server.api.get("/v1.0/me", bearer(at));
        }
        go("/portal/apps/" + clientId);
        WebElement summary = browser.findElement(By.cssSelector(".chart .summary"));
        assertThat(summary.getAttribute("data-requests")).isEqualTo("7");
        assertThat(summary.getAttribute("data-rejected")).isEqualTo("3");
        assertThat(browser.findElements(By.cssSelector(".chart rect.ok"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector(".chart rect.rejected"))).isNotEmpty();
        shoot("app-traffic");
    }

    @Test
    void a_developer_invites_a_tester_who_accepts_under_invitations() throws IOException {
        String tester = Fixtures.uniqueEmail();
        server.admin.post("/admin/v1/accounts", Map.of("email", tester, "password", "tester password 1", "firstName", "Tess"));
        signUp();
        String clientId = registerApp("Beta Tool", List.of("user.read"), "https://beta.example.com/cb");
        fill("tester-email", tester);
        click("Invite");
        assertThat(text()).contains("Invitation sent", tester);
        assertThat(browser.findElement(By.id("test-users")).getText()).doesNotContain(tester);

        logIn(tester, "tester password 1");
        go("/portal/invitations");
        assertThat(text()).contains("Beta Tool", "Dana Dev");
        everyInputHasALabel();
        shoot("invitations");
        clickAndWait(browser.findElement(By.cssSelector("button[aria-label='Accept the invitation to test Beta Tool']")));
        assertThat(text()).contains("Accepted", "No invitation waits for you");

        long testerId = server.admin.get("/admin/v1/accounts?email=" + tester).json().get("accounts").get(0).get("id").asLong();
        assertThat(server.admin.get("/admin/v1/apps/" + clientId).json().get("test_users").get(0).asLong()).isEqualTo(testerId);
    }
}
