package dev.governor.engine.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code GET /}: the dashboard, a page of three files ({@code dashboard/index.html}, {@code dashboard.js},
 * {@code dashboard.css} beside this class) and uPlot from its WebJar under {@code /assets/}. Only these files
 * are served, read once at start, so no request names a file of its own choosing; anything else is a 404.
 * The page is allowed to load scripts and data from Governor only (Content-Security-Policy).
 */
final class DashboardFiles {

    static final String PAGE = "dev/governor/engine/http/dashboard/";
    private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private record File(String contentType, byte[] body, boolean versioned) {
    }

    private final Map<String, File> files = new LinkedHashMap<>();

    DashboardFiles() {
        ClassLoader loader = DashboardFiles.class.getClassLoader();
        File index = new File("text/html; charset=utf-8", read(loader, PAGE + "index.html"), false);
        files.put("/", index);
        files.put("/index.html", index);
        files.put("/dashboard.js", new File("text/javascript; charset=utf-8", read(loader, PAGE + "dashboard.js"), false));
        files.put("/dashboard.css", new File("text/css; charset=utf-8", read(loader, PAGE + "dashboard.css"), false));
        String uplot = "META-INF/resources/webjars/uplot/" + uplotVersion(loader) + "/dist/";
        files.put("/assets/uPlot.iife.min.js", new File("text/javascript; charset=utf-8", read(loader, uplot + "uPlot.iife.min.js"), true));
        files.put("/assets/uPlot.min.css", new File("text/css; charset=utf-8", read(loader, uplot + "uPlot.min.css"), true));
    }

    ApiResponse get(ApiRequest request) {
        File file = files.get(request.path());
        if (file == null) {
            throw ApiException.notFound("no such page or endpoint: " + ApiRequest.abbreviate(request.path())
                    + "; the dashboard is at /, the API under /api (GET /api/openapi.json lists it)");
        }
        // uPlot's files change only with the jar; the page's are small and must follow an upgrade at once.
        return new ApiResponse(200, file.contentType(), file.body(), Map.of(
                "Cache-Control", file.versioned() ? "public, max-age=3600" : "no-cache",
                "Content-Security-Policy", CSP,
                "Referrer-Policy", "no-referrer"));
    }

    private static String uplotVersion(ClassLoader loader) {
        Properties properties = new Properties();
        try (InputStream in = loader.getResourceAsStream(UPLOT_POM)) {
            if (in == null) {
                throw new IllegalStateException("uPlot's WebJar (org.webjars.npm:uplot) is not on the classpath: " + UPLOT_POM
                        + " is missing; the dashboard needs it");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + UPLOT_POM + ": " + e.getMessage(), e);
        }
        return properties.getProperty("version");
    }

    private static byte[] read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's file " + resource + " is not on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }
}
