package dev.governor.api;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tunable thresholds of the rules, by key: what rules read through the global {@code params}, so that
 * every threshold can be changed in {@code governor.yaml} without editing a rule.
 *
 * <pre>{@code
 * $s : JvmSample( liveSetRatio >= params.number( "memory.liveSet.enter" ) )
 * ... atMillis - $since >= params.millis( "memory.liveSet.for" ) ...
 * }</pre>
 *
 * <p>A value is a whole number, a number with a fraction, a duration, or true/false; its default's kind is
 * its kind for good: an override must be of the same kind (a whole number may stand for a fractional
 * default, never the other way round). A getter asked for a key there is no such param for, or for the wrong
 * kind, throws {@link IllegalArgumentException} naming the key, so a misspelt threshold never reads as zero.
 * Immutable and thread-safe.
 */
public final class RuleParams {

    private static final RuleParams EMPTY = new RuleParams(new TreeMap<>());

    private final Map<String, Object> values;

    private RuleParams(TreeMap<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** No params at all. */
    public static RuleParams empty() {
        return EMPTY;
    }

    /**
     * Params with these values: {@link Integer}, {@link Long} (whole numbers), {@link Float}, {@link Double}
     * (numbers), {@link Duration} or {@link Boolean}.
     *
     * @throws IllegalArgumentException naming the key of a value of another type, or of a blank key
     */
    public static RuleParams of(Map<String, ?> values) {
        TreeMap<String, Object> copy = new TreeMap<>();
        values.forEach((key, value) -> {
            Objects.requireNonNull(key, "a rule param has a null key");
            if (key.isBlank()) {
                throw new IllegalArgumentException("a rule param has a blank key");
            }
            copy.put(key, normalize(key, value));
        });
        return new RuleParams(copy);
    }

    /**
     * These params with some values replaced. Each key must be one of these params, and each value of its
     * kind (a whole number stands for a fractional default too).
     *
     * @throws IllegalArgumentException naming the first unknown key (and the known ones) or the first value of
     *                                  the wrong kind
     */
    public RuleParams with(Map<String, ?> overrides) {
        TreeMap<String, Object> merged = new TreeMap<>(values);
        overrides.forEach((key, value) -> {
            Object current = values.get(key);
            if (current == null) {
                throw new IllegalArgumentException("no rule param '" + key + "'; known: " + String.join(", ", values.keySet()));
            }
            Object replacement = normalize(key, value);
            if (current instanceof Double && replacement instanceof Long whole) {
                replacement = whole.doubleValue();
            }
            if (replacement.getClass() != current.getClass()) {
                throw new IllegalArgumentException("rule param '" + key + "' is " + kindOf(current) + " (default "
                        + describe(current) + "), got " + kindOf(replacement) + " (" + describe(replacement) + ")");
            }
            merged.put(key, replacement);
        });
        return new RuleParams(merged);
    }

    /** A number, whole or not. */
    public double number(String key) {
        Object value = get(key);
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        throw wrongKind(key, value, "a number");
    }

    /** A whole number that fits an {@code int}. */
    public int integer(String key) {
        long value = wholeNumber(key);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("rule param '" + key + "' is " + value + ", too large for integer(); use wholeNumber()");
        }
        return (int) value;
    }

    /** A whole number. */
    public long wholeNumber(String key) {
        Object value = get(key);
        if (value instanceof Long whole) {
            return whole;
        }
        throw wrongKind(key, value, "a whole number");
    }

    /** A duration. */
    public Duration duration(String key) {
        Object value = get(key);
        if (value instanceof Duration duration) {
            return duration;
        }
        throw wrongKind(key, value, "a duration");
    }

    /** A duration in milliseconds: compare it with differences of {@code atMillis}. */
    public long millis(String key) {
        return duration(key).toMillis();
    }

    /** A duration in seconds: compare it with fields in seconds such as {@code inStateSeconds}. */
    public double seconds(String key) {
        return duration(key).toMillis() / 1000.0;
    }

    /** True or false. */
    public boolean flag(String key) {
        Object value = get(key);
        if (value instanceof Boolean flag) {
            return flag;
        }
        throw wrongKind(key, value, "true or false");
    }

    /** True when there is a param with this key. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** Every key, sorted. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** Every param, sorted by key: {@link Long}, {@link Double}, {@link Duration} or {@link Boolean} values. */
    public Map<String, Object> asMap() {
        return values;
    }

    /** The kind of a param's value, as messages name it: "a whole number", "a number", "a duration", "true or false". */
    public static String kindOf(Object value) {
        if (value instanceof Long) {
            return "a whole number";
        }
        if (value instanceof Double) {
            return "a number";
        }
        if (value instanceof Duration) {
            return "a duration";
        }
        if (value instanceof Boolean) {
            return "true or false";
        }
        return "a " + (value == null ? "null" : value.getClass().getSimpleName());
    }

    /** Which kind a getter reads, for checking rules against their params before they run. */
    public static String kindReadBy(String getter) {
        return switch (getter) {
            case "number" -> "a number";
            case "integer", "wholeNumber" -> "a whole number";
            case "duration", "millis", "seconds" -> "a duration";
            case "flag" -> "true or false";
            default -> null;
        };
    }

    /** True when a getter reading {@code kind} can read a value of kind {@code actual}. */
    public static boolean readable(String kind, String actual) {
        return kind.equals(actual) || kind.equals("a number") && actual.equals("a whole number");
    }

    private Object get(String key) {
        Object value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no rule param '" + key + "'"
                    + (values.isEmpty() ? " (there are none: declare it in params.yaml beside the rules)"
                    : "; known: " + String.join(", ", values.keySet())));
        }
        return value;
    }

    private static IllegalArgumentException wrongKind(String key, Object value, String wanted) {
        return new IllegalArgumentException("rule param '" + key + "' is " + kindOf(value) + " (" + describe(value)
                + "), not " + wanted);
    }

    private static Object normalize(String key, Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float || value instanceof Double) {
            double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number)) {
                throw new IllegalArgumentException("rule param '" + key + "' must be a finite number, got " + number);
            }
            return number;
        }
        if (value instanceof Duration duration) {
            if (duration.isNegative()) {
                throw new IllegalArgumentException("rule param '" + key + "' must not be a negative duration");
            }
            return duration;
        }
        if (value instanceof Boolean) {
            return value;
        }
        throw new IllegalArgumentException("rule param '" + key + "' must be a number, a duration or true/false, got "
                + (value == null ? "nothing" : value.getClass().getSimpleName() + " '" + value + "'"));
    }

    private static String describe(Object value) {
        if (value instanceof Duration duration) {
            return format(duration);
        }
        return String.valueOf(value);
    }

    /** A duration as it is written in YAML: 500ms, 30s, 5m, 1h, 2d; or ISO-8601 when none fits. */
    public static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms == 0) {
            return "0s";
        }
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (ms % units[i] == 0) {
                return ms / units[i] + names[i];
            }
        }
        return duration.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RuleParams params && params.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("RuleParams{");
        values.forEach((key, value) -> out.append(out.length() > 11 ? ", " : "").append(key).append('=').append(describe(value)));
        return out.append('}').toString();
    }
}
