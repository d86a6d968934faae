package dev.governor.engine.http;

import dev.governor.engine.Secrets;
import dev.governor.engine.config.ConfigException;
import dev.governor.engine.config.GovernorConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Governor's HTTP server: Camel platform-http on an embedded Vert.x server, in a Camel context of its own
 * (started by {@code Governor.start} after everything else, stopped first). Every endpoint is one row of a
 * table, {@link Endpoint}: a method, a path, whether it changes something (then it needs the bearer token,
 * {@link ApiToken}), a one-line summary for {@code /api/openapi.json}, and a {@link Handler} that turns an
 * {@link ApiRequest} into an {@link ApiResponse}. The server does the rest for every endpoint: 401 without the
 * token, 405 with {@code Allow} for a method the path does not take, 415 for a body that is not JSON, 413 above
 * {@code api.maxBodyBytes} (Vert.x's body handler, before the body is read), an {@link ApiException} as
 * {@code {"status":400,"error":"...","problems":[...]}}, anything else as a 500 whose message is masked
 * ({@link Secrets}), and no request header ever echoed into the response.
 *
 * <p><b>Adding an endpoint.</b> Write a handler (a method of a small {@code XxxResource} class that reads what it
 * needs from {@code Governor}), and add its row to {@link GovernorApi#endpoints}:
 * <pre>{@code
 * new Endpoint("GET", "/api/series", Access.READ, "Recent values of one metric", series::get),
 * new Endpoint("DELETE", "/api/silences/{id}", Access.CHANGE, "End a silence", silences::delete),
 * }</pre>
 * {@code {name}} in a path is a path parameter ({@link ApiRequest#pathParam}); a path ending in {@code /*} takes
 * every path under it, which is how the dashboard's files are served ({@link DashboardFiles}):
 * {@code new Endpoint("GET", "/*", Access.READ, "The dashboard", new DashboardFiles()::get)}
 * answers {@code /} with its {@code index.html}. Exact paths win over {@code /*} ones, whatever the order of the
 * rows. Then add the endpoint to {@code docs/api.md}; {@code ApiContractIT} fails for an endpoint the OpenAPI
 * description leaves out.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    /** Whether an endpoint only reads (open to whoever reaches the port) or changes something (needs the token). */
    public enum Access { READ, CHANGE }

    /** Turns a request into a response; throws {@link ApiException} to refuse it. */
    @FunctionalInterface
    public interface Handler {
        ApiResponse handle(ApiRequest request) throws Exception;
    }

    /** Told of every request once answered: for metrics. {@code path} is the endpoint's, e.g. {@code /api/silences/{id}}. */
    @FunctionalInterface
    public interface Observer {
        void answered(String method, String path, int status, long nanos);

        Observer NONE = (method, path, status, nanos) -> { };
    }

    /**
     * One row of the API's table.
     *
     * @param method  {@code GET}, {@code POST}, {@code PUT}, {@code DELETE}
     * @param path    starts with {@code /}; {@code {name}} segments are path parameters; a trailing {@code /*} takes
     *                every path below
     * @param access  {@link Access#CHANGE} needs the bearer token
     * @param summary one line, for the OpenAPI description
     * @param handler what it does
     */
    public record Endpoint(String method, String path, Access access, String summary, Handler handler) {
        public Endpoint {
            method = method.toUpperCase(Locale.ROOT);
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("an endpoint's path starts with '/': " + path);
            }
        }

        boolean prefix() {
            return path.endsWith("/*");
        }
    }

    private final DefaultCamelContext context;
    private final Vertx vertx;
    private final VertxPlatformHttpServer server;
    private final List<Endpoint> endpoints;
    private final boolean tls;

    private ApiServer(DefaultCamelContext context, Vertx vertx, VertxPlatformHttpServer server, List<Endpoint> endpoints,
                      boolean tls) {
        this.context = context;
        this.vertx = vertx;
        this.server = server;
        this.endpoints = endpoints;
        this.tls = tls;
    }

    /**
     * Starts the server on {@code api.bind}:{@code api.port} with these endpoints.
     *
     * @throws ConfigException when it cannot listen there (the port is taken, the address is not this machine's)
     */
    public static ApiServer start(GovernorConfig.Api api, ApiToken token, List<Endpoint> endpoints, Observer observer)
            throws Exception {
        // Camel's Vert.x server only logs a failure to listen; find out first, with a message that says what to change.
        if (api.port() != 0) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new java.net.InetSocketAddress(api.bind(), api.port()));
            } catch (java.io.IOException e) {
                throw new ConfigException("api: cannot listen on " + api.bind() + ":" + api.port() + ": " + e.getMessage()
                        + " (is another Governor running?); set api.port or --port, or api.bind or --bind");
            }
        }
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(2)
                .setWorkerPoolSize(8)
                .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false)));
        DefaultCamelContext context = new DefaultCamelContext();
        try {
            context.getCamelContextExtension().setName("governor-api");
            context.disableJMX();
            context.getRegistry().bind("vertx", vertx);
            VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
            configuration.setBindHost(api.bind());
            configuration.setBindPort(api.port());
            configuration.setMaxBodySize(api.maxBodyBytes());
            configuration.getBodyHandler().setHandleFileUploads(false);
            if (api.tls() != null) {
                configuration.setSslContextParameters(sslContext(api.tls()));
            }
            VertxPlatformHttpServer server = new VertxPlatformHttpServer(configuration);
            context.addService(server, true, true);

            List<Endpoint> table = List.copyOf(endpoints);
            Map<String, List<Endpoint>> byPath = new LinkedHashMap<>();
            // Exact paths first: Vert.x tries routes in the order they were added.
            table.stream().sorted(Comparator.comparing(Endpoint::prefix))
                    .forEach(endpoint -> byPath.computeIfAbsent(endpoint.path(), path -> new ArrayList<>()).add(endpoint));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    byPath.forEach((path, rows) -> {
                        Dispatch dispatch = new Dispatch(path, rows, token, observer);
                        String uri = rows.get(0).prefix()
                                ? "platform-http:" + path.substring(0, path.length() - 1) + "?matchOnUriPrefix=true"
                                : "platform-http:" + path;
                        from(uri).routeId("api " + path).process(dispatch::process);
                    });
                }
            });
            context.start();
            int port = server.getPort();
            if (server.getServer() == null || port <= 0) {
                throw new ConfigException("api: cannot listen on " + api.bind() + ":" + api.port()
                        + " (is the port taken, or the address not this machine's?); set api.port, api.bind or --port");
            }
            ApiServer started = new ApiServer(context, vertx, server, table, api.tls() != null);
            LOG.info("HTTP API on {} ({} endpoint(s); changes need the bearer token from {})", started.url(), table.size(),
                    token.origin());
            return started;
        } catch (Exception | Error e) {
            closeQuietly(context, vertx);
            if (e instanceof ConfigException) {
                throw e;
            }
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new ConfigException("api: the HTTP server did not start on " + api.bind() + ":" + api.port() + ": "
                    + Secrets.mask(String.valueOf(root.getMessage())), e);
        }
    }

    private static SSLContextParameters sslContext(GovernorConfig.Tls tls) {
        if (!java.nio.file.Files.isReadable(tls.keyStore())) {
            throw new ConfigException("api.tls.keyStore: cannot read " + tls.keyStore());
        }
        KeyStoreParameters keyStore = new KeyStoreParameters();
        keyStore.setResource("file:" + tls.keyStore().toAbsolutePath());
        keyStore.setType(tls.keyStoreType());
        if (tls.keyStorePassword() != null) {
            keyStore.setPassword(tls.keyStorePassword());
        }
        KeyManagersParameters keyManagers = new KeyManagersParameters();
        keyManagers.setKeyStore(keyStore);
        String keyPassword = tls.keyPassword() != null ? tls.keyPassword() : tls.keyStorePassword();
        if (keyPassword != null) {
            keyManagers.setKeyPassword(keyPassword);
        }
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setKeyManagers(keyManagers);
        return parameters;
    }

    /** The port the server listens on: the configured one, or the one picked for {@code api.port: 0}. */
    public int port() {
        return server.getPort();
    }

    /** Whether {@code GET /} serves a page: the dashboard, when it is built in. */
    public boolean servesDashboard() {
        return endpoints().stream().anyMatch(e -> e.method().equals("GET") && (e.path().equals("/") || e.path().equals("/*")));
    }

    /** {@code http://127.0.0.1:8787} (or {@code https://...}). */
    public String url() {
        String host = server.getHost();
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            host = "127.0.0.1";
        }
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return (tls ? "https" : "http") + "://" + host + ":" + port();
    }

    /** The endpoints, as given. */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    @Override
    public void close() {
        closeQuietly(context, vertx);
    }

    private static void closeQuietly(DefaultCamelContext context, Vertx vertx) {
        try {
            context.close();
        } catch (Exception e) {
            LOG.warn("Stopping the HTTP API failed: {}", e.getMessage(), e);
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Stopping Vert.x failed: {}", e.getMessage(), e);
        }
    }

    /** The endpoints of one path, by method: authentication, content type, errors, the response. */
    private static final class Dispatch {
        private final String path;
        private final Map<String, Endpoint> byMethod = new LinkedHashMap<>();
        private final ApiToken token;
        private final Observer observer;
        private final String[] segments;

        Dispatch(String path, List<Endpoint> rows, ApiToken token, Observer observer) {
            this.path = path;
            this.token = token;
            this.observer = observer;
            for (Endpoint row : rows) {
                if (byMethod.putIfAbsent(row.method(), row) != null) {
                    throw new IllegalArgumentException("two endpoints for " + row.method() + " " + path);
                }
            }
            this.segments = path.split("/");
        }

        void process(Exchange exchange) {
            long started = System.nanoTime();
            Message message = exchange.getMessage();
            HttpServerRequest request = message instanceof HttpMessage http ? http.getRequest() : null;
            String method = request != null ? request.method().name() : String.valueOf(message.getHeader(Exchange.HTTP_METHOD));
            ApiResponse response;
            try {
                response = answer(exchange, request, method);
            } catch (ApiException e) {
                response = error(e);
            } catch (Exception | LinkageError e) {
                LOG.error("{} {} failed: {}", method, path, Secrets.mask(String.valueOf(e.getMessage())), e);
                response = error(new ApiException(500, "internal error: " + Secrets.mask(e.getClass().getSimpleName() + ": "
                        + e.getMessage())));
            }
            // Nothing of the request goes back: Camel would copy its headers (Authorization among them) into the response.
            message.getHeaders().clear();
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, response.status());
            message.setHeader(Exchange.CONTENT_TYPE, response.contentType());
            message.setHeader("Cache-Control", "no-store");
            message.setHeader("X-Content-Type-Options", "nosniff");
            response.headers().forEach(message::setHeader);
            message.setBody(response.body());
            observer.answered(method, path, response.status(), System.nanoTime() - started);
        }

        private ApiResponse answer(Exchange exchange, HttpServerRequest request, String method) throws Exception {
            Endpoint endpoint = byMethod.get(method);
            if (endpoint == null && "HEAD".equals(method)) {
                endpoint = byMethod.get("GET");
            }
            if (endpoint == null) {
                String allow = String.join(", ", new TreeSet<>(byMethod.keySet()));
                throw new ApiException(405, method + " is not allowed on " + path + "; allowed: " + allow, List.of(),
                        Map.of("Allow", allow));
            }
            Map<String, String> headers = new LinkedHashMap<>();
            if (request != null) {
                request.headers().forEach(header -> headers.putIfAbsent(header.getKey().toLowerCase(Locale.ROOT), header.getValue()));
            }
            if (endpoint.access() == Access.CHANGE && !token.accepts(java.util.Optional.ofNullable(headers.get("authorization")))) {
                throw new ApiException(401, (headers.containsKey("authorization") ? "wrong" : "missing")
                        + " bearer token: " + method + " " + path + " changes something and needs 'Authorization: Bearer TOKEN' "
                        + "(GOVERNOR_API_TOKEN, api.token, or the file Governor's log names at start)",
                        List.of(), Map.of("WWW-Authenticate", "Bearer realm=\"governor\""));
            }
            String contentType = headers.getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
            if (contentType.startsWith("application/x-www-form-urlencoded") || contentType.startsWith("multipart/")) {
                throw new ApiException(415, "the body must be JSON: send 'Content-Type: application/json' (curl -d sends a "
                        + "form unless told otherwise)");
            }
            byte[] body = body(exchange.getMessage());
            if (body.length > 0 && !contentType.isEmpty() && !contentType.startsWith("application/json")
                    && !contentType.contains("+json")) {
                throw new ApiException(415, "the body must be JSON (Content-Type: application/json), got Content-Type '"
                        + ApiRequest.abbreviate(contentType) + "'");
            }
            String requestPath = request != null ? request.path() : String.valueOf(exchange.getMessage().getHeader(Exchange.HTTP_PATH));
            ApiRequest apiRequest = new ApiRequest(method, requestPath, query(request), pathParams(requestPath), headers, body);
            ApiResponse response = endpoint.handler().handle(apiRequest);
            if ("HEAD".equals(method)) {
                return new ApiResponse(response.status(), response.contentType(), new byte[0], response.headers());
            }
            return response;
        }

        private static byte[] body(Message message) {
            Object body = message.getBody();
            if (body == null) {
                return new byte[0];
            }
            if (body instanceof Buffer buffer) {
                return buffer.getBytes();
            }
            if (body instanceof byte[] bytes) {
                return bytes;
            }
            byte[] bytes = message.getBody(byte[].class);
            return bytes == null ? new byte[0] : bytes;
        }

        private static Map<String, List<String>> query(HttpServerRequest request) {
            Map<String, List<String>> query = new LinkedHashMap<>();
            if (request == null || request.query() == null) {
                return query;
            }
            io.vertx.core.MultiMap params = io.vertx.core.MultiMap.caseInsensitiveMultiMap();
            new io.netty.handler.codec.http.QueryStringDecoder(request.query(), false).parameters()
                    .forEach(params::add);
            for (String name : params.names()) {
                query.put(name, List.copyOf(params.getAll(name)));
            }
            return query;
        }

        private Map<String, String> pathParams(String requestPath) {
            Map<String, String> params = new LinkedHashMap<>();
            String[] given = requestPath.split("/");
            for (int i = 0; i < segments.length && i < given.length; i++) {
                String segment = segments[i];
                if (segment.startsWith("{") && segment.endsWith("}")) {
                    params.put(segment.substring(1, segment.length() - 1),
                            java.net.URLDecoder.decode(given[i], java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            return params;
        }

        private static ApiResponse error(ApiException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", e.status());
            body.put("error", Secrets.mask(e.getMessage()));
            if (!e.problems().isEmpty()) {
                body.put("problems", e.problems());
            }
            ApiResponse response = ApiResponse.json(e.status(), body);
            for (Map.Entry<String, String> header : e.headers().entrySet()) {
                response = response.withHeader(header.getKey(), header.getValue());
            }
            return response;
        }
    }
}
