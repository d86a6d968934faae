package dev.governor.api;

import static dev.governor.api.Checks.requireField;
import static dev.governor.api.Checks.requireFinite;
import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;

/**
 * Any numeric signal that no built-in record names: a queue depth, a business rate, a probe result.
 * Rules match it by name and source: {@code Metric( name == "queue.depth", source == "orders", value > 1000 )}.
 *
 * @param name   what is measured, e.g. {@code queue.depth}
 * @param source where it was measured, e.g. a host, a service or a queue; empty when there is only one
 * @param value  the measurement; must be finite
 * @param labels further dimensions; never null
 * @param at     when it was measured
 */
public record Metric(
        @JsonProperty(required = true) String name,
        String source,
        @JsonProperty(required = true) double value,
        Map<String, String> labels,
        Instant at) implements Fact {

    public Metric {
        requireText(name, "name");
        source = source == null ? "" : source;
        requireFinite(value, "value");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        requireField(at, "at");
    }

    /** A metric with no labels. */
    public Metric(String name, String source, double value, Instant at) {
        this(name, source, value, Map.of(), at);
    }

    /** The label's value, or the empty string when the metric has no such label. */
    public String label(String key) {
        return labels.getOrDefault(key, "");
    }
}
