package dev.governor.api;

import static dev.governor.api.Checks.requireField;
import static dev.governor.api.Checks.requireNonNegative;
import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One garbage collection, as the JVM announced it (an event; one fact per collection).
 *
 * @param jvm             the JVM's name in Governor
 * @param collector       the collector, e.g. {@code G1 Young Generation}
 * @param action          what it did, e.g. {@code end of minor GC}, {@code end of major GC}
 * @param cause           why, e.g. {@code G1 Evacuation Pause}, {@code System.gc()}
 * @param durationSeconds how long it took, seconds
 * @param at              when it ended
 */
public record GcPause(
        @JsonProperty(required = true) String jvm,
        @JsonProperty(required = true) String collector,
        String action,
        String cause,
        @JsonProperty(required = true) double durationSeconds,
        Instant at) implements Fact {

    public GcPause {
        requireText(jvm, "jvm");
        requireText(collector, "collector");
        action = action == null ? "" : action;
        cause = cause == null ? "" : cause;
        requireNonNegative(durationSeconds, "durationSeconds");
        requireField(at, "at");
    }

    /** True for a collection of the whole heap or the old generation. */
    public boolean major() {
        return action.contains("major");
    }
}
