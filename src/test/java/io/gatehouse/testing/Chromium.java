package io.gatehouse.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium through ChromeDriver, one per browser test class: starting one costs seconds,
 * so a class starts it once ({@link #start}) and wipes it before each test ({@link #reset}), which then
 * begins as in a new browser: no cookies or cached files of any site, a blank page, a 1280 × 900 window.
 */
public final class Chromium {
    private Chromium() {
    }

    public static ChromeDriver start() throws IOException {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(RequiresChromium.CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", "--user-data-dir=" + Files.createTempDirectory("chromium-"));
        ChromeDriver browser = new ChromeDriver(
                new ChromeDriverService.Builder().usingDriverExecutable(RequiresChromium.DRIVER.toFile()).build(), o);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return browser;
    }

    /** What the last test left: cookies and cache of every site (DevTools, not just the current page's), the page, the size. */
    public static void reset(ChromeDriver browser) {
        browser.get("about:blank");
        browser.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        browser.executeCdpCommand("Network.clearBrowserCache", Map.of());
        browser.manage().window().setSize(new Dimension(1280, 900));
    }
}
