package dev.governor.engine.config;

import java.time.Duration;

/** Durations as people write them in configuration: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}, or ISO-8601 {@code PT30S}. */
public final class Durations {

    private Durations() {
    }

    public static Duration parse(String text) {
        return dev.governor.spi.Durations.parse(text);
    }

    /** The shortest of the simple forms that states the duration exactly. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 86_400_000 == 0 && millis != 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis % 3_600_000 == 0 && millis != 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis != 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
