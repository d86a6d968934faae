package dev.governor.engine.envelope;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.Objects;

/**
 * No action whose type and target match, until a time. Silences come from {@code envelope.silences} in the
 * configuration (ids {@code config-1}, {@code config-2}, ...) or are set at run time ({@link Envelope#silence},
 * {@code governor silence add}; ids {@code s-} and 8 hex digits) and then live in the state file.
 *
 * @param id      how to name it in {@code governor silence remove}
 * @param type    action type glob, {@code *} for every type
 * @param target  target glob, {@code *} for every target
 * @param until   when it ends
 * @param reason  why; it is in every audit line it causes
 * @param by      who set it
 * @param created when it was set; null for silences from the configuration
 */
public record Silence(String id, String type, String target, Instant until, String reason, String by, Instant created) {

    public Silence {
        Objects.requireNonNull(id, "id is null");
        type = type == null || type.isBlank() ? "*" : type;
        target = target == null || target.isBlank() ? "*" : target;
        Objects.requireNonNull(until, "until is null");
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a silence needs a reason");
        }
        if (by == null || by.isBlank()) {
            throw new IllegalArgumentException("a silence needs to say who set it");
        }
    }

    /** Whether it silences this action at {@code now}. */
    public boolean covers(String actionType, String actionTarget, Instant now) {
        return now.isBefore(until) && Glob.matches(type, actionType) && Glob.matches(target, actionTarget);
    }

    @JsonIgnore
    public boolean fromConfig() {
        return id.startsWith("config-");
    }

    /** {@code silenced by ops-oncall until 2026-12-01T06:00:00Z: db maintenance (silence s-1f2e3d4c)} */
    String describe() {
        return "silenced by " + by + " until " + until + ": " + reason + " (silence " + id + ")";
    }
}
