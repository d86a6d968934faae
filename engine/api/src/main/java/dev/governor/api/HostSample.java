package dev.governor.api;

import static dev.governor.api.Checks.requireField;
import static dev.governor.api.Checks.requireFinite;
import static dev.governor.api.Checks.requireFraction;
import static dev.governor.api.Checks.requireNonNegative;
import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A point-in-time view of the machine Governor watches, and of the process it runs in. Inside a
 * container with limits (cgroups), CPU and memory are the container's: {@code cpus} is its CPU quota,
 * {@code memoryTotal} its memory limit and {@code memoryUsed} its usage, and {@code containerLimited}
 * is true.
 *
 * @param host             the host name
 * @param cpuLoad          share of the available CPUs busy since the previous sample, 0..1
 * @param processCpuLoad   share of the available CPUs used by the watched process since the previous sample, 0..1
 * @param cpus             CPUs available: logical processors, or the container's quota (may be fractional, e.g. 1.5)
 * @param memoryTotal      physical memory, or the container's memory limit, bytes
 * @param memoryUsed       memory in use ({@code memoryTotal - memoryAvailable}), bytes
 * @param memoryAvailable  memory available to new work without swapping, bytes
 * @param swapTotal        swap space, bytes
 * @param swapUsed         swap in use, bytes
 * @param loadAverage1     run-queue load average over 1 minute; negative where the platform has none
 * @param loadAverage5     over 5 minutes; negative where the platform has none
 * @param loadAverage15    over 15 minutes; negative where the platform has none
 * @param openFiles        file descriptors the process has open; negative where the platform cannot tell
 * @param maxOpenFiles     the process's limit on open file descriptors; negative where the platform cannot tell
 * @param containerLimited true when CPU or memory come from a container's limits rather than the host's totals
 * @param at               when it was sampled
 */
public record HostSample(
        @JsonProperty(required = true) String host,
        @JsonProperty(required = true) double cpuLoad,
        double processCpuLoad,
        double cpus,
        @JsonProperty(required = true) long memoryTotal,
        @JsonProperty(required = true) long memoryUsed,
        @JsonProperty(required = true) long memoryAvailable,
        long swapTotal,
        long swapUsed,
        double loadAverage1,
        double loadAverage5,
        double loadAverage15,
        long openFiles,
        long maxOpenFiles,
        boolean containerLimited,
        Instant at) implements Fact {

    public HostSample {
        requireText(host, "host");
        requireFraction(cpuLoad, "cpuLoad");
        requireFraction(processCpuLoad, "processCpuLoad");
        requireNonNegative(cpus, "cpus");
        requireNonNegative(memoryTotal, "memoryTotal");
        requireNonNegative(memoryUsed, "memoryUsed");
        requireNonNegative(memoryAvailable, "memoryAvailable");
        requireNonNegative(swapTotal, "swapTotal");
        requireNonNegative(swapUsed, "swapUsed");
        requireFinite(loadAverage1, "loadAverage1");
        requireFinite(loadAverage5, "loadAverage5");
        requireFinite(loadAverage15, "loadAverage15");
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

    /** The essentials only: no swap, no load average, no file descriptors, no container limits. */
    public HostSample(String host, double cpuLoad, double processCpuLoad, double cpus, long memoryTotal,
                      long memoryUsed, long memoryAvailable, Instant at) {
        this(host, cpuLoad, processCpuLoad, cpus, memoryTotal, memoryUsed, memoryAvailable, 0, 0, -1, -1, -1, -1, -1,
                false, at);
    }

    /** Memory in use as a share of the total, 0..1. */
    public double memoryUsedRatio() {
        return memoryTotal == 0 ? 0.0 : (double) memoryUsed / memoryTotal;
    }

    /** Swap in use as a share of swap space, 0..1 (0 without swap). */
    public double swapUsedRatio() {
        return swapTotal == 0 ? 0.0 : Math.min(1.0, (double) swapUsed / swapTotal);
    }

    /** Open file descriptors as a share of the limit, 0..1 (0 where either is unknown). */
    public double openFilesRatio() {
        return openFiles < 0 || maxOpenFiles <= 0 ? 0.0 : Math.min(1.0, (double) openFiles / maxOpenFiles);
    }
}
