package dev.governor.plugin.notify;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.spi.ActionHandler;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Carries out {@code notify.log}: one log line per action, naming the rule, the target and the message. */
final class LogHandler implements ActionHandler {

    private final Logger logger;
    private final LogLevel defaultLevel;
    private final Clock clock;

    LogHandler(String loggerName, LogLevel defaultLevel, Clock clock) {
        this.logger = LoggerFactory.getLogger(loggerName);
        this.defaultLevel = defaultLevel;
        this.clock = clock;
    }

    @Override
    public ActionOutcome handle(Action action) {
        if (!NotifyPlugin.LOG.equals(action.type())) {
            return ActionOutcome.failed(action, "the notify plugin's log handler does not handle " + action.type(), clock.instant());
        }
        Object levelParam = action.params().get("level");
        LogLevel level;
        try {
            level = levelParam == null ? defaultLevel : LogLevel.parse(levelParam.toString(), "params.level");
        } catch (IllegalArgumentException e) {
            return ActionOutcome.failed(action, e.getMessage(), clock.instant());
        }
        Object messageParam = action.params().get("message");
        String message = messageParam == null ? action.reason() : messageParam.toString();
        String format = "[{}] {}: {}";
        switch (level) {
            case INFO -> logger.info(format, action.reason(), action.target(), message);
            case WARN -> logger.warn(format, action.reason(), action.target(), message);
            case ERROR -> logger.error(format, action.reason(), action.target(), message);
            default -> throw new IllegalStateException("level " + level);
        }
        return ActionOutcome.applied(action, "logged at " + level + " to " + logger.getName(), clock.instant());
    }
}
