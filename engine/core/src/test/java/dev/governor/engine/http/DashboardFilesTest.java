package dev.governor.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardFilesTest {

    private final DashboardFiles files = new DashboardFiles();

    private static ApiRequest get(String path) {
        return new ApiRequest("GET", path, Map.of(), Map.of(), Map.of(), new byte[0]);
    }

    private static ApiRequest get(String path, String name, String value) {
        return new ApiRequest("GET", path, Map.of(name, List.of(value)), Map.of(), Map.of(), new byte[0]);
    }

    @Test
    void theRootIsThePageWithItsScriptsFromGovernorOnly() {
        ApiResponse page = files.get(get("/"));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).isEqualTo("text/html; charset=utf-8");
        String html = new String(page.body(), StandardCharsets.UTF_8);
        assertThat(html).contains("<title>Governor</title>", "src=\"assets/uPlot.iife.min.js\"", "src=\"dashboard.js\"");
        assertThat(html).doesNotContain("http://", "https://");
        assertThat(page.headers().get("Content-Security-Policy")).contains("default-src 'self'", "script-src 'self'");
        assertThat(page.headers().get("Cache-Control")).isEqualTo("no-cache");
    }

    @Test
    void uPlotComesFromItsWebJar() {
        ApiResponse script = files.get(get("/assets/uPlot.iife.min.js"));
        assertThat(script.contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(new String(script.body(), StandardCharsets.UTF_8)).contains("uPlot");
        assertThat(script.body().length).isGreaterThan(20_000);
        assertThat(script.headers().get("Cache-Control")).isEqualTo("public, max-age=3600");
        assertThat(files.get(get("/assets/uPlot.min.css")).contentType()).isEqualTo("text/css; charset=utf-8");
        assertThat(files.get(get("/dashboard.js")).contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(files.get(get("/dashboard.css")).contentType()).isEqualTo("text/css; charset=utf-8");
    }

    @Test
    void anyOtherPathIs404AndReadsNoFile() {
        for (String path : List.of("/etc/passwd", "/../dashboard.js", "/dashboard/index.html", "/assets/../../pom.xml",
                "/api/nothing-here", "/META-INF/MANIFEST.MF")) {
            assertThatThrownBy(() -> files.get(get(path)), path)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404))
                    .hasMessageStartingWith("no such page or endpoint: ");
        }
    }

    @Test
    void theSeriesCursorMustBeAWholeNumberOfZeroOrMore() {
        assertThat(SeriesResource.longParam(get("/api/series"), "since")).isZero();
        assertThat(SeriesResource.longParam(get("/api/series", "since", "12345678901"), "since")).isEqualTo(12_345_678_901L);
        assertThatThrownBy(() -> SeriesResource.longParam(get("/api/series", "since", "soon"), "since"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessage("since: expected the cursor of the previous answer (a whole number), got 'soon'");
        assertThatThrownBy(() -> SeriesResource.longParam(get("/api/series", "since", "-1"), "since"))
                .hasMessage("since: must be 0 or more, got -1");
    }
}
