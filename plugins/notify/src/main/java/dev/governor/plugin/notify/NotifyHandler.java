package dev.governor.plugin.notify;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.spi.ActionHandler;
import java.time.Clock;

/** Routes {@code notify.log} and {@code notify.webhook} actions to their handler. */
final class NotifyHandler implements ActionHandler {

    private final LogHandler log;
    private final WebhookHandler webhook;
    private final Clock clock;

    NotifyHandler(LogHandler log, WebhookHandler webhook, Clock clock) {
        this.log = log;
        this.webhook = webhook;
        this.clock = clock;
    }

    @Override
    public ActionOutcome handle(Action action) throws InterruptedException {
        return switch (action.type()) {
            case NotifyPlugin.LOG -> log.handle(action);
            case NotifyPlugin.WEBHOOK -> webhook(action);
            default -> ActionOutcome.failed(action, "the notify plugin does not handle " + action.type(), clock.instant());
        };
    }

    private ActionOutcome webhook(Action action) throws InterruptedException {
        if (webhook == null) {
            return ActionOutcome.failed(action, "notify.webhook has no URL: set plugins.settings.notify.webhook.url",
                    clock.instant());
        }
        Severity severity;
        try {
            Object given = action.params().get("severity");
            severity = given == null ? Severity.WARNING : Severity.parse(given.toString());
        } catch (IllegalArgumentException e) {
            return ActionOutcome.failed(action, e.getMessage(), clock.instant());
        }
        Object messageParam = action.params().get("message");
        String message = messageParam == null ? action.reason() : messageParam.toString();
        return webhook.handle(action, message, severity);
    }
}
