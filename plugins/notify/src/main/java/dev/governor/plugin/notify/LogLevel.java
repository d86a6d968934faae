package dev.governor.plugin.notify;

import java.util.Locale;

/** The levels a notification may be logged at. */
enum LogLevel {
    INFO, WARN, ERROR;

    static LogLevel parse(String text, String what) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " must be info, warn or error, was '" + text + "'");
        }
    }
}
