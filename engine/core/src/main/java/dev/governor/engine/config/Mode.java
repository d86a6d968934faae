package dev.governor.engine.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Whether Governor carries actions out or only decides and audits them. */
public enum Mode {
    /** Decide, audit and execute. */
    ENFORCE("enforce"),
    /** Decide and audit everything; execute nothing. Outcomes are {@code DRY_RUN}. */
    DRY_RUN("dry-run");

    private final String text;

    Mode(String text) {
        this.text = text;
    }

    @JsonValue
    public String text() {
        return text;
    }

    @JsonCreator
    public static Mode parse(String text) {
        for (Mode mode : values()) {
            if (mode.text.equalsIgnoreCase(text)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("expected 'enforce' or 'dry-run', got '" + text + "'");
    }

    @Override
    public String toString() {
        return text;
    }
}
