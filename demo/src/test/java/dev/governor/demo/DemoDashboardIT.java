package dev.governor.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.engine.http.Browser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;

/**
 * The dashboard while the demo runs, in headless Chromium: the page at the address the demo prints shows the demo's
 * actions as they happen (a marker on the pools plot when the pool grows, on the dead-tuples plot when the table is
 * vacuumed, on the horizon plot when the idle session is ended), with no console error. Screenshots, light and
 * dark, go to {@code demo/target/dashboard/} for review. The demo stops as soon as the page has shown all three.
 */
class DemoDashboardIT {

    static final Path SCREENSHOTS = Path.of("target", "dashboard");
    static final Duration PATIENCE = Duration.ofSeconds(150);

    @Test
    void theDashboardShowsTheDemosActionsAsTheyHappen(@TempDir Path work) throws Exception {
        Browser.assumeInstalled();
        StringWriter printed = new StringWriter();
        Demo demo = new Demo(DemoCommand.defaultRules(), work, null, 0, new PrintWriter(printed, true));
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread running = new Thread(() -> {
            try {
                demo.run();
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "demo-dashboard-it");
        running.start();
        try (Browser browser = Browser.start(1440, 900, false)) {
            String url = dashboardAddress(printed, failed);
            browser.driver().get(url);

            for (String[] expected : List.of(
                    new String[] {"pools", "Grow a pool whose callers keep waiting"},
                    new String[] {"deadTuples", "Vacuum a table autovacuum leaves behind"},
                    new String[] {"horizon", "End a session idle in a transaction"})) {
                By marker = By.cssSelector(".plot[data-plot=" + expected[0] + "] .marker[data-rule='" + expected[1] + "']");
                await("a marker for rule '" + expected[1] + "' on the " + expected[0] + " plot", printed,
                        () -> !browser.driver().findElements(marker).isEmpty());
            }
            By grow = By.cssSelector(".plot[data-plot=pools] .marker[data-rule='Grow a pool whose callers keep waiting'] .knob");
            for (int attempt = 1; ; attempt++) {
                try {
                    browser.driver().findElement(grow).click();
                    break;
                } catch (StaleElementReferenceException e) {
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
            WebElement details = browser.driver().findElement(By.id("details"));
            await("the marker's details", printed, details::isDisplayed);
            assertThat(details.getText()).contains("Grow a pool whose callers keep waiting", "pool.resize on 'orders'",
                    "APPLIED", "\"type\": \"PoolSample\"");
            browser.screenshot(SCREENSHOTS.resolve("demo-details.png"));
            browser.driver().findElement(By.id("details-close")).click();
            assertThat(browser.driver().findElements(By.cssSelector(".plot canvas"))).hasSizeGreaterThanOrEqualTo(5);
            assertThat(browser.consoleProblems()).isEmpty();
            browser.fullPageScreenshot(SCREENSHOTS.resolve("demo-light.png"), 1440);

            try (Browser dark = Browser.start(1440, 900, true)) {
                dark.driver().get(url);
                await("the dark page's plots", printed, () -> dark.driver().findElements(By.cssSelector(".plot .marker")).size() >= 3);
                Thread.sleep(500);
                dark.fullPageScreenshot(SCREENSHOTS.resolve("demo-dark.png"), 1440);
                assertThat(dark.consoleProblems()).isEmpty();
            }
        } finally {
            demo.stop();
            running.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(failed.get()).as("the demo's run").isNull();
        assertThat(Files.size(SCREENSHOTS.resolve("demo-light.png"))).isGreaterThan(20_000);
    }

    /** The address the demo prints once Governor is up: {@code dashboard: http://127.0.0.1:PORT/}. */
    private static String dashboardAddress(StringWriter printed, AtomicReference<Throwable> failed) {
        Pattern address = Pattern.compile("dashboard: (http://127\\.0\\.0\\.1:\\d+/)");
        AtomicReference<String> found = new AtomicReference<>();
        await("the demo to print the dashboard's address", printed, () -> {
            if (failed.get() != null) {
                throw new AssertionError("the demo failed: " + failed.get(), failed.get());
            }
            Matcher m = address.matcher(printed.toString());
            if (m.find()) {
                found.set(m.group(1));
            }
            return found.get() != null;
        });
        return found.get();
    }

    private static void await(String what, StringWriter printed, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
            } catch (StaleElementReferenceException e) {
                // a plot drawn anew as a series joined it: look again
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
        throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for " + what + "; the demo printed:\n" + printed);
    }
}
