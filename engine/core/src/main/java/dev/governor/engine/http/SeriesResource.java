package dev.governor.engine.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.engine.Governor;
import dev.governor.engine.audit.AuditLog;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.series.Plot;
import dev.governor.engine.series.SeriesStore;
import dev.governor.engine.series.SeriesStore.SeriesPoints;
import dev.governor.engine.series.SeriesStore.Snapshot;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/series?since=CURSOR}: the recent values of the signals the dashboard plots, as columns
 * (uPlot's shape), and what is new since the cursor of the previous answer only:
 * <pre>{@code
 * {"cursor":1234,"now":1767225600000,"windowMs":600000,"resolutionMs":1000,
 *  "plots":[{"id":"pools","title":"Connection pools","unit":"count"},...],
 *  "series":[{"id":"pools/orders/waiting","plot":"pools","entity":"orders","metric":"waiting",
 *             "label":"orders waiting","t":[1767225599000,1767225600000],"v":[6,2]}, ...]}
 * }</pre>
 * {@code t} are epoch milliseconds (the facts' own {@code at}), {@code v} the values in the plot's unit. Without
 * {@code since} (or with 0) it gives everything kept: at most {@code windowMs / resolutionMs} points per series.
 *
 * <p>{@code markers} are the decisions (audit lines) after {@code markersAfter} (the {@code markersCursor} of the
 * previous answer) and inside the window, oldest first, at most {@value #MARKERS}: each with its {@code seq} as
 * {@code id}, the time its outcome was known as {@code t}, the rule, the action, the facts the rule matched, the
 * envelope's verdict and the outcome, so the page can draw a marker and show what it stands for.
 */
final class SeriesResource {

    /** Markers in one answer at most: the newest. */
    static final int MARKERS = 500;

    private final Governor governor;
    private final ObjectMapper mapper = FactCodec.mapper();

    SeriesResource(Governor governor) {
        this.governor = governor;
    }

    ApiResponse get(ApiRequest request) {
        long since = longParam(request, "since");
        SeriesStore store = governor.series();
        Snapshot snapshot = store.read(since);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cursor", snapshot.cursor());
        body.put("now", System.currentTimeMillis());
        body.put("windowMs", store.pointsPerSeries() * store.resolution().toMillis());
        body.put("resolutionMs", store.resolution().toMillis());
        if (since == 0) {
            // What the plots are does not change while Governor runs: told on the first read only.
            List<Map<String, Object>> plots = new ArrayList<>();
            for (Plot plot : Plot.values()) {
                plots.add(Map.of("id", plot.id(), "title", plot.title(), "unit", plot.unit()));
            }
            body.put("plots", plots);
        }
        List<Map<String, Object>> series = new ArrayList<>();
        for (SeriesPoints points : snapshot.series()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", points.info().id());
            row.put("plot", points.info().plot().id());
            row.put("entity", points.info().entity());
            row.put("metric", points.info().metric());
            row.put("label", points.info().label());
            row.put("t", points.points().times());
            row.put("v", points.points().values());
            series.add(row);
        }
        body.put("series", series);

        long markersAfter = longParam(request, "markersAfter");
        Instant oldest = Instant.now().minus(store.resolution().multipliedBy(store.pointsPerSeries()));
        List<AuditLog.Entry> entries = governor.audit().recent(
                entry -> entry.seq() > markersAfter && !entry.time().isBefore(oldest), MARKERS);
        List<Object> markers = new ArrayList<>();
        long markersCursor = markersAfter;
        for (AuditLog.Entry entry : entries) {
            markersCursor = Math.max(markersCursor, entry.seq());
            markers.add(marker(entry));
        }
        Collections.reverse(markers);
        body.put("markers", markers);
        body.put("markersCursor", markersCursor);
        return ApiResponse.json(body);
    }

    /** One decision as a marker: what the page draws and shows, from the audit line as written (secrets masked). */
    private Object marker(AuditLog.Entry entry) {
        JsonNode line;
        try {
            line = mapper.readTree(entry.json());
        } catch (IOException e) {
            line = mapper.createObjectNode();
        }
        ObjectNode marker = mapper.createObjectNode();
        marker.put("id", entry.seq());
        marker.put("t", entry.time().toEpochMilli());
        marker.put("rule", entry.rule());
        marker.put("type", entry.type());
        marker.put("target", entry.target());
        JsonNode params = line.at("/action/params");
        marker.set("params", params.isMissingNode() ? null : params);
        JsonNode verdict = line.path("verdict");
        marker.put("verdict", verdict.has("cause") ? verdict.path("kind").asText() + "/" + verdict.path("cause").asText()
                : entry.verdict());
        marker.put("verdictMessage", verdict.path("message").asText(null));
        marker.put("status", entry.status());
        marker.put("message", line.path("message").asText(null));
        marker.put("durationMs", line.path("durationMs").asLong());
        marker.set("facts", line.path("facts").isMissingNode() ? mapper.createArrayNode() : line.path("facts"));
        return marker;
    }

    static long longParam(ApiRequest request, String name) {
        Optional<String> text = request.param(name);
        if (text.isEmpty()) {
            return 0;
        }
        try {
            long value = Long.parseLong(text.get());
            if (value < 0) {
                throw ApiException.badRequest(name, "must be 0 or more, got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name, "expected the cursor of the previous answer (a whole number), got '"
                    + ApiRequest.abbreviate(text.get()) + "'");
        }
    }
}
