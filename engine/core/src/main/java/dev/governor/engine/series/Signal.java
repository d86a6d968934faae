package dev.governor.engine.series;

import static java.util.Objects.requireNonNull;

/**
 * One value of one series, taken from a fact.
 *
 * @param plot       the plot it belongs to
 * @param entity     what it is about within the plot: a host, a JVM, a pool, {@code main/public.orders}...
 * @param metric     which value of the entity: {@code active}, {@code heapUsed}...
 * @param label      the legend's text, e.g. {@code orders waiting}
 * @param value      the value, in the plot's unit
 * @param timeMillis the fact's {@code at}, epoch milliseconds
 * @param rank       how pressing the entity is, in a ranked plot (higher wins a place); 0 elsewhere
 */
public record Signal(Plot plot, String entity, String metric, String label, double value, long timeMillis, double rank) {

    public Signal {
        requireNonNull(plot, "plot is null");
        requireNonNull(entity, "entity is null");
        requireNonNull(metric, "metric is null");
        requireNonNull(label, "label is null");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value of " + plot.id() + "/" + entity + "/" + metric + " is not finite: " + value);
        }
    }

    /** The series' name: {@code pools/orders/active}. */
    public String seriesId() {
        return plot.id() + "/" + entity + "/" + metric;
    }
}
