package dev.governor.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.engine.Governor;
import dev.governor.engine.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard in a real browser (Debian's headless Chromium) against a real Governor serving it: its own host and
 * JVM samplers every second, pool samples sent through the API, and a rule that notifies when callers wait, so
 * actions happen as the page looks. Screenshots, light and dark, go to {@code target/dashboard/} for review.
 */
class DashboardIT {

    static final String TOKEN = "dashboard-test-token-0123456789";
    static final String RULE = "Tell when callers wait";

    static final String RULES = """
            package it;
            import dev.governor.api.Action;
            import dev.governor.api.PoolSample;
            import java.util.Map;

            rule "%s"
            when
                $p : PoolSample( waiting > 0 )
            then
                insert( new Action( "notify.log", $p.pool(), Map.of( "message", $p.waiting() + " callers wait" ), "" ) );
            end
            """.formatted(RULE);

    static final String ROUTES = """
            - route:
                id: host-sampling
                from:
                  uri: governor-sample:host
                  parameters: { period: 1s }
                  steps:
                    - to: governor:facts
            - route:
                id: jvm-sampling
                from:
                  uri: governor-sample:jvm
                  parameters: { period: 1s }
                  steps:
                    - to: governor:facts
            - route:
                id: samples-in
                from:
                  uri: direct:samples
                  steps:
                    - to: governor:facts
            """;

    static final Path SCREENSHOTS = Path.of("target", "dashboard");

    @TempDir
    static Path dir;
    static Governor governor;
    static ApiClient api;
    static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeInstalled();
        Files.createDirectories(dir.resolve("rules"));
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("rules/it.drl"), RULES);
        Files.writeString(dir.resolve("routes/in.yaml"), ROUTES);
        Path file = Files.writeString(dir.resolve("governor.yaml"), """
                plugins: { dir: plugins }
                rules: { reload: false }
                api: { enabled: true, port: 0, token: %s }
                """.formatted(TOKEN));
        governor = Governor.start(new ConfigLoader().load(file));
        api = new ApiClient(governor.api().url(), TOKEN);
        browser = Browser.start(1440, 900, false);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (governor != null) {
            governor.close();
        }
    }

    @BeforeEach
    void openThePage() {
        driver().get(governor.api().url() + "/");
        await("the page to reach Governor", () -> text(By.id("chip-health")).matches("up|status .*"));
    }

    static ChromeDriver driver() {
        return browser.driver();
    }

    /** Sends samples as any client would: {@code POST /api/samples} with the token. */
    static void send(String json) {
        try {
            ApiClient.Reply reply = api.post("/api/samples", json);
            assertThat(reply.status()).as("POST /api/samples: %s", reply.body()).isBetween(200, 299);
        } catch (Exception e) {
            throw new AssertionError("POST /api/samples failed: " + e, e);
        }
    }

    static String pool(String name, int active, int waiting, int max) {
        return "{\"type\":\"PoolSample\",\"pool\":\"" + name + "\",\"active\":" + active + ",\"idle\":0,\"waiting\":" + waiting
                + ",\"max\":" + max + "}";
    }

    static String text(By by) {
        return again(() -> {
            var found = driver().findElements(by);
            return found.isEmpty() ? "" : found.get(0).getText();
        });
    }

    /** The value a plot's legend shows for a series: its newest, when the cursor is off the plot. */
    static String legend(String seriesId) {
        return text(By.cssSelector(".legend .item[data-series='" + seriesId + "'] .value"));
    }

    /**
     * Waits for {@code condition}. A plot is drawn anew when a series joins it, markers and all, so an element found a
     * moment ago may be gone: that counts as not yet.
     */
    static void await(String what, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
            } catch (StaleElementReferenceException e) {
                // drawn anew: look again
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
        var console = browser.consoleProblems();
        throw new AssertionError("waited 15 s for " + what + "; the browser's console said: "
                + console.subList(Math.max(0, console.size() - 5), console.size()));
    }

    @Test
    void thePageLoadsWithoutConsoleErrors() {
        await("the first plot", () -> !driver().findElements(By.cssSelector(".plot[data-plot=cpu] canvas")).isEmpty());
        await("the rules panel", () -> text(By.id("rules-summary")).contains("1 rule(s) from 1 file(s)"));
        assertThat(browser.consoleProblems()).isEmpty();
        Object plotted = browser.script("const m = performance.getEntriesByName('governor:plotted')[0]; return m ? m.startTime : null");
        System.out.printf("dashboard: first plot drawn %.0f ms after navigation started%n", ((Number) plotted).doubleValue());
    }

    @Test
    void aPlotShowsPointsAfterSamplesArrive() {
        send(pool("orders", 7, 0, 10));
        await("the pools plot", () -> !driver().findElements(By.cssSelector(".plot[data-plot=pools] canvas")).isEmpty());
        await("the pool's value in the legend", () -> legend("pools/orders/active").equals("7"));
        send(pool("orders", 9, 0, 12));
        await("the newest values in the legend", () -> legend("pools/orders/active").equals("9") && legend("pools/orders/max").equals("12"));
        assertThat(text(By.cssSelector(".plot[data-plot=pools] .legend"))).contains("orders active", "orders waiting", "orders max");
        JsonNode series = ApiCall.get("/api/series").json();
        assertThat(series.findValuesAsText("id")).contains("pools/orders/active", "pools/orders/waiting", "pools/orders/max");
        assertThat(browser.consoleProblems()).isEmpty();
    }

    @Test
    void anActionMarkerAppearsAfterAnActionAndItsDetailsShowTheRule() {
        send(pool("checkout", 10, 3, 10));
        // Other tests' actions have markers too: this one's knob is the one that names its target.
        By knobs = By.cssSelector(".plot[data-plot=pools] .marker[data-rule='" + RULE + "'] .knob");
        Supplier<WebElement> checkout = () -> driver().findElements(knobs).stream()
                .filter(k -> k.getAttribute("title").contains("notify.log on 'checkout'")).findFirst().orElse(null);
        await("a marker for the action", () -> checkout.get() != null);
        assertThat(again(() -> checkout.get().findElement(By.xpath("..")).getAttribute("class"))).isEqualTo("marker");
        assertThat(again(() -> checkout.get().getAttribute("title"))).contains(RULE, "notify.log on 'checkout'", "ADMITTED → APPLIED");

        click(checkout);
        WebElement details = driver().findElement(By.id("details"));
        await("the marker's details", details::isDisplayed);
        String text = details.getText();
        assertThat(text).contains(RULE, "notify.log on 'checkout'", "ADMITTED", "APPLIED", "3 callers wait");
        assertThat(details.findElement(By.className("facts")).getText()).contains("\"type\": \"PoolSample\"", "\"waiting\": 3");
        assertThat(browser.consoleProblems()).isEmpty();
    }

    @Test
    void aSilenceSetOnThePageIsInTheApiAndEndsFromThePage() throws Exception {
        WebElement token = driver().findElement(By.id("token"));
        WebElement form = driver().findElement(By.id("silence-form"));
        fill(form, "type", "notify.*");
        fill(form, "target", "orders");
        fill(form, "for", "30m");
        fill(form, "reason", "maintenance, set from the dashboard");
        fill(form, "by", "dashboard-it");

        // Without the right token nothing is set, and the page says why.
        token.clear();
        token.sendKeys("not-the-token-at-all-00000");
        driver().findElement(By.id("silence-add")).click();
        await("the refusal", () -> text(By.id("silence-message")).startsWith("Not set: wrong bearer token"));
        assertThat(silences()).noneMatch(s -> s.path("by").asText().equals("dashboard-it"));
        assertThat(browser.consoleErrors()).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("/api/silences", "401"));

        token.clear();
        token.sendKeys(TOKEN);
        driver().findElement(By.id("silence-add")).click();
        await("the silence to be set", () -> text(By.id("silence-message")).matches("Silence s-[0-9a-f]{8} set\\."));
        JsonNode silence = silences().stream().filter(s -> s.path("by").asText().equals("dashboard-it")).findFirst().orElseThrow();
        assertThat(silence.path("type").asText()).isEqualTo("notify.*");
        assertThat(silence.path("target").asText()).isEqualTo("orders");
        assertThat(silence.path("reason").asText()).isEqualTo("maintenance, set from the dashboard");
        assertThat(governor.envelope().silences()).anySatisfy(s -> assertThat(s.id()).isEqualTo(silence.path("id").asText()));
        assertThat(driver().executeScript("return sessionStorage.getItem('governor.token')")).isEqualTo(TOKEN);

        By row = By.cssSelector("#silence-rows tr[data-id='" + silence.path("id").asText() + "']");
        await("the silence in the page's table", () -> !driver().findElements(row).isEmpty());
        click(() -> driver().findElement(By.cssSelector("#silence-rows tr[data-id='" + silence.path("id").asText() + "'] button")));
        await("the silence to end", () -> text(By.id("silence-message")).equals("Silence " + silence.path("id").asText() + " ended."));
        assertThat(silences()).noneMatch(s -> s.path("id").asText().equals(silence.path("id").asText()));
        assertThat(browser.consoleProblems()).isEmpty();
    }

    @Test
    void aReloadThatFailsShowsItsErrorWithFileAndLineAndTheRulesThatKeepRunning() throws Exception {
        Path rule = dir.resolve("rules/it.drl");
        try {
            Files.writeString(rule, RULES.replace("then", "thn"));
            assertThat(api.post("/api/rules/reload", (String) null).status()).isEqualTo(422);
            await("the reload's error", () -> text(By.id("rules-problems")).matches("(?s).*it\\.drl:\\d+: .*"));
            assertThat(text(By.id("chip-rules"))).isEqualTo("1 rules, reload failed");
            assertThat(driver().findElement(By.id("chip-rules")).getAttribute("class")).contains("bad");
        } finally {
            Files.writeString(rule, RULES);
            assertThat(api.post("/api/rules/reload", (String) null).status()).isEqualTo(200);
        }
        await("the fixed rules", () -> text(By.id("chip-rules")).equals("1 rules") && text(By.id("rules-problems")).isEmpty());
        assertThat(browser.consoleProblems()).isEmpty();
    }

    @Test
    void theDecisionsTableFiltersAsTheApiDoes() {
        send(pool("filter-a", 10, 2, 10));
        send(pool("filter-b", 10, 2, 10));
        await("both decisions in the table", () -> text(By.id("decision-rows")).contains("filter-a")
                && text(By.id("decision-rows")).contains("filter-b"));
        fill(driver().findElement(By.id("decision-filter")), "target", "filter-b");
        await("only filter-b's", () -> !text(By.id("decision-rows")).contains("filter-a")
                && text(By.id("decision-rows")).contains("filter-b"));
        click(() -> driver().findElement(By.cssSelector("#decision-rows tr")));
        await("the decision's details", () -> driver().findElement(By.id("details")).isDisplayed());
        assertThat(text(By.id("details-body"))).contains(RULE, "notify.log on 'filter-b'", "2 callers wait");
        assertThat(browser.consoleProblems()).isEmpty();
    }

    /** Clicks what {@code find} finds, finding it again if the page replaced it meanwhile. */
    static void click(Supplier<WebElement> find) {
        again(() -> {
            find.get().click();
            return null;
        });
    }

    /** What {@code read} reads from the page, read again if the page replaced an element meanwhile. */
    static <T> T again(Supplier<T> read) {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    static void fill(WebElement form, String name, String value) {
        WebElement input = form.findElement(By.name(name));
        input.clear();
        input.sendKeys(value);
    }

    static java.util.List<JsonNode> silences() {
        java.util.List<JsonNode> list = new java.util.ArrayList<>();
        ApiCall.get("/api/silences").json().path("silences").forEach(list::add);
        return list;
    }

    @Test
    void aScreenshotOfThePageUnderLoadIsSavedLightAndDark() throws Exception {
        for (int i = 0; i < 8; i++) {
            send("[" + pool("orders", 10, i % 4 == 3 ? 2 : 0, 10 + i / 2) + "," + pool("billing", 3 + i % 2, 0, 8) + "]");
            Thread.sleep(1000);
        }
        await("the plots", () -> driver().findElements(By.cssSelector(".plot canvas")).size() >= 3);
        // What polling costs, as the browser measured it: bytes and time of each GET /api/series after the first.
        Object polls = browser.script("""
                const polls = performance.getEntriesByType('resource').filter(e => e.name.includes('/api/series'));
                const later = polls.slice(1);
                const mean = (f) => later.reduce((sum, e) => sum + f(e), 0) / Math.max(1, later.length);
                return [polls.length, polls.length ? polls[0].encodedBodySize : 0, mean(e => e.encodedBodySize), mean(e => e.duration)];
                """);
        var figures = (java.util.List<?>) polls;
        System.out.printf("dashboard: %s polls of /api/series; the first %s bytes, then %.0f bytes and %.1f ms on average%n",
                figures.get(0), figures.get(1), ((Number) figures.get(2)).doubleValue(), ((Number) figures.get(3)).doubleValue());
        Path light = browser.fullPageScreenshot(SCREENSHOTS.resolve("dashboard-light.png"), 1440);
        assertThat(Files.size(light)).isGreaterThan(10_000);
        try (Browser dark = Browser.start(1440, 900, true)) {
            dark.driver().get(governor.api().url() + "/");
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (dark.driver().findElements(By.cssSelector(".plot canvas")).size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Object background = dark.script("return getComputedStyle(document.body).backgroundColor");
            assertThat(background).as("the page follows the system's dark preference").isEqualTo("rgb(15, 18, 23)");
            Path darkShot = dark.fullPageScreenshot(SCREENSHOTS.resolve("dashboard-dark.png"), 1440);
            assertThat(Files.size(darkShot)).isGreaterThan(10_000);
            assertThat(dark.consoleProblems()).isEmpty();
        }
    }

    /** Plain API calls, as a script would make them. */
    static final class ApiCall {
        static ApiClient.Reply get(String path) {
            try {
                return api.withToken(null).get(path);
            } catch (Exception e) {
                throw new AssertionError("GET " + path + " failed: " + e, e);
            }
        }
    }
}
