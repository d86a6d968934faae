package dev.governor.engine.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request as an endpoint sees it: method, path, query parameters, the path's own parameters, headers and
 * the body (already read whole, at most {@code api.maxBodyBytes}).
 *
 * @param method     {@code GET}, {@code POST}, ...
 * @param path       the path without the query, e.g. {@code /api/silences/s-1f2e3d4c}
 * @param query      the query parameters, each with every value given
 * @param pathParams the values of the {@code {name}} segments of the endpoint's path
 * @param headers    the request's headers, names in lower case
 * @param body       the body's bytes; empty when there is none
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query, Map<String, String> pathParams,
                         Map<String, String> headers, byte[] body) {

    public ApiRequest {
        query = Map.copyOf(query);
        pathParams = Map.copyOf(pathParams);
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    /** The first value of a query parameter, if given and not blank. */
    public Optional<String> param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() || values.get(0).isBlank() ? Optional.empty() : Optional.of(values.get(0).trim());
    }

    /** A path parameter; the endpoint's path declares it, so it is always there. */
    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalStateException("no path parameter '" + name + "' in " + path);
        }
        return value;
    }

    /** A header, by its name in any case. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * A query parameter as a whole number between {@code min} and {@code max}, or {@code fallback} when absent.
     *
     * @throws ApiException 400 naming the parameter when it is not such a number
     */
    public int intParam(String name, int fallback, int min, int max) {
        Optional<String> text = param(name);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.get());
            if (value < min || value > max) {
                throw ApiException.badRequest(name, "must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name, "expected a whole number, got '" + abbreviate(text.get()) + "'");
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
