package dev.governor.engine.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.governor.engine.json.FactCodec;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an endpoint answers: a status, a content type, the body's bytes and any other headers.
 *
 * @param status      the HTTP status
 * @param contentType the body's media type
 * @param body        the body
 * @param headers     other response headers
 */
public record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static final String JSON = "application/json";

    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    /** 200 with this value as JSON (a record, a map, a list, a Jackson node). */
    public static ApiResponse json(Object value) {
        return json(200, value);
    }

    /** This status with this value as JSON. */
    public static ApiResponse json(int status, Object value) {
        try {
            return new ApiResponse(status, JSON, FactCodec.mapper().writeValueAsBytes(value), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the response as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** 200 with text of this media type. */
    public static ApiResponse text(String contentType, String text) {
        return new ApiResponse(200, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** The same response with one more header. */
    public ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, contentType, body, more);
    }
}
