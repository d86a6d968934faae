package dev.governor.spi;

import java.util.Set;

/**
 * A family of actions Governor can carry out, found by {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/dev.governor.spi.ActionPlugin} and put the jar on the
 * classpath or in the plugins folder.
 *
 * <p>Governor creates one handler per plugin at start-up, with the plugin's settings from
 * {@code governor.yaml} ({@code plugins.settings.<name>}). Methods added to this interface later come
 * with defaults, so a plugin built against an older version keeps working.
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
}
