package org.securemail.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.securemail.testing.DebianPackages;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (both installed when missing), pointed at the
 * operator console. Screenshots go to {@code target/console-screenshots}, and also to the directory in the system
 * property {@code console.screenshots} when it is set (e.g. {@code docs/console}).
 */
final class ConsoleBrowser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    final ChromeDriver driver;
    private final String base;

    private ConsoleBrowser(ChromeDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    /** A browser for the console at {@code base} ({@code http://127.0.0.1:port}). */
    static ConsoleBrowser open(String base) {
        DebianPackages.ensureInstalled("chromium", CHROMIUM);
        DebianPackages.ensureInstalled("chromium-driver", CHROMEDRIVER);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // as root (these machines) Chromium needs --no-sandbox; /dev/shm is small in CI containers
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--disable-gpu", "--no-first-run", "--disable-extensions");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return new ConsoleBrowser(driver, base);
    }

    void go(String path) {
        driver.get(base + path);
    }

    WebElement id(String id) {
        return driver.findElement(By.id(id));
    }

    /**
     * The text of the first element {@code cssSelector} matches, or "" (read in one script: the views are redrawn every
     * refresh, so an element found in one call may be gone in the next).
     */
    String text(String cssSelector) {
        Object text = driver.executeScript("const e = document.querySelector(arguments[0]); return e ? e.innerText : '';",
                cssSelector);
        return text == null ? "" : text.toString();
    }

    /**
     * Clicks the element {@code cssSelector} matches, as a user does, once it is there; a table redrawn between finding
     * the element and clicking it (the views poll) is tried again.
     */
    void click(String cssSelector) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(org.openqa.selenium.WebDriverException.class).until(() -> {
                    driver.findElement(By.cssSelector(cssSelector)).click();
                    return true;
                });
    }

    boolean visible(String id) {
        List<WebElement> found = driver.findElements(By.id(id));
        return !found.isEmpty() && found.get(0).isDisplayed();
    }

    Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    /** The status and body of a same-origin fetch from the page (the browser's cookies, nothing else). */
    @SuppressWarnings("unchecked")
    Map<String, Object> fetch(String path) {
        return (Map<String, Object>) driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0], {credentials: 'same-origin'})
                  .then(r => r.text().then(t => done({status: r.status, body: t})))
                  .catch(e => done({status: -1, body: String(e)}));""", path);
    }

    /** Opens the console signed out and submits {@code key} in its sign-in form. */
    void signIn(String key) {
        go("/console/");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> visible("login"));
        id("login-key").sendKeys(key);
        id("login-submit").click();
    }

    void signOut() {
        driver.manage().deleteAllCookies();
    }

    /** True when an alert, confirm or prompt is open. */
    boolean alertOpen() {
        try {
            driver.switchTo().alert();
            return true;
        } catch (NoAlertPresentException none) {
            return false;
        }
    }

    /**
     * Console messages of the page at warning level or above, except the browser's own lines for HTTP errors
     * ("Failed to load resource: ... 401/404"), which the console provokes on purpose (a refused key, an unknown id).
     */
    List<String> consoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.WARNING.intValue()
                    && !entry.getMessage().contains("Failed to load resource: the server responded with a status of")) {
                errors.add(entry.getLevel() + " " + entry.getMessage());
            }
        }
        return errors;
    }

    void screenshot(String name) {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        List<Path> dirs = new ArrayList<>(List.of(Path.of("target", "console-screenshots")));
        String extra = System.getProperty("console.screenshots");
        if (extra != null && !extra.isBlank()) {
            dirs.add(Path.of(extra));
        }
        try {
            for (Path dir : dirs) {
                Files.createDirectories(dir);
                Files.write(dir.resolve(name + ".png"), png);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
