package dev.governor.plugin.executor;

import dev.governor.spi.PluginContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** The plugin's settings as Governor would give them, with a fixed clock. */
record TestContext(Map<String, Object> settings) implements PluginContext {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public String pluginName() {
        return "executor";
    }

    @Override
    public Clock clock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }
}
