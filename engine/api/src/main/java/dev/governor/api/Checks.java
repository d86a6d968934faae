package dev.governor.api;

import java.util.Objects;

/** Argument checks shared by the fact records; messages name the field and the value. */
final class Checks {

    private Checks() {
    }

    static String requireText(String value, String field) {
        Objects.requireNonNull(value, () -> field + " is null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " is blank");
        }
        return value;
    }

    static int requireNonNegative(int value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must be >= 0, was " + value);
        }
        return value;
    }

    static long requireNonNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must be >= 0, was " + value);
        }
        return value;
    }

    static double requireNonNegative(double value, String field) {
        if (!(value >= 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(field + " must be a finite number >= 0, was " + value);
        }
        return value;
    }

    static Long requireNonNegative(Long value, String field) {
        if (value != null && value < 0) {
            throw new IllegalArgumentException(field + " must be >= 0, was " + value);
        }
        return value;
    }

    static Double requireNonNegative(Double value, String field) {
        if (value != null) {
            requireNonNegative(value.doubleValue(), field);
        }
        return value;
    }

    static double requireFraction(double value, String field) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(field + " must be between 0 and 1, was " + value);
        }
        return value;
    }

    static double requireFinite(double value, String field) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(field + " must be a finite number, was " + value);
        }
        return value;
    }

    static <T> T requireField(T value, String field) {
        return Objects.requireNonNull(value, () -> field + " is null");
    }
}
