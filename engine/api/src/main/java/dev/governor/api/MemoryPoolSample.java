package dev.governor.api;

import static dev.governor.api.Checks.requireField;
import static dev.governor.api.Checks.requireNonNegative;
import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One memory pool of a JVM (for example {@code G1 Old Gen}, {@code Metaspace}).
 *
 * @param jvm            the JVM's name in Governor
 * @param pool           the pool's name as the JVM gives it
 * @param heap           true for a heap pool, false for non-heap
 * @param used           bytes in use now
 * @param committed      bytes committed
 * @param max            the pool's maximum, bytes; 0 when it has none
 * @param collectionUsed bytes in use right after the last collection of this pool (for the old generation:
 *                       the live set); null for pools the collector does not report
 * @param at             when it was sampled
 */
public record MemoryPoolSample(
        @JsonProperty(required = true) String jvm,
        @JsonProperty(required = true) String pool,
        boolean heap,
        @JsonProperty(required = true) long used,
        long committed,
        long max,
        Long collectionUsed,
        Instant at) implements Fact {

    public MemoryPoolSample {
        requireText(jvm, "jvm");
        requireText(pool, "pool");
        requireNonNegative(used, "used");
        requireNonNegative(committed, "committed");
        requireNonNegative(max, "max");
        requireNonNegative(collectionUsed, "collectionUsed");
        requireField(at, "at");
    }

    /** Bytes in use as a share of the maximum, 0..1 (0 for a pool with no maximum). */
    public double usedRatio() {
        return max == 0 ? 0.0 : Math.min(1.0, (double) used / max);
    }
}
