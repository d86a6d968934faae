package dev.governor.engine.sample;

import java.util.Map;
import java.util.Set;

/** Creates the sampler behind a {@code governor-sample:NAME} endpoint. */
public interface SamplerFactory {

    /** The endpoint options that belong to the sampler, e.g. {@code database}; none by default. */
    default Set<String> optionNames() {
        return Set.of();
    }

    /**
     * Checks the sampler's options when the endpoint is created, so {@code governor check} reports a bad
     * option (an unknown database, a malformed pattern) without reaching the source.
     *
     * @throws IllegalArgumentException naming the option and what it expects
     */
    default void validate(Map<String, String> options) {
    }

    /**
     * Creates the sampler when its route starts (never when routes are only checked). It must not reach
     * its source yet: a source that is down at start-up is reported by the first sample as
     * {@link dev.governor.api.SourceDown}, not by a route that fails to start.
     *
     * @param options the sampler's own options from the endpoint URI, by name
     */
    Sampler create(Map<String, String> options) throws Exception;
}
