package dev.governor.plugin.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out {@code notify.webhook}: an HTTP POST of the notification as JSON, with a timeout per
 * attempt and retries with exponential backoff on connection errors, timeouts, 429 and 5xx responses.
 * A 4xx answer other than 429 is not retried: the receiver said the request itself is wrong.
 *
 * <p>The body: {@code {"type":"notify.webhook","target":...,"severity":...,"message":...,"reason":...,
 * "params":{...},"at":"..."}}. The URL's query and the header values (tokens) are never logged.
 */
final class WebhookHandler {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookSettings settings;
    private final Clock clock;
    private final HttpClient client;

    WebhookHandler(WebhookSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    ActionOutcome handle(Action action, String message, Severity severity) throws InterruptedException {
        byte[] body;
        try {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("type", action.type());
            json.put("target", action.target());
            json.put("severity", severity.name().toLowerCase(java.util.Locale.ROOT));
            json.put("message", message);
            json.put("reason", action.reason());
            json.put("params", action.params());
            json.put("at", clock.instant().toString());
            body = JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            return ActionOutcome.failed(action, "cannot write the notification as JSON: " + e.getMessage(), clock.instant());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.url())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "governor")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        settings.headers().forEach(request::header);
        String where = WebhookSettings.redact(settings.url());
        String last = "";
        Duration pause = settings.backoff();
        int attempts = settings.retries() + 1;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1) {
                Thread.sleep(pause.toMillis());
                pause = pause.multipliedBy(2);
            }
            try {
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return ActionOutcome.applied(action, "posted to " + where + ": " + status
                            + (attempt > 1 ? " after " + attempt + " attempts" : ""), clock.instant());
                }
                last = "HTTP " + status + snippet(response.body());
                if (status != 429 && status < 500) {
                    return ActionOutcome.failed(action, "posted to " + where + ": " + last + " (not retried)", clock.instant());
                }
            } catch (java.net.http.HttpTimeoutException e) {
                last = "no answer within " + settings.timeout().toMillis() + " ms";
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            LOG.debug("notify.webhook to {}: attempt {} of {} failed: {}", where, attempt, attempts, last);
        }
        return ActionOutcome.failed(action, "posted to " + where + ": " + attempts + " attempts failed, last: " + last,
                clock.instant());
    }

    private static String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String line = body.strip().replaceAll("\\s+", " ");
        return ": " + (line.length() > 200 ? line.substring(0, 200) + "..." : line);
    }
}
