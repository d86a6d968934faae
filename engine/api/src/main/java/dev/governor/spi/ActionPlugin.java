package dev.governor.spi;

import java.util.Set;

/**
 * A family of actions Governor can carry out, found by {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/dev.governor.spi.ActionPlugin} and put the jar on the
 * classpath or in the plugins folder.
 *
 * <p>Governor creates one handler per plugin at start-up, with the plugin's settings from
 * {@code governor.yaml} ({@code plugins.settings.<name>}). Methods added to this interface later come
 * with defaults, so a plugin built against an older version keeps working; {@link #spiVersion()} says which
 * version that was ({@link Spi}).
 */
public interface ActionPlugin {

    /** A short, lower-case name, also the key of this plugin's settings in {@code governor.yaml}. */
    String name();

    /** The action types the handler carries out, e.g. {@code "notify.log"}. No two plugins may share one. */
    Set<String> actionTypes();

    /**
     * Creates the configured handler. Throw {@link IllegalArgumentException} for a bad setting, naming
     * the setting, the value and what is expected: Governor then refuses to start and shows the message.
     */
    ActionHandler create(PluginContext context);

    /**
     * The SPI version this plugin was built against, {@code MAJOR.MINOR}. Override it with
     * {@code return Spi.VERSION;}: the constant is compiled into the plugin's class, so it keeps the
     * version of the {@code governor-api} the plugin was built with. Governor refuses, at start-up, a
     * plugin whose major differs from its own or whose minor is newer ({@link Spi#incompatibility}).
     *
     * <p>The default, {@link Spi#BASELINE}, is for plugins written before the SPI had a version. It cannot
     * be the engine's {@code Spi.VERSION}: a default method runs the engine's code, so it would always
     * match and say nothing about the plugin.
     */
    default String spiVersion() {
        return Spi.BASELINE;
    }
}
