package dev.governor.engine.plugin;

import dev.governor.spi.ActionPlugin;

/**
 * A plugin and where it came from.
 *
 * @param plugin the plugin
 * @param source {@code classpath}, or the jar or folder in the plugins folder it was loaded from
 */
public record LoadedPlugin(ActionPlugin plugin, String source) {

    public String name() {
        return plugin.name();
    }

    @Override
    public String toString() {
        return plugin.name() + " (" + source + ")";
    }
}
