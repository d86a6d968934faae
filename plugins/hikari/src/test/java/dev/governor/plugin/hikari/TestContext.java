package dev.governor.plugin.hikari;

import dev.governor.spi.Database;
import dev.governor.spi.PluginContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** The plugin's settings and databases as Governor would give them, with a fixed clock. */
record TestContext(Map<String, Object> settings, Map<String, Database> databases) implements PluginContext {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    TestContext(Map<String, Object> settings) {
        this(settings, Map.of());
    }

    @Override
    public String pluginName() {
        return "hikari";
    }

    @Override
    public Clock clock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }
}
