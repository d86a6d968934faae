package dev.governor.engine.sample;

import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.sample.postgres.PostgresSamplerFactory;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;

/** The samplers that {@code governor-sample:NAME} endpoints can name. */
public final class Samplers {

    private Samplers() {
    }

    /** The built-in samplers, with no databases configured. */
    public static Map<String, SamplerFactory> builtIn(Clock clock) {
        return builtIn(clock, GovernorConfig.defaults());
    }

    /**
     * The built-in samplers.
     *
     * @param clock  stamps the facts
     * @param config where the configured databases come from
     */
    public static Map<String, SamplerFactory> builtIn(Clock clock, GovernorConfig config) {
        Map<String, SamplerFactory> all = new TreeMap<>();
        all.put("host", HostSampler.factory(clock));
        all.put("jvm", JvmSampler.factory(clock));
        all.put("postgres", new PostgresSamplerFactory(clock, config.databases()));
        all.put(HikariSampler.NAME, HikariSampler.factory(clock));
        all.put(ExecutorSampler.NAME, ExecutorSampler.factory(clock));
        return all;
    }
}
