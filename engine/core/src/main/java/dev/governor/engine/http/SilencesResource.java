package dev.governor.engine.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.engine.Governor;
import dev.governor.engine.config.Durations;
import dev.governor.engine.envelope.Silence;
import dev.governor.engine.json.FactCodec;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Silences of the safety envelope, as {@code governor silence} edits them: {@code GET /api/silences} (those in
 * force: the configuration's, then those set at run time), {@code POST /api/silences} with
 * {@code {"type":"pg.*","target":"main/*","for":"2h","reason":"...","by":"..."}} ({@code until} instead of
 * {@code for}; 201 with the silence), {@code DELETE /api/silences/{id}} (204; 404 when there is no such silence;
 * 409 for one written in governor.yaml).
 */
final class SilencesResource {

    private static final Set<String> FIELDS = Set.of("type", "target", "for", "until", "reason", "by");

    private final Governor governor;

    SilencesResource(Governor governor) {
        this.governor = governor;
    }

    ApiResponse list(ApiRequest request) {
        List<Silence> silences = governor.envelope().silences();
        List<Map<String, Object>> rows = silences.stream().map(SilencesResource::row).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", rows.size());
        body.put("silences", rows);
        return ApiResponse.json(body);
    }

    ApiResponse add(ApiRequest request) {
        if (request.body().length == 0) {
            throw ApiException.badRequest("body", "empty: expected {\"type\":\"pg.*\",\"target\":\"main/*\",\"for\":\"2h\","
                    + "\"reason\":\"...\",\"by\":\"...\"}");
        }
        JsonNode body;
        try {
            body = FactCodec.mapper().readTree(request.bodyText());
        } catch (Exception e) {
            throw ApiException.badRequest("body", "not valid JSON: " + ApiRequest.abbreviate(String.valueOf(e.getMessage())));
        }
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("body", "expected a JSON object");
        }
        List<ApiException.Problem> problems = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                problems.add(new ApiException.Problem(name, "unknown field; a silence has " + String.join(", ", List.of(
                        "type", "target", "for", "until", "reason", "by"))));
            }
        }
        String type = text(body, "type", problems);
        String target = text(body, "target", problems);
        String duration = text(body, "for", problems);
        String untilText = text(body, "until", problems);
        String reason = text(body, "reason", problems);
        String by = text(body, "by", problems);
        if (type == null && target == null) {
            problems.add(new ApiException.Problem("type", "give type, target or both (type \"*\" silences every action)"));
        }
        if (reason == null || reason.isBlank()) {
            problems.add(new ApiException.Problem("reason", "required: why; it is in every audit line the silence causes"));
        }
        if (by == null || by.isBlank()) {
            problems.add(new ApiException.Problem("by", "required: who sets it"));
        }
        Instant now = governor.envelope().now();
        Instant until = null;
        if ((duration == null) == (untilText == null)) {
            problems.add(new ApiException.Problem("for", "give exactly one of for (e.g. 2h) and until (e.g. 2026-12-01T06:00:00Z)"));
        } else if (duration != null) {
            try {
                Duration length = Durations.parse(duration);
                if (length.isNegative() || length.isZero()) {
                    problems.add(new ApiException.Problem("for", "must be positive, got " + duration));
                } else {
                    until = now.plus(length);
                }
            } catch (IllegalArgumentException e) {
                problems.add(new ApiException.Problem("for", e.getMessage()));
            }
        } else {
            try {
                until = OffsetDateTime.parse(untilText).toInstant();
                if (!until.isAfter(now)) {
                    problems.add(new ApiException.Problem("until", "must be in the future, got " + untilText));
                }
            } catch (DateTimeParseException e) {
                problems.add(new ApiException.Problem("until", "expected a time such as 2026-12-01T06:00:00Z, got '"
                        + ApiRequest.abbreviate(untilText) + "'"));
            }
        }
        if (!problems.isEmpty()) {
            throw new ApiException(400, "silence not set: " + problems.get(0).field() + ": " + problems.get(0).message(),
                    problems, Map.of());
        }
        Silence silence;
        try {
            silence = governor.envelope().silence(type, target, until, reason, by);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("body", e.getMessage());
        }
        return ApiResponse.json(201, row(silence)).withHeader("Location", "/api/silences/" + silence.id());
    }

    ApiResponse remove(ApiRequest request) {
        String id = request.pathParam("id");
        boolean removed;
        try {
            removed = governor.envelope().unsilence(id);
        } catch (IllegalArgumentException e) {
            throw new ApiException(409, e.getMessage());
        }
        if (!removed) {
            throw ApiException.notFound("no silence " + ApiRequest.abbreviate(id) + " set at run time (GET /api/silences lists them)");
        }
        return new ApiResponse(204, ApiResponse.JSON, new byte[0], Map.of());
    }

    private static String text(JsonNode body, String name, List<ApiException.Problem> problems) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            problems.add(new ApiException.Problem(name, "expected a string"));
            return null;
        }
        return value.asText();
    }

    private static Map<String, Object> row(Silence silence) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", silence.id());
        row.put("type", silence.type());
        row.put("target", silence.target());
        row.put("until", silence.until());
        row.put("reason", silence.reason());
        row.put("by", silence.by());
        row.put("created", silence.created());
        row.put("fromConfig", silence.fromConfig());
        return row;
    }
}
