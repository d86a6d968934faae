package dev.governor.api;

import static dev.governor.api.Checks.requireField;
import static dev.governor.api.Checks.requireFraction;
import static dev.governor.api.Checks.requireNonNegative;
import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A point-in-time view of the machine Governor watches, and of the process it runs in.
 *
 * @param host            the host name
 * @param cpuLoad         share of all CPUs busy since the previous sample, 0..1
 * @param processCpuLoad  share of all CPUs used by the watched process since the previous sample, 0..1
 * @param cpus            logical CPUs available
 * @param memoryTotal     physical memory, bytes
 * @param memoryUsed      memory in use, bytes ({@code memoryTotal - memoryAvailable})
 * @param memoryAvailable memory available to new work without swapping, bytes
 * @param at              when it was sampled
 */
public record HostSample(
        @JsonProperty(required = true) String host,
        @JsonProperty(required = true) double cpuLoad,
        double processCpuLoad,
        int cpus,
        @JsonProperty(required = true) long memoryTotal,
        @JsonProperty(required = true) long memoryUsed,
        @JsonProperty(required = true) long memoryAvailable,
        Instant at) implements Fact {

    public HostSample {
        requireText(host, "host");
        requireFraction(cpuLoad, "cpuLoad");
        requireFraction(processCpuLoad, "processCpuLoad");
        requireNonNegative(cpus, "cpus");
        requireNonNegative(memoryTotal, "memoryTotal");
        requireNonNegative(memoryUsed, "memoryUsed");
        requireNonNegative(memoryAvailable, "memoryAvailable");
        if (memoryUsed > memoryTotal) {
            throw new IllegalArgumentException(
                    "memoryUsed (" + memoryUsed + ") must not exceed memoryTotal (" + memoryTotal + ")");
        }
        if (memoryAvailable > memoryTotal) {
            throw new IllegalArgumentException(
                    "memoryAvailable (" + memoryAvailable + ") must not exceed memoryTotal (" + memoryTotal + ")");
        }
        requireField(at, "at");
    }

    /** Memory in use as a share of the total, 0..1. */
    public double memoryUsedRatio() {
        return memoryTotal == 0 ? 0.0 : (double) memoryUsed / memoryTotal;
    }
}
