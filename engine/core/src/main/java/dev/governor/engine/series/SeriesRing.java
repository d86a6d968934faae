package dev.governor.engine.series;

import java.util.Arrays;

/**
 * The recent points of one series, in a ring of fixed capacity: the oldest point makes room for the newest,
 * so memory stays flat however long Governor runs. At most one point per {@code resolution}: a point in the
 * same bucket as the newest one replaces it (the latest value wins), so a source sampled faster than the
 * resolution does not shorten the time the ring covers. A point older than the newest bucket is dropped.
 *
 * <p>Every point written carries a sequence number from the store, so a reader can ask only for what is new
 * since its last read ({@link #since}). Not thread-safe: {@link SeriesStore} guards it.
 */
final class SeriesRing {

    private final long[] times;
    private final double[] values;
    private final long[] sequences;
    private final long resolutionMillis;
    private int start;
    private int size;

    SeriesRing(int capacity, long resolutionMillis) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        if (resolutionMillis < 1) {
            throw new IllegalArgumentException("resolution must be at least 1 ms, got " + resolutionMillis);
        }
        this.times = new long[capacity];
        this.values = new double[capacity];
        this.sequences = new long[capacity];
        this.resolutionMillis = resolutionMillis;
    }

    /**
     * Adds a point, or replaces the newest one when it falls in the same bucket.
     *
     * @return false when the point is older than the newest bucket and was dropped
     */
    boolean add(long timeMillis, double value, long sequence) {
        if (size > 0) {
            int last = index(size - 1);
            long lastBucket = Math.floorDiv(times[last], resolutionMillis);
            long bucket = Math.floorDiv(timeMillis, resolutionMillis);
            if (bucket < lastBucket) {
                return false;
            }
            if (bucket == lastBucket) {
                times[last] = timeMillis;
                values[last] = value;
                sequences[last] = sequence;
                return true;
            }
        }
        if (size == times.length) {
            start = (start + 1) % times.length;
            size--;
        }
        int slot = index(size);
        times[slot] = timeMillis;
        values[slot] = value;
        sequences[slot] = sequence;
        size++;
        return true;
    }

    /** The points written after {@code sequence}, oldest first; empty arrays when none. */
    Points since(long sequence) {
        int from = size;
        while (from > 0 && sequences[index(from - 1)] > sequence) {
            from--;
        }
        int count = size - from;
        long[] t = new long[count];
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            int slot = index(from + i);
            t[i] = times[slot];
            v[i] = values[slot];
        }
        return new Points(t, v);
    }

    int size() {
        return size;
    }

    int capacity() {
        return times.length;
    }

    /** The time of the newest point; {@link Long#MIN_VALUE} when empty. */
    long lastTime() {
        return size == 0 ? Long.MIN_VALUE : times[index(size - 1)];
    }

    /** The newest value; NaN when empty. */
    double lastValue() {
        return size == 0 ? Double.NaN : values[index(size - 1)];
    }

    private int index(int offset) {
        return (start + offset) % times.length;
    }

    /** Points of one series: epoch milliseconds and values, oldest first, as columns. */
    public record Points(long[] times, double[] values) {
        public Points {
            if (times.length != values.length) {
                throw new IllegalArgumentException(times.length + " times for " + values.length + " values");
            }
        }

        public boolean isEmpty() {
            return times.length == 0;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Points points && Arrays.equals(times, points.times) && Arrays.equals(values, points.values);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(times) + Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "Points" + Arrays.toString(times) + "=" + Arrays.toString(values);
        }
    }
}
