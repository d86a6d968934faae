package dev.governor.spi;

import java.time.Clock;
import java.util.Map;

/** What Governor gives a plugin when it creates its handler. */
public interface PluginContext {

    /** The plugin's name, as in {@link ActionPlugin#name()}. */
    String pluginName();

    /**
     * The plugin's settings from {@code governor.yaml} ({@code plugins.settings.<name>}), with
     * {@code ${ENV}} references resolved; empty when there are none. Values are strings, numbers,
     * booleans, lists or maps, as written in YAML.
     */
    Map<String, Object> settings();

    /** The clock to stamp outcomes with; a pseudo clock in rule tests. */
    Clock clock();

    /**
     * The PostgreSQL databases configured in {@code governor.yaml} ({@code databases:}), by the name rules
     * use in targets; empty when there are none.
     */
    default Map<String, Database> databases() {
        return Map.of();
    }

    /** A setting as a string, or {@code fallback} when it is absent. */
    default String setting(String key, String fallback) {
        Object value = settings().get(key);
        return value == null ? fallback : value.toString();
    }
}
