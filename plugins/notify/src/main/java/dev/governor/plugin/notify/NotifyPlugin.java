package dev.governor.plugin.notify;

import dev.governor.spi.ActionHandler;
import dev.governor.spi.ActionPlugin;
import dev.governor.spi.PluginContext;
import dev.governor.spi.Spi;
import java.util.Set;

/**
 * Notification actions. {@code notify.log} writes one line to Governor's log (logger
 * {@code governor.notify} by default); {@code notify.webhook} posts the notification as JSON to a URL,
 * with a timeout and retries with backoff.
 *
 * <p>Settings ({@code plugins.settings.notify} in {@code governor.yaml}):
 * <ul>
 *   <li>{@code level}: {@code info}, {@code warn} (default) or {@code error}: the level of a
 *       {@code notify.log} line that gives no severity</li>
 *   <li>{@code logger}: the logger name, default {@code governor.notify}</li>
 *   <li>{@code webhook}: {@code url} (required for {@code notify.webhook}), {@code headers},
 *       {@code timeout} (5s), {@code retries} (3), {@code backoff} (1s, doubled per retry)</li>
 * </ul>
 * Action parameters: {@code message} (default: the action's reason) and {@code severity}
 * ({@code info}, {@code warning}, {@code critical}; {@code notify.log} also takes {@code level}).
 */
public final class NotifyPlugin implements ActionPlugin {

    public static final String LOG = "notify.log";
    public static final String WEBHOOK = "notify.webhook";

    @Override
    public String name() {
        return "notify";
    }

    @Override
    public String spiVersion() {
        return Spi.VERSION;
    }

    @Override
    public Set<String> actionTypes() {
        return Set.of(LOG, WEBHOOK);
    }

    @Override
    public ActionHandler create(PluginContext context) {
        for (String key : context.settings().keySet()) {
            if (!key.equals("level") && !key.equals("logger") && !key.equals("webhook")) {
                throw new IllegalArgumentException("unknown setting '" + key + "'; the notify plugin has: level, logger, webhook");
            }
        }
        LogLevel level = LogLevel.parse(context.setting("level", "warn"), "level");
        String logger = context.setting("logger", "governor.notify");
        if (logger.isBlank()) {
            throw new IllegalArgumentException("logger must not be blank");
        }
        WebhookSettings webhook = WebhookSettings.parse(context.settings().get("webhook"));
        return new NotifyHandler(new LogHandler(logger, level, context.clock()),
                webhook == null ? null : new WebhookHandler(webhook, context.clock()), context.clock());
    }
}
