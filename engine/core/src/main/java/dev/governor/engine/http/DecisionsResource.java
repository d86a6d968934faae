package dev.governor.engine.http;

import dev.governor.engine.Governor;
import dev.governor.engine.audit.AuditLog;
import dev.governor.engine.envelope.Verdict;
import dev.governor.spi.Glob;
import dev.governor.api.ActionOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * {@code GET /api/decisions}: the audit's latest lines ({@link AuditLog#RECENT} are kept in memory, read back from
 * the audit file at start),
 * newest first, each as written to the audit file plus its {@code seq}. Filters: {@code rule}, {@code type},
 * {@code target} (globs), {@code verdict} and {@code status} (comma-separated kinds), {@code since} and
 * {@code until} (ISO-8601 times, on the line's {@code time}); paging: {@code limit} (default 100, at most 1000)
 * and {@code before} (a {@code seq}: the next page is {@code before=} the last {@code seq} of this one, which
 * the response gives as {@code next}).
 */
final class DecisionsResource {

    private static final Set<String> VERDICTS = Arrays.stream(Verdict.Kind.values()).map(Enum::name).collect(Collectors.toSet());
    private static final Set<String> STATUSES = Arrays.stream(ActionOutcome.Status.values()).map(Enum::name).collect(Collectors.toSet());

    private final Governor governor;

    DecisionsResource(Governor governor) {
        this.governor = governor;
    }

    ApiResponse get(ApiRequest request) {
        int limit = request.intParam("limit", 100, 1, 1000);
        long before = request.param("before").map(text -> {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("before", "expected a seq (a whole number) from a previous page, got '"
                        + ApiRequest.abbreviate(text) + "'");
            }
        }).orElse(Long.MAX_VALUE);
        Instant since = time(request, "since").orElse(Instant.MIN);
        Instant until = time(request, "until").orElse(Instant.MAX);
        if (since.isAfter(until)) {
            throw ApiException.badRequest("since", "is after until (" + since + " > " + until + ")");
        }
        Predicate<AuditLog.Entry> filter = entry -> entry.seq() < before
                && !entry.time().isBefore(since) && !entry.time().isAfter(until);
        filter = filter.and(glob(request, "rule", AuditLog.Entry::rule))
                .and(glob(request, "type", AuditLog.Entry::type))
                .and(glob(request, "target", AuditLog.Entry::target))
                .and(kinds(request, "verdict", VERDICTS, AuditLog.Entry::verdict))
                .and(kinds(request, "status", STATUSES, AuditLog.Entry::status));
        List<AuditLog.Entry> page = governor.audit().recent(filter, limit + 1);
        boolean more = page.size() > limit;
        List<AuditLog.Entry> shown = more ? page.subList(0, limit) : page;

        // The lines are JSON already: splice them in rather than parse them again.
        StringBuilder json = new StringBuilder(256 + shown.stream().mapToInt(entry -> entry.json().length() + 16).sum());
        json.append("{\"count\":").append(shown.size())
                .append(",\"kept\":").append(governor.audit().kept())
                .append(",\"next\":").append(more ? String.valueOf(shown.get(shown.size() - 1).seq()) : "null")
                .append(",\"decisions\":[");
        for (int i = 0; i < shown.size(); i++) {
            AuditLog.Entry entry = shown.get(i);
            json.append(i == 0 ? "" : ",").append("{\"seq\":").append(entry.seq()).append(',').append(entry.json(), 1, entry.json().length());
        }
        json.append("]}");
        return new ApiResponse(200, ApiResponse.JSON, json.toString().getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static Optional<Instant> time(ApiRequest request, String name) {
        return request.param(name).map(text -> {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest(name, "expected an ISO-8601 time such as 2026-12-01T06:00:00Z, got '"
                        + ApiRequest.abbreviate(text) + "'");
            }
        });
    }

    private static Predicate<AuditLog.Entry> glob(ApiRequest request, String name, Function<AuditLog.Entry, String> field) {
        return request.param(name).<Predicate<AuditLog.Entry>>map(text -> {
            Glob glob = Glob.of(text);
            return entry -> glob.matches(field.apply(entry));
        }).orElse(entry -> true);
    }

    private static Predicate<AuditLog.Entry> kinds(ApiRequest request, String name, Set<String> known,
                                                   Function<AuditLog.Entry, String> field) {
        return request.param(name).<Predicate<AuditLog.Entry>>map(text -> {
            Set<String> wanted = Arrays.stream(text.split(",")).map(s -> s.trim().toUpperCase(Locale.ROOT))
                    .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
            for (String kind : wanted) {
                if (!known.contains(kind)) {
                    throw ApiException.badRequest(name, "unknown " + name + " '" + ApiRequest.abbreviate(kind) + "'; expected any of "
                            + known.stream().sorted().collect(Collectors.joining(", ")));
                }
            }
            return entry -> wanted.contains(field.apply(entry));
        }).orElse(entry -> true);
    }
}
