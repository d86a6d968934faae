package dev.governor.engine.simulate;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The envelope's clock in a simulation: it reads the simulated time, which only moves forward. */
final class SimulationClock extends Clock {

    private volatile Instant now;

    SimulationClock(Instant start) {
        this.now = start;
    }

    /** Moves the time forward to {@code instant}; an earlier instant leaves it where it is. */
    void advanceTo(Instant instant) {
        if (instant.isAfter(now)) {
            now = instant;
        }
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
