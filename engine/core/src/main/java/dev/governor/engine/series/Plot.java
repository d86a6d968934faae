package dev.governor.engine.series;

/**
 * The plots of the dashboard, each a family of series in one unit. Each plot holds at most a fixed number of
 * entities (hosts, pools, tables...); in a {@linkplain #ranked() ranked} plot the most pressing ones win a place
 * (most dead tuples, nearest to wraparound, oldest horizon), in the others the first ones seen keep theirs until
 * they go stale.
 */
public enum Plot {
    CPU("cpu", "CPU and memory", "ratio", false),
    HEAP("heap", "Heap", "bytes", false),
    POOLS("pools", "Connection pools", "count", false),
    EXECUTORS("executors", "Executors", "count", false),
    DEAD_TUPLES("deadTuples", "Dead tuples, top tables", "count", true),
    HORIZON("horizon", "xmin horizon age, oldest holder", "xids", true),
    WRAPAROUND("wraparound", "Transaction IDs left before wraparound stop", "xids", true);

    private final String id;
    private final String title;
    private final String unit;
    private final boolean ranked;

    Plot(String id, String title, String unit, boolean ranked) {
        this.id = id;
        this.title = title;
        this.unit = unit;
        this.ranked = ranked;
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
}
