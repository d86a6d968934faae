package dev.governor.engine.plugin;

/** A plugin could not be found, loaded or configured; the message names the jar or plugin and the fix. */
public final class PluginLoadException extends RuntimeException {

    public PluginLoadException(String message) {
        super(message);
    }

    public PluginLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
