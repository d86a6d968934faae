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
     * Creates the sampler when its route starts (never when routes are only checked).
     *
     * @param options the sampler's own options from the endpoint URI, by name
     */
    Sampler create(Map<String, String> options) throws Exception;
}
