package dev.governor.engine.http;

import dev.governor.api.Fact;
import dev.governor.engine.Governor;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.json.InvalidFactException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /api/samples}: one fact or an array of facts in their JSON form, read by {@link FactCodec} as the
 * routes read them (strict: unknown fields, wrong types, missing required fields, fractions for integers,
 * non-finite numbers and values a fact refuses, such as negative counts, are each a problem). All or nothing:
 * 202 with the count accepted, or 400 with one problem per bad field, naming the element's index, or 503 when
 * the rules engine's queue is full (nothing taken; retry). The facts go through the same tee as the routes'
 * ({@link Governor#currentFacts()}), with the source {@code api}.
 */
final class SamplesResource {

    /** The source API facts carry in metrics and {@code /api/facts}. */
    static final String SOURCE = "api";

    private static final Pattern PROBLEM = Pattern.compile("^(?:\\[(\\d+)] )?(?:([A-Za-z][A-Za-z0-9]*(?:\\.[A-Za-z0-9_\\[\\]]+)?): )?(.*)$",
            Pattern.DOTALL);

    private final Governor governor;
    private final FactCodec codec;

    SamplesResource(Governor governor, FactCodec codec) {
        this.governor = governor;
        this.codec = codec;
    }

    ApiResponse post(ApiRequest request) {
        if (request.body().length == 0) {
            throw ApiException.badRequest("body", "empty: expected a fact object or an array of facts");
        }
        List<Fact> facts;
        try {
            facts = codec.read(request.bodyText());
        } catch (InvalidFactException e) {
            List<ApiException.Problem> problems = new ArrayList<>();
            for (String problem : e.problems()) {
                problems.add(problem(problem));
            }
            throw new ApiException(400, e.getMessage(), problems, Map.of());
        }
        if (facts.isEmpty()) {
            throw ApiException.badRequest("body", "an empty array: expected at least one fact");
        }
        try {
            governor.currentFacts().accept(facts, SOURCE);
        } catch (IllegalStateException e) {
            throw new ApiException(503, "not accepted, nothing was taken: " + e.getMessage(), List.of(),
                    Map.of("Retry-After", "1"));
        }
        return ApiResponse.json(202, Map.of("accepted", facts.size()));
    }

    /** {@code [2] PoolSample.waiting: expected an integer, got "six"} as index 2, field PoolSample.waiting, the message. */
    static ApiException.Problem problem(String text) {
        Matcher matcher = PROBLEM.matcher(text);
        if (!matcher.matches()) {
            return new ApiException.Problem(null, text, null);
        }
        Integer index = matcher.group(1) == null ? null : Integer.valueOf(matcher.group(1));
        return new ApiException.Problem(matcher.group(2), matcher.group(3), index);
    }
}
