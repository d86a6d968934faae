package dev.governor.engine.series;

import dev.governor.api.Fact;
import dev.governor.engine.FactSink;
import dev.governor.engine.series.SeriesRing.Points;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recent history of the signals the dashboard plots ({@link Signals}), kept in memory: a ring of at most
 * {@code points} points per series, at most one point per {@code resolution}, and at most {@code entitiesPerPlot}
 * entities per plot (hosts, pools, tables...), so memory stays flat whatever arrives: 7 plots, at most
 * 3 series per entity, 10 entities and 600 points by default (10 minutes at one point a second), about 3 MB at most.
 *
 * <p>In the dead-tuples plot a table enters only with dead tuples. When a plot is full, a new entity takes the place of one that has gone stale (no point for
 * {@code staleAfter} before the new one, by the facts' own time), the stalest first; in a {@linkplain
 * Plot#ranked() ranked} plot it may otherwise take the place of the least pressing one, if it is more pressing.
 * Else it is refused and counted. An entity that loses its place loses its history.
 *
 * <p>Readers ask for what was written after a cursor ({@link #read}); each answer carries the next cursor, so a
 * page polling every second receives only the new points. Thread-safe.
 */
public final class SeriesStore {

    private static final Logger LOG = LoggerFactory.getLogger(SeriesStore.class);

    /** 600 points at one a second: 10 minutes. */
    public static final int DEFAULT_POINTS = 600;
    public static final Duration DEFAULT_RESOLUTION = Duration.ofSeconds(1);
    public static final int DEFAULT_ENTITIES_PER_PLOT = 10;
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(1);

    /** What a series is: its name, its plot, its legend and its unit. */
    public record SeriesInfo(String id, Plot plot, String entity, String metric, String label) {
    }

    /** One series' points after the cursor. */
    public record SeriesPoints(SeriesInfo info, Points points) {
    }

    /**
     * An answer to {@link #read}: the series that have points after the cursor, and the cursor to ask with next.
     *
     * @param cursor  pass it to the next {@link #read} to receive only newer points
     * @param series  the series with points after the asked cursor, each with those points, oldest first
     */
    public record Snapshot(long cursor, List<SeriesPoints> series) {
    }

    private static final class Entity {
        final String name;
        final Map<String, Series> series = new LinkedHashMap<>();
        double rank;
        long lastTime = Long.MIN_VALUE;

        Entity(String name) {
            this.name = name;
        }
    }

    private record Series(SeriesInfo info, SeriesRing ring) {
    }

    private final int points;
    private final long resolutionMillis;
    private final int entitiesPerPlot;
    private final long staleAfterMillis;
    private final Map<Plot, Map<String, Entity>> plots = new EnumMap<>(Plot.class);
    private long sequence;
    private long dropped;
    private long refused;
    private long evicted;
    private long failures;

    public SeriesStore() {
        this(DEFAULT_POINTS, DEFAULT_RESOLUTION, DEFAULT_ENTITIES_PER_PLOT, DEFAULT_STALE_AFTER);
    }

    public SeriesStore(int points, Duration resolution, int entitiesPerPlot, Duration staleAfter) {
        if (points < 2 || points > 100_000) {
            throw new IllegalArgumentException("points per series must be 2 to 100000, got " + points);
        }
        if (resolution.isNegative() || resolution.toMillis() < 1) {
            throw new IllegalArgumentException("resolution must be at least 1ms, got " + resolution);
        }
        if (entitiesPerPlot < 1 || entitiesPerPlot > 1000) {
            throw new IllegalArgumentException("entities per plot must be 1 to 1000, got " + entitiesPerPlot);
        }
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("staleAfter must be positive, got " + staleAfter);
        }
        this.points = points;
        this.resolutionMillis = resolution.toMillis();
        this.entitiesPerPlot = entitiesPerPlot;
        this.staleAfterMillis = staleAfter.toMillis();
        for (Plot plot : Plot.values()) {
            plots.put(plot, new LinkedHashMap<>());
        }
    }

    /**
     * A sink that hands the facts to {@code next} and, once it took them, records their signals here. A failure
     * to record is logged and counted, and never refuses the facts.
     */
    public FactSink tee(FactSink next) {
        return new FactSink() {
            @Override
            public void accept(List<? extends Fact> facts) {
                next.accept(facts);
                recordQuietly(facts);
            }

            @Override
            public void accept(List<? extends Fact> facts, String source) {
                next.accept(facts, source);
                recordQuietly(facts);
            }
        };
    }

    private void recordQuietly(List<? extends Fact> facts) {
        try {
            record(facts);
        } catch (RuntimeException e) {
            synchronized (this) {
                failures++;
            }
            LOG.warn("Could not record the dashboard's series from {} fact(s): {}", facts.size(), e.toString());
        }
    }

    /** Records the signals of one batch of facts. */
    public void record(List<? extends Fact> facts) {
        List<Signal> signals = Signals.of(facts);
        synchronized (this) {
            for (Signal signal : signals) {
                add(signal);
            }
        }
    }

    /** Records one signal. */
    public synchronized void add(Signal signal) {
        Map<String, Entity> entities = plots.get(signal.plot());
        Entity entity = entities.get(signal.entity());
        if (entity == null) {
            if (signal.plot().entersAboveZero() && signal.rank() <= 0) {
                return;
            }
            if (entities.size() >= entitiesPerPlot && !makeRoom(signal, entities)) {
                refused++;
                return;
            }
            entity = new Entity(signal.entity());
            entities.put(entity.name, entity);
        }
        Series series = entity.series.get(signal.metric());
        if (series == null) {
            series = new Series(new SeriesInfo(signal.seriesId(), signal.plot(), signal.entity(), signal.metric(), signal.label()),
                    new SeriesRing(points, resolutionMillis));
            entity.series.put(signal.metric(), series);
        }
        if (!series.ring().add(signal.timeMillis(), signal.value(), sequence + 1)) {
            dropped++;
            return;
        }
        sequence++;
        if (signal.timeMillis() >= entity.lastTime) {
            entity.lastTime = signal.timeMillis();
            entity.rank = signal.rank();
        }
    }

    private boolean makeRoom(Signal signal, Map<String, Entity> entities) {
        Entity stalest = null;
        Entity least = null;
        for (Entity candidate : entities.values()) {
            if (candidate.lastTime < signal.timeMillis() - staleAfterMillis
                    && (stalest == null || candidate.lastTime < stalest.lastTime)) {
                stalest = candidate;
            }
            if (least == null || candidate.rank < least.rank) {
                least = candidate;
            }
        }
        Entity leaving = stalest != null ? stalest
                : signal.plot().ranked() && least != null && signal.rank() > least.rank ? least : null;
        if (leaving == null) {
            return false;
        }
        entities.remove(leaving.name);
        evicted++;
        return true;
    }

    /**
     * The points written after {@code cursor}: 0 (or any cursor not from this store, such as one from before a
     * restart that is ahead of it) reads everything kept.
     */
    public synchronized Snapshot read(long cursor) {
        long after = cursor < 0 || cursor > sequence ? 0 : cursor;
        List<SeriesPoints> answer = new ArrayList<>();
        for (Map<String, Entity> entities : plots.values()) {
            for (Entity entity : entities.values()) {
                for (Series series : entity.series.values()) {
                    Points fresh = series.ring().since(after);
                    if (!fresh.isEmpty()) {
                        answer.add(new SeriesPoints(series.info(), fresh));
                    }
                }
            }
        }
        return new Snapshot(sequence, answer);
    }

    /** Series kept now, over every plot. */
    public synchronized int seriesCount() {
        return plots.values().stream().flatMap(e -> e.values().stream()).mapToInt(e -> e.series.size()).sum();
    }

    /** Points kept now, over every series. */
    public synchronized long pointCount() {
        return plots.values().stream().flatMap(e -> e.values().stream())
                .flatMap(e -> e.series.values().stream()).mapToLong(s -> s.ring().size()).sum();
    }

    /** Points dropped since start for arriving older than their series' newest point. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Entities refused since start because their plot was full of fresher or more pressing ones. */
    public synchronized long refused() {
        return refused;
    }

    /** Entities that lost their place since start, to a newer or more pressing one. */
    public synchronized long evicted() {
        return evicted;
    }

    /** Batches that could not be recorded since start. */
    public synchronized long failures() {
        return failures;
    }

    public int pointsPerSeries() {
        return points;
    }

    public int entitiesPerPlot() {
        return entitiesPerPlot;
    }

    public Duration resolution() {
        return Duration.ofMillis(resolutionMillis);
    }
}
