package dev.governor.engine.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.engine.json.FactCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client for the API in tests: java.net.http against the server's actual port. */
final class ApiClient {

    /** A response: its status, its headers and its body (parsed when it is JSON). */
    record Reply(int status, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return FactCodec.mapper().readTree(raw.body());
            } catch (Exception e) {
                throw new AssertionError("not JSON (" + status + "): " + raw.body(), e);
            }
        }

        String body() {
            return raw.body();
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    ApiClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** The same server, sending another token (null: none). */
    ApiClient withToken(String other) {
        return new ApiClient(base, other);
    }

    Reply get(String path) throws Exception {
        return send(request(path).GET());
    }

    Reply post(String path, String json) throws Exception {
        return send(request(path).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply post(String path, byte[] body, String contentType) throws Exception {
        HttpRequest.Builder builder = request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return send(builder);
    }

    Reply delete(String path) throws Exception {
        return send(request(path).DELETE());
    }

    Reply method(String method, String path) throws Exception {
        return send(request(path).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Reply send(HttpRequest.Builder builder) throws Exception {
        HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response);
    }
}
