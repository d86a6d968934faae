package dev.governor.engine.http;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium from the system's packages ({@code chromium}, {@code chromium-driver}), driven through its own
 * chromedriver: both paths are given explicitly, so Selenium Manager never looks for (or downloads) anything.
 * The browser's console is kept ({@code goog:loggingPrefs}), so a test can assert that a page logged no error.
 *
 * <p>Without the packages a test is skipped with a message saying what to install, except on CI ({@code CI}
 * set), where {@code .ci/run} installs them and their absence is a failure.
 *
 * <p>Other modules' tests use it through the engine's test jar ({@code governor-engine}, type {@code test-jar}).
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("GOVERNOR_TEST_CHROMIUM", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("GOVERNOR_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));

    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Skips the calling test (or fails it on CI) when the system's chromium or chromedriver is missing. */
    public static void assumeInstalled() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && System.getenv("CI") != null) {
            throw new IllegalStateException("the dashboard's browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (Debian packages chromium and chromium-driver); .ci/run installs them");
        }
        assumeTrue(installed, "browser tests skipped: " + CHROMIUM + " or " + CHROMEDRIVER
                + " is missing; apt-get install chromium chromium-driver to run them");
    }

    /**
     * Starts a headless browser with a window of this size.
     *
     * @param dark whether the page should see {@code prefers-color-scheme: dark}
     */
    public static Browser start(int width, int height, boolean dark) {
        assumeInstalled();
        // Selenium looks for a DevTools binding of this chromium's version, which only the screenshot's one command
        // would use; its warning about the missing one says nothing about the page.
        java.util.logging.Logger.getLogger("org.openqa.selenium.devtools").setLevel(Level.SEVERE);
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--window-size=" + width + "," + height);
        if (dark) {
            options.addArguments("--force-dark-mode");
        }
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return new Browser(driver);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** The console's entries at WARNING or above since the last call. */
    public List<LogEntry> consoleProblems() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                .toList();
    }

    /** The console's SEVERE entries (errors, uncaught exceptions, failed requests) since the last call. */
    public List<LogEntry> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .toList();
    }

    public Object script(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** Saves a PNG of the window. */
    public Path screenshot(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Files.write(file, png);
        return file;
    }

    /** Saves a PNG of the whole page, however tall, through the browser's DevTools command. */
    public Path fullPageScreenshot(Path file, int width) throws IOException {
        Object height = driver.executeScript("return Math.ceil(document.documentElement.scrollHeight)");
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", width, "height", ((Number) height).intValue(), "deviceScaleFactor", 1, "mobile", false));
        try {
            return screenshot(file);
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
