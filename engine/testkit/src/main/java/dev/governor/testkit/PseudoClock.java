package dev.governor.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock that moves only when told to, for stamping outcomes and judging durations in tests. Starts at
 * {@link #START} unless given another instant. Thread-safe: a handler may read it on a worker thread while
 * the test advances it.
 */
public final class PseudoClock extends Clock {

    /** Where a pseudo clock starts by default: the start of Governor's rule scenarios. */
    public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final Object lock = new Object();
    private Instant now;

    public PseudoClock() {
        this(START);
    }

    public PseudoClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start is null");
    }

    /** Moves the clock forward; a negative step is an error (time does not run back). */
    public PseudoClock advance(Duration step) {
        Objects.requireNonNull(step, "step is null");
        if (step.isNegative()) {
            throw new IllegalArgumentException("a pseudo clock only moves forward; step was " + step);
        }
        synchronized (lock) {
            now = now.plus(step);
        }
        return this;
    }

    /** Sets the clock to {@code instant}, which may not be before the current time. */
    public PseudoClock set(Instant instant) {
        Objects.requireNonNull(instant, "instant is null");
        synchronized (lock) {
            if (instant.isBefore(now)) {
                throw new IllegalArgumentException("a pseudo clock only moves forward: it is " + now + ", asked for " + instant);
            }
            now = instant;
        }
        return this;
    }

    @Override
    public Instant instant() {
        synchronized (lock) {
            return now;
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** Pseudo clocks have no zone but UTC. */
    @Override
    public Clock withZone(ZoneId zone) {
        if (!ZoneOffset.UTC.equals(zone)) {
            throw new UnsupportedOperationException("a pseudo clock is in UTC only");
        }
        return this;
    }

    @Override
    public String toString() {
        return "PseudoClock[" + instant() + "]";
    }
}
