package dev.governor.plugin.hikari;

import dev.governor.spi.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads one level of the plugin's settings as YAML gives them (strings, numbers, booleans, lists, maps),
 * with messages that name the setting's full path ({@code remotes.app-1.timeout}), the value and what is
 * expected. A number may also be written as a string, as a {@code ${ENV}} reference resolves to one.
 */
final class SettingsReader {


    private final Map<String, Object> values;
    private final String prefix;

    SettingsReader(Map<String, Object> values, String prefix) {
        this.values = values;
        this.prefix = prefix;
    }

    /** This section's own full name, e.g. {@code ceilings.orders}; empty at the top. */
    String name() {
        return prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    /** The full name of a key, for messages. */
    String path(String key) {
        return prefix + key;
    }

    boolean has(String key) {
        return values.get(key) != null;
    }

    Set<String> keys() {
        return values.keySet();
    }

    /** Throws naming the first key that is not one of {@code known}. */
    void requireOnly(String what, String... known) {
        Set<String> allowed = Set.of(known);
        for (String key : values.keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("unknown setting '" + path(key) + "'; " + what + " has: "
                        + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    /** A whole number {@code >= min}, or null when absent. */
    Integer wholeNumber(String key, int min) {
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        return wholeNumber(path(key), value, min);
    }

    static int wholeNumber(String path, Object value, int min) {
        long number;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            number = ((Number) value).longValue();
        } else if (value instanceof String text && text.trim().matches("-?\\d{1,10}")) {
            number = Long.parseLong(text.trim());
        } else {
            throw new IllegalArgumentException(path + " must be a whole number >= " + min + ", was '" + value + "'");
        }
        if (number < min || number > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(path + " must be a whole number >= " + min + ", was " + number);
        }
        return (int) number;
    }

    /** A non-blank string, or null when absent. */
    String text(String key) {
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Map || value instanceof List || value.toString().isBlank()) {
            throw new IllegalArgumentException(path(key) + " must be a non-empty string, was '" + value + "'");
        }
        return value.toString().trim();
    }

    /** A duration written {@code 500ms}, {@code 5s}, {@code 1m} or ISO-8601, between the bounds; {@code fallback} when absent. */
    Duration duration(String key, Duration fallback, Duration min, Duration max) {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        Duration duration = parseDuration(value.toString());
        if (duration == null || duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
            throw new IllegalArgumentException(path(key) + " must be a duration between " + format(min) + " and "
                    + format(max) + " such as " + format(fallback) + ", was '" + value + "'");
        }
        return duration;
    }

    /** A nested map, read with its own prefix; null when absent. */
    SettingsReader section(String key) {
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(path(key) + " must be a map of settings, was '" + value + "'");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), v));
        return new SettingsReader(copy, path(key) + ".");
    }

    /** A list of strings, or a comma-separated string; null when absent. */
    List<String> texts(String key) {
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(item -> out.add(String.valueOf(item).trim()));
        } else {
            for (String part : value.toString().split(",", -1)) {
                out.add(part.trim());
            }
        }
        if (out.isEmpty() || out.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException(path(key) + " must list names or globs such as 'orders, batch-*', was '"
                    + value + "'");
        }
        return List.copyOf(out);
    }

    Object raw(String key) {
        return values.get(key);
    }

    private static Duration parseDuration(String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code 5s}, {@code 500ms}, {@code 1m}: the shortest simple form. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0 && millis != 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
