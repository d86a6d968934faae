package dev.governor.plugin.notify;

import java.util.Locale;

/** How urgent a notification is: the {@code severity} parameter of {@code notify.*} actions. */
enum Severity {
    INFO(LogLevel.INFO), WARNING(LogLevel.WARN), CRITICAL(LogLevel.ERROR);

    final LogLevel level;

    Severity(LogLevel level) {
        this.level = level;
    }

    static Severity parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "info" -> INFO;
            case "warning", "warn" -> WARNING;
            case "critical", "error" -> CRITICAL;
            default -> throw new IllegalArgumentException("params.severity must be info, warning or critical, was '" + text + "'");
        };
    }

    static Severity of(LogLevel level) {
        return switch (level) {
            case INFO -> INFO;
            case WARN -> WARNING;
            case ERROR -> CRITICAL;
        };
    }
}
