package dev.governor.plugin.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.spi.ActionHandler;
import dev.governor.spi.PluginContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** notify.webhook against a real HTTP server on loopback. */
class WebhookTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private HttpServer server;

    private record Context(Map<String, Object> settings) implements PluginContext {
        @Override
        public String pluginName() {
            return "notify";
        }

        @Override
        public Clock clock() {
            return Clock.fixed(NOW, ZoneOffset.UTC);
        }
    }

    /** A server whose n-th answer (from 1) is statuses[n-1], or the last one; a negative status hangs. */
    private String serve(int... statuses) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/hook", exchange -> {
            int n = calls.incrementAndGet();
            int status = statuses[Math.min(n, statuses.length) - 1];
            received.add(new ObjectMapper().readTree(exchange.getRequestBody()));
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            if (status < 0) {
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = ("status " + status).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(Math.abs(status), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook?token=s3cret";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private ActionHandler handler(String url, Map<String, Object> more) {
        Map<String, Object> webhook = new java.util.HashMap<>(Map.of("url", url, "backoff", "50ms", "timeout", "1s",
                "headers", Map.of("Authorization", "Bearer t0ken")));
        webhook.putAll(more);
        return new NotifyPlugin().create(new Context(Map.of("webhook", webhook)));
    }

    @Test
    void postsTheNotificationAsJsonWithTheConfiguredHeaders() throws Exception {
        // Not a test of the timeout: the first request of a cold HTTP client can take over 1 s on a loaded machine.
        ActionHandler handler = handler(serve(204), Map.of("timeout", "15s"));
        Action action = new Action("notify.webhook", "main/4242", Map.of("message", "idle in transaction for 20m",
                "severity", "critical"), "Terminate idle holders");
        ActionOutcome outcome = handler.handle(action);
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.APPLIED);
        assertThat(outcome.message()).isEqualTo("posted to http://127.0.0.1:" + server.getAddress().getPort() + "/hook: 204");
        assertThat(outcome.message()).doesNotContain("s3cret");
        JsonNode body = received.get(0);
        assertThat(body.get("type").asText()).isEqualTo("notify.webhook");
        assertThat(body.get("target").asText()).isEqualTo("main/4242");
        assertThat(body.get("severity").asText()).isEqualTo("critical");
        assertThat(body.get("message").asText()).isEqualTo("idle in transaction for 20m");
        assertThat(body.get("reason").asText()).isEqualTo("Terminate idle holders");
        assertThat(body.get("at").asText()).isEqualTo(NOW.toString());
        assertThat(authorizations).containsExactly("Bearer t0ken");
    }

    @Test
    void retriesServerErrorsWithBackoffUntilOneSucceeds() throws Exception {
        ActionHandler handler = handler(serve(503, 500, 200), Map.of("retries", 3));
        long started = System.nanoTime();
        ActionOutcome outcome = handler.handle(new Action("notify.webhook", "orders", Map.of(), "Pool grew"));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.APPLIED);
        assertThat(outcome.message()).endsWith(": 200 after 3 attempts");
        assertThat(calls.get()).isEqualTo(3);
        assertThat(tookMillis).as("waited 50 ms, then 100 ms").isGreaterThanOrEqualTo(150);
        assertThat(received.get(0).get("message").asText()).as("the reason is the default message").isEqualTo("Pool grew");
    }

    @Test
    void aClientErrorIsNotRetriedAndRunningOutOfRetriesFails() throws Exception {
        ActionHandler handler = handler(serve(400), Map.of());
        ActionOutcome outcome = handler.handle(new Action("notify.webhook", "x", Map.of(), "r"));
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.FAILED);
        assertThat(outcome.message()).contains("HTTP 400: status 400 (not retried)");
        assertThat(calls.get()).isEqualTo(1);
        stop();
        calls.set(0);

        handler = handler(serve(502), Map.of("retries", 2));
        outcome = handler.handle(new Action("notify.webhook", "x", Map.of(), "r"));
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.FAILED);
        assertThat(outcome.message()).contains("3 attempts failed, last: HTTP 502");
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void aReceiverThatDoesNotAnswerTimesOutAndOneThatIsGoneFails() throws Exception {
        ActionHandler handler = handler(serve(-200), Map.of("retries", 0, "timeout", "300ms"));
        long started = System.nanoTime();
        ActionOutcome outcome = handler.handle(new Action("notify.webhook", "x", Map.of(), "r"));
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.FAILED);
        assertThat(outcome.message()).contains("no answer within 300 ms");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(3_000);

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        handler = handler("http://127.0.0.1:" + closedPort + "/hook", Map.of("retries", 1));
        outcome = handler.handle(new Action("notify.webhook", "x", Map.of(), "r"));
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.FAILED);
        assertThat(outcome.message()).contains("2 attempts failed, last: ConnectException");
    }

    @Test
    void withoutAUrlWebhookActionsFailSayingWhatToSetAndBadSettingsStopStartUp() throws Exception {
        ActionOutcome outcome = new NotifyPlugin().create(new Context(Map.of()))
                .handle(new Action("notify.webhook", "x", Map.of(), "r"));
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.FAILED);
        assertThat(outcome.message()).isEqualTo("notify.webhook has no URL: set plugins.settings.notify.webhook.url");

        assertThatThrownBy(() -> new NotifyPlugin().create(new Context(Map.of("webhook", Map.of("url", "ftp://x/y")))))
                .hasMessageContaining("webhook.url must be an http or https URL");
        assertThatThrownBy(() -> new NotifyPlugin().create(new Context(Map.of("webhook", Map.of("url", "http://x/y", "retires", 2)))))
                .hasMessage("unknown setting 'webhook.retires'; webhook has: backoff, headers, retries, timeout, url");
        assertThatThrownBy(() -> new NotifyPlugin().create(new Context(Map.of("webhook", Map.of("url", "http://x/y", "timeout", "soon")))))
                .hasMessageContaining("webhook.timeout must be a positive duration");
        assertThatThrownBy(() -> new NotifyPlugin().create(new Context(Map.of("webhook", Map.of("url", "http://x/y", "retries", 99)))))
                .hasMessageContaining("webhook.retries must be a whole number from 0 to 10");
    }
}
