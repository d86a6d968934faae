package dev.governor.api;

import java.time.Instant;

/**
 * Something Governor observed at a point in time: a sample, a metric, an action's outcome.
 *
 * <p>Every fact is an immutable record that validates itself in its constructor. The rules engine
 * inserts facts as events stamped with {@link #atMillis()}, so time windows in rules follow the time
 * a sample was taken, not the time it arrived.
 */
public interface Fact {

    /** When the fact was observed. */
    Instant at();

    /** {@link #at()} in epoch milliseconds: the event timestamp the rules engine reads. */
    default long atMillis() {
        return at().toEpochMilli();
    }
}
