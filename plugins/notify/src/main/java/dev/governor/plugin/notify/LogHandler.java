package dev.governor.plugin.notify;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out {@code notify.log}: one log line per action, naming the rule, the target and the message,
 * at the action's {@code severity} (info, warning, critical) or {@code level} (info, warn, error), or the
 * configured level.
 */
final class LogHandler {

    private final Logger logger;
    private final LogLevel defaultLevel;
    private final Clock clock;

    LogHandler(String loggerName, LogLevel defaultLevel, Clock clock) {
        this.logger = LoggerFactory.getLogger(loggerName);
        this.defaultLevel = defaultLevel;
        this.clock = clock;
    }

    ActionOutcome handle(Action action) {
        Object levelParam = action.params().get("level");
        Object severityParam = action.params().get("severity");
        LogLevel level;
        try {
            if (severityParam != null) {
                level = Severity.parse(severityParam.toString()).level;
            } else {
                level = levelParam == null ? defaultLevel : LogLevel.parse(levelParam.toString(), "params.level");
            }
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
