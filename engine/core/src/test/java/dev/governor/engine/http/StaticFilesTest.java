package dev.governor.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StaticFilesTest {

    private final StaticFiles files = new StaticFiles("dev/governor/engine/http/static-test", "");

    private static ApiRequest get(String path) {
        return new ApiRequest("GET", path, Map.of(), Map.of(), Map.of(), null);
    }

    @Test
    void theRootIsTheFoldersIndexAndFilesCarryTheirType() throws Exception {
        ApiResponse index = files.get(get("/"));
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(new String(index.body(), StandardCharsets.UTF_8)).contains("<h1>hello</h1>");
        assertThat(files.get(get("/css/site.css")).contentType()).startsWith("text/css");
    }

    @Test
    void nothingOutsideTheFolderIsServed() {
        for (String path : new String[] {"/../ApiServer.class", "/css/../../openapi.json", "/missing.html", "//etc/passwd",
                "/css\\site.css"}) {
            assertThatThrownBy(() -> files.get(get(path))).as(path).isInstanceOf(ApiException.class)
                    .extracting(e -> ((ApiException) e).status()).isEqualTo(404);
        }
    }

    @Test
    void aMountedFolderAnswersBelowItsPathOnly() throws Exception {
        StaticFiles mounted = new StaticFiles("dev/governor/engine/http/static-test", "/ui");
        assertThat(mounted.get(get("/ui/")).status()).isEqualTo(200);
        assertThatThrownBy(() -> mounted.get(get("/other/index.html"))).isInstanceOf(ApiException.class);
    }
}
