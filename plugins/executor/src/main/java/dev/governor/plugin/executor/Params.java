package dev.governor.plugin.executor;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads an action's parameters; messages name the parameter, the value and what is expected. */
final class Params {

    private final String type;
    private final Map<String, Object> params;

    /**
     * @throws IllegalArgumentException naming a parameter that is not one of {@code known}
     */
    Params(String type, Map<String, Object> params, Set<String> known) {
        this.type = type;
        this.params = params;
        for (String key : params.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException(type + " takes params " + String.join(" and ", new TreeSet<>(known))
                        + ", not '" + key + "'");
            }
        }
    }

    /** A whole number {@code >= min} (14, or 14.0 as rules may compute it), or null when absent. */
    Integer wholeNumber(String key, int min) {
        Object value = params.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Number number) {
            double d = number.doubleValue();
            if (d == Math.rint(d) && d >= min && d <= Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        throw new IllegalArgumentException("params." + key + " must be a whole number >= " + min + ", was "
                + (value instanceof String ? "'" + value + "' (a string)" : value));
    }

    /** A whole number that must be there. */
    int requiredWholeNumber(String key, int min, String what) {
        Integer value = wholeNumber(key, min);
        if (value == null) {
            throw new IllegalArgumentException(type + " needs params." + key + ", " + what + " (a whole number >= " + min + ")");
        }
        return value;
    }

    Object raw(String key) {
        return params.get(key);
    }
}
