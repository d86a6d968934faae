package dev.governor.api;

import static dev.governor.api.Checks.requireField;
import static dev.governor.api.Checks.requireNonNegative;
import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A point-in-time view of one thread pool ({@code ThreadPoolExecutor}).
 *
 * @param executor      the executor's registered name
 * @param core          core pool size
 * @param max           maximum pool size
 * @param threads       threads in the pool now
 * @param active        threads running a task
 * @param queued        tasks waiting in the queue
 * @param queueCapacity tasks the queue can hold (queued plus remaining capacity): 0 for a hand-off queue,
 *                      2147483647 for an unbounded one
 * @param completed     tasks completed since the previous sample
 * @param rejected      tasks rejected since the previous sample
 * @param at            when it was sampled
 */
public record ExecutorSample(
        @JsonProperty(required = true) String executor,
        @JsonProperty(required = true) int core,
        @JsonProperty(required = true) int max,
        int threads,
        @JsonProperty(required = true) int active,
        @JsonProperty(required = true) int queued,
        long queueCapacity,
        long completed,
        long rejected,
        Instant at) implements Fact {

    public ExecutorSample {
        requireText(executor, "executor");
        requireNonNegative(core, "core");
        requireNonNegative(max, "max");
        requireNonNegative(threads, "threads");
        requireNonNegative(active, "active");
        requireNonNegative(queued, "queued");
        requireNonNegative(queueCapacity, "queueCapacity");
        requireNonNegative(completed, "completed");
        requireNonNegative(rejected, "rejected");
        requireField(at, "at");
    }

    /** Queued tasks as a share of the queue's capacity, 0..1 (1 for a full hand-off queue with waiters). */
    public double queueUtilization() {
        return queueCapacity == 0 ? (queued > 0 ? 1.0 : 0.0) : Math.min(1.0, (double) queued / queueCapacity);
    }

    /** Active threads as a share of the maximum, 0..1. */
    public double utilization() {
        return max == 0 ? 0.0 : Math.min(1.0, (double) active / max);
    }
}
