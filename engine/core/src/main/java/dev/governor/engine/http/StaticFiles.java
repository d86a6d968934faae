package dev.governor.engine.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;

/**
 * Serves the files of a classpath folder: {@code GET /x/y.css} under an endpoint {@code /*} answers with the
 * resource {@code FOLDER/x/y.css}, and a path ending in {@code /} with its {@code index.html}. Paths with
 * {@code ..}, backslashes or empty segments are refused (404), so nothing outside the folder is served.
 */
public final class StaticFiles {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("ico", "image/x-icon"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("woff2", "font/woff2"));

    private final String folder;
    private final String mount;
    private final ClassLoader loader;

    /**
     * @param folder the classpath folder, e.g. {@code dev/governor/engine/http/dashboard}
     * @param mount  the endpoint's path without its {@code /*}, e.g. {@code ""} for {@code /*}
     */
    public StaticFiles(String folder, String mount) {
        this.folder = folder.endsWith("/") ? folder.substring(0, folder.length() - 1) : folder;
        this.mount = mount;
        this.loader = StaticFiles.class.getClassLoader();
    }

    public ApiResponse get(ApiRequest request) throws IOException {
        String path = request.path();
        if (!path.startsWith(mount)) {
            throw ApiException.notFound("no such file: " + ApiRequest.abbreviate(path));
        }
        String relative = path.substring(mount.length());
        if (relative.isEmpty() || relative.endsWith("/")) {
            relative = relative + "index.html";
        }
        if (relative.startsWith("/")) {
            relative = relative.substring(1);
        }
        if (relative.contains("..") || relative.contains("\\") || relative.contains("//") || relative.startsWith("/")) {
            throw ApiException.notFound("no such file: " + ApiRequest.abbreviate(path));
        }
        try (InputStream in = loader.getResourceAsStream(folder + "/" + relative)) {
            if (in == null) {
                throw ApiException.notFound("no such file: " + ApiRequest.abbreviate(path));
            }
            String extension = relative.contains(".") ? relative.substring(relative.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
            return new ApiResponse(200, TYPES.getOrDefault(extension, "application/octet-stream"), in.readAllBytes(), Map.of());
        }
    }
}
