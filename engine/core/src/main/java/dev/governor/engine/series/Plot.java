package dev.governor.engine.series;

/**
 * The plots of the dashboard, each a family of series in one unit. Each plot holds at most a fixed number of
 * entities (hosts, pools, tables...); in a {@linkplain #ranked() ranked} plot the most pressing ones win a place
 * (most dead tuples, nearest to wraparound, oldest horizon), in the others the first ones seen keep theirs until
 * they go stale.
 */
public enum Plot {
    CPU("cpu", "CPU and memory", "ratio", false, false),
    HEAP("heap", "Heap", "bytes", false, false),
    POOLS("pools", "Connection pools", "count", false, false),
    EXECUTORS("executors", "Executors", "count", false, false),
    /** A table enters with dead tuples only; once in, it stays while it is sampled, so a vacuum shows as a drop to 0. */
    DEAD_TUPLES("deadTuples", "Dead tuples, top tables", "count", true, true),
    HORIZON("horizon", "xmin horizon age, oldest holder", "xids", true, false),
    WRAPAROUND("wraparound", "Transaction IDs left before wraparound stop", "xids", true, false);

    private final String id;
    private final String title;
    private final String unit;
    private final boolean ranked;
    private final boolean entersAboveZero;

    Plot(String id, String title, String unit, boolean ranked, boolean entersAboveZero) {
        this.id = id;
        this.title = title;
        this.unit = unit;
        this.ranked = ranked;
        this.entersAboveZero = entersAboveZero;
    }

    /** The plot's name in the series endpoint's answer. */
    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    /** {@code ratio} (0..1), {@code bytes}, {@code count} or {@code xids}. */
    public String unit() {
        return unit;
    }

    /** True when entities compete for the plot's places by {@link Signal#rank()}. */
    public boolean ranked() {
        return ranked;
    }

    /** True when a new entity takes a place only with a rank above 0 (a table with no dead tuples is not plotted). */
    public boolean entersAboveZero() {
        return entersAboveZero;
    }
}
