package dev.governor.benchmarks.engine;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that follows the facts: set to each fact's time before it goes in, read by the envelope and plugins. */
public final class SimClock extends Clock {

    private volatile long millis;

    public SimClock(long millis) {
        this.millis = millis;
    }

    public void set(long millis) {
        this.millis = millis;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a benchmark clock is UTC only");
    }
}
