package dev.governor.engine.sample;

import java.time.Clock;
import java.util.Map;

/** The samplers that {@code governor-sample:NAME} endpoints can name. */
public final class Samplers {

    private Samplers() {
    }

    /** The built-in samplers: {@code host}. */
    public static Map<String, SamplerFactory> builtIn(Clock clock) {
        return Map.of("host", options -> new HostSampler(clock));
    }
}
