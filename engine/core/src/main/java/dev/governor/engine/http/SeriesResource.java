package dev.governor.engine.http;

import dev.governor.engine.Governor;
import dev.governor.engine.series.Plot;
import dev.governor.engine.series.SeriesStore;
import dev.governor.engine.series.SeriesStore.SeriesPoints;
import dev.governor.engine.series.SeriesStore.Snapshot;
import java.util.ArrayList;
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
 */
final class SeriesResource {

    private final Governor governor;

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
        List<Map<String, Object>> plots = new ArrayList<>();
        for (Plot plot : Plot.values()) {
            plots.add(Map.of("id", plot.id(), "title", plot.title(), "unit", plot.unit()));
        }
        body.put("plots", plots);
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
        return ApiResponse.json(body);
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
