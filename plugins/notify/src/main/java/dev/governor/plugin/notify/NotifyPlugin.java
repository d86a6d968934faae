package dev.governor.plugin.notify;

import dev.governor.spi.ActionHandler;
import dev.governor.spi.ActionPlugin;
import dev.governor.spi.PluginContext;
import java.util.Set;

/**
 * Notification actions. {@code notify.log} writes one line to Governor's log (logger
 * {@code governor.notify} by default), at the level the action asks for or the configured one.
 *
 * <p>Settings ({@code plugins.settings.notify} in {@code governor.yaml}):
 * <ul>
 *   <li>{@code level}: {@code info}, {@code warn} (default) or {@code error}</li>
 *   <li>{@code logger}: the logger name, default {@code governor.notify}</li>
 * </ul>
 * Action parameters: {@code message} (default: the action's reason) and {@code level}.
 */
public final class NotifyPlugin implements ActionPlugin {

    public static final String LOG = "notify.log";

    @Override
    public String name() {
        return "notify";
    }

    @Override
    public Set<String> actionTypes() {
        return Set.of(LOG);
    }

    @Override
    public ActionHandler create(PluginContext context) {
        for (String key : context.settings().keySet()) {
            if (!key.equals("level") && !key.equals("logger")) {
                throw new IllegalArgumentException("unknown setting '" + key + "'; the notify plugin has: level, logger");
            }
        }
        LogLevel level = LogLevel.parse(context.setting("level", "warn"), "level");
        String logger = context.setting("logger", "governor.notify");
        if (logger.isBlank()) {
            throw new IllegalArgumentException("logger must not be blank");
        }
        return new LogHandler(logger, level, context.clock());
    }
}
