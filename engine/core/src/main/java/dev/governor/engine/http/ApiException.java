package dev.governor.engine.http;

import java.util.List;
import java.util.Map;

/**
 * A request the API refuses, with its status and a message per problem. An endpoint throws it; the server
 * turns it into {@code {"status":400,"error":"...","problems":[{"field":"limit","message":"..."}]}}.
 */
public final class ApiException extends RuntimeException {

    /**
     * One thing wrong with a request.
     *
     * @param field   the parameter or JSON member, e.g. {@code limit} or {@code PoolSample.waiting}; null when the
     *                problem is with the whole element
     * @param message why
     * @param index   the element's index in a JSON array; null for a single object or a parameter
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Problem(String field, String message, Integer index) {
        public Problem(String field, String message) {
            this(field, message, null);
        }
    }

    private final int status;
    private final List<Problem> problems;
    private final Map<String, String> headers;

    public ApiException(int status, String message, List<Problem> problems, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.problems = List.copyOf(problems);
        this.headers = Map.copyOf(headers);
    }

    public ApiException(int status, String message) {
        this(status, message, List.of(), Map.of());
    }

    /** 400 about one field. */
    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, field + ": " + message, List.of(new Problem(field, message)), Map.of());
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public int status() {
        return status;
    }

    public List<Problem> problems() {
        return problems;
    }

    /** Headers the response must carry, e.g. {@code Allow} on a 405 or {@code Retry-After} on a 503. */
    public Map<String, String> headers() {
        return headers;
    }
}
