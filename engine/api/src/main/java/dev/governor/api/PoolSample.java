package dev.governor.api;

import static dev.governor.api.Checks.requireField;
import static dev.governor.api.Checks.requireNonNegative;
import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A point-in-time view of one connection pool.
 *
 * @param pool          the pool's name
 * @param active        connections lent out
 * @param idle          connections open and free
 * @param waiting       callers (threads) waiting for a connection
 * @param max           the pool's maximum size
 * @param minIdle       the idle connections the pool keeps ready (HikariCP's {@code minimumIdle})
 * @param acquireMillis mean time callers waited for a connection since the previous sample, milliseconds;
 *                      null where the pool does not expose it (remote pools, pools that report to another
 *                      metrics tracker) or no connection was acquired
 * @param timeouts      callers that gave up waiting since the previous sample; null where the pool does not
 *                      expose it
 * @param at            when it was sampled
 */
public record PoolSample(
        @JsonProperty(required = true) String pool,
        @JsonProperty(required = true) int active,
        @JsonProperty(required = true) int idle,
        @JsonProperty(required = true) int waiting,
        @JsonProperty(required = true) int max,
        int minIdle,
        Double acquireMillis,
        Long timeouts,
        Instant at) implements Fact {

    public PoolSample {
        requireText(pool, "pool");
        requireNonNegative(active, "active");
        requireNonNegative(idle, "idle");
        requireNonNegative(waiting, "waiting");
        requireNonNegative(max, "max");
        requireNonNegative(minIdle, "minIdle");
        requireNonNegative(acquireMillis, "acquireMillis");
        requireNonNegative(timeouts, "timeouts");
        requireField(at, "at");
    }

    /** The counts only: no minimum idle, acquire time or timeouts. */
    public PoolSample(String pool, int active, int idle, int waiting, int max, Instant at) {
        this(pool, active, idle, waiting, max, 0, null, null, at);
    }

    /** Connections open: active plus idle. */
    public int total() {
        return active + idle;
    }

    /** Active connections as a share of {@code max}, 0..1 (0 for a pool with no maximum). */
    public double utilization() {
        return max == 0 ? 0.0 : Math.min(1.0, (double) active / max);
    }
}
