package dev.governor.engine.camel;

import java.time.Instant;

/**
 * How one sampled source is doing: a point-in-time record, for the health endpoint.
 *
 * @param source      the source's name as its facts carry it ({@code host}, {@code postgres/main})
 * @param sampler     the sampler that reads it ({@code host}, {@code postgres})
 * @param up          false while its last attempt failed (it then sends {@code SourceDown} facts)
 * @param lastAttempt when it was last sampled, successfully or not
 * @param downSince   when the outage began; null while it is up
 * @param failures    failed attempts in a row; 0 while it is up
 * @param error       the last attempt's error; null while it is up
 * @param lastMillis  how long the last attempt took
 */
public record SourceStatus(String source, String sampler, boolean up, Instant lastAttempt, Instant downSince,
                           int failures, String error, double lastMillis) {

    /** Sampling durations and outcomes, as they happen: for metrics. */
    @FunctionalInterface
    public interface Observer {
        /** One attempt at a source took {@code nanos}; {@code ok} false when it failed. */
        void sampled(String sampler, String source, long nanos, boolean ok);

        Observer NONE = (sampler, source, nanos, ok) -> { };
    }
}
