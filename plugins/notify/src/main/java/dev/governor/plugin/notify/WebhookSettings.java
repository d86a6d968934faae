package dev.governor.plugin.notify;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code plugins.settings.notify.webhook}: where {@code notify.webhook} posts.
 *
 * @param url     an http or https URL; required for {@code notify.webhook}
 * @param headers request headers, e.g. {@code Authorization: Bearer ${TOKEN}}; values are never logged
 * @param timeout how long one attempt may take, connect included; default 5s
 * @param retries further attempts after a failed one (a connection error, a timeout, 429 or 5xx); default 3
 * @param backoff the pause before the first retry, doubled before each next one; default 1s
 */
record WebhookSettings(URI url, Map<String, String> headers, Duration timeout, int retries, Duration backoff) {

    private static final Set<String> KEYS = Set.of("url", "headers", "timeout", "retries", "backoff");

    WebhookSettings {
        headers = Map.copyOf(headers);
    }

    /** Reads the {@code webhook} setting; null when it is absent. */
    static WebhookSettings parse(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("webhook must be a mapping with url (and headers, timeout, retries, backoff)");
        }
        for (Object key : map.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw new IllegalArgumentException("unknown setting 'webhook." + key + "'; webhook has: backoff, headers, retries, timeout, url");
            }
        }
        Object urlValue = map.get("url");
        if (urlValue == null || urlValue.toString().isBlank()) {
            throw new IllegalArgumentException("webhook.url is required, e.g. https://hooks.example.com/governor");
        }
        URI url;
        try {
            url = URI.create(urlValue.toString().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("webhook.url is not a URL: " + e.getMessage());
        }
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("webhook.url must be an http or https URL with a host, was '" + redact(url) + "'");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Object headerValue = map.get("headers");
        if (headerValue != null) {
            if (!(headerValue instanceof Map<?, ?> given)) {
                throw new IllegalArgumentException("webhook.headers must be a mapping of header names to values");
            }
            given.forEach((k, v) -> headers.put(String.valueOf(k), String.valueOf(v)));
        }
        Duration timeout = duration(map.get("timeout"), Duration.ofSeconds(5), "webhook.timeout");
        Duration backoff = duration(map.get("backoff"), Duration.ofSeconds(1), "webhook.backoff");
        int retries = 3;
        Object retriesValue = map.get("retries");
        if (retriesValue != null) {
            try {
                retries = Integer.parseInt(retriesValue.toString().trim());
            } catch (NumberFormatException e) {
                retries = -1;
            }
            if (retries < 0 || retries > 10) {
                throw new IllegalArgumentException("webhook.retries must be a whole number from 0 to 10, was '" + retriesValue + "'");
            }
        }
        return new WebhookSettings(url, headers, timeout, retries, backoff);
    }

    /** The URL without its query or user info, which may carry a token: what logs and outcomes show. */
    static String redact(URI url) {
        String port = url.getPort() < 0 ? "" : ":" + url.getPort();
        return url.getScheme() + "://" + url.getHost() + port + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    private static Duration duration(Object value, Duration fallback, String name) {
        if (value == null) {
            return fallback;
        }
        Duration d;
        try {
            d = dev.governor.spi.Durations.parse(value.toString());
        } catch (IllegalArgumentException e) {
            d = null;
        }
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be a positive duration such as 500ms, 5s or 1m, was '" + value + "'");
        }
        return d;
    }
}
