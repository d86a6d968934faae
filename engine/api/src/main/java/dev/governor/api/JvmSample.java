package dev.governor.api;

import static dev.governor.api.Checks.requireField;
import static dev.governor.api.Checks.requireNonNegative;
import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A point-in-time view of one Java virtual machine, read from its platform MXBeans.
 *
 * @param jvm                  the JVM's name in Governor ({@code local} for the JVM Governor runs in)
 * @param heapUsed             heap in use, bytes
 * @param heapCommitted        heap committed by the JVM, bytes
 * @param heapMax              the heap's maximum (-Xmx), bytes; 0 when the JVM sets none
 * @param nonHeapUsed          non-heap memory (metaspace, code cache, ...) in use, bytes
 * @param nonHeapCommitted     non-heap memory committed, bytes
 * @param liveSetBytes         old generation in use right after the last collection that covered it
 *                             (the live set), bytes; null before the first such collection
 * @param gcCount              garbage collections since the previous sample, all collectors
 * @param gcSeconds            time spent in garbage collection since the previous sample, seconds
 * @param gcMaxPauseSeconds    the longest single collection since the previous sample, seconds (0 when none)
 * @param threads              live threads
 * @param daemonThreads        live daemon threads
 * @param peakThreads          the most live threads since the JVM started (or since the peak was reset)
 * @param directBufferUsed     memory used by direct byte buffers, bytes
 * @param directBufferCapacity total capacity of direct byte buffers, bytes
 * @param mappedBufferUsed     memory used by mapped byte buffers, bytes
 * @param at                   when it was sampled
 */
public record JvmSample(
        @JsonProperty(required = true) String jvm,
        @JsonProperty(required = true) long heapUsed,
        long heapCommitted,
        long heapMax,
        long nonHeapUsed,
        long nonHeapCommitted,
        Long liveSetBytes,
        long gcCount,
        double gcSeconds,
        double gcMaxPauseSeconds,
        int threads,
        int daemonThreads,
        int peakThreads,
        long directBufferUsed,
        long directBufferCapacity,
        long mappedBufferUsed,
        Instant at) implements Fact {

    public JvmSample {
        requireText(jvm, "jvm");
        requireNonNegative(heapUsed, "heapUsed");
        requireNonNegative(heapCommitted, "heapCommitted");
        requireNonNegative(heapMax, "heapMax");
        requireNonNegative(nonHeapUsed, "nonHeapUsed");
        requireNonNegative(nonHeapCommitted, "nonHeapCommitted");
        requireNonNegative(liveSetBytes, "liveSetBytes");
        requireNonNegative(gcCount, "gcCount");
        requireNonNegative(gcSeconds, "gcSeconds");
        requireNonNegative(gcMaxPauseSeconds, "gcMaxPauseSeconds");
        requireNonNegative(threads, "threads");
        requireNonNegative(daemonThreads, "daemonThreads");
        requireNonNegative(peakThreads, "peakThreads");
        requireNonNegative(directBufferUsed, "directBufferUsed");
        requireNonNegative(directBufferCapacity, "directBufferCapacity");
        requireNonNegative(mappedBufferUsed, "mappedBufferUsed");
        requireField(at, "at");
    }

    /** Heap in use as a share of the maximum (of the committed heap when there is no maximum), 0..1. */
    public double heapUsedRatio() {
        long limit = heapMax > 0 ? heapMax : heapCommitted;
        return limit == 0 ? 0.0 : Math.min(1.0, (double) heapUsed / limit);
    }

    /** The live set as a share of the heap's maximum, 0..1; 0 while it is unknown. */
    public double liveSetRatio() {
        long limit = heapMax > 0 ? heapMax : heapCommitted;
        return liveSetBytes == null || limit == 0 ? 0.0 : Math.min(1.0, (double) liveSetBytes / limit);
    }
}
