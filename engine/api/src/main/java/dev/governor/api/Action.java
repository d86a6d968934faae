package dev.governor.api;

import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a rule decided should happen. Rules insert actions; the engine hands each new one to the
 * plugin that handles its {@link #type()}.
 *
 * <pre>{@code
 * insert( new Action( "notify.log", $h.host(), Map.of( "message", "memory above 90%" ), drools.getRule().getName() ) );
 * }</pre>
 *
 * @param type   the action type, lower-case words separated by dots, e.g. {@code pool.resize}
 * @param target what to act on, e.g. a pool, a table or a host; its meaning belongs to the type
 * @param params the type's parameters; values are strings, numbers, booleans, lists or maps
 * @param reason why: normally the name of the rule that decided it; empty means the engine fills in the rule
 */
public record Action(
        @JsonProperty(required = true) String type,
        @JsonProperty(required = true) String target,
        Map<String, Object> params,
        String reason) {

    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)+");

    public Action {
        requireText(type, "type");
        if (!TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException(
                    "type '" + type + "' is not an action type: use lower-case words separated by dots, e.g. 'notify.log'");
        }
        Objects.requireNonNull(target, "target is null");
        params = params == null ? Map.of() : copyOf(params);
        reason = reason == null ? "" : reason;
    }

    /** An action with no parameters. */
    public Action(String type, String target, String reason) {
        this(type, target, Map.of(), reason);
    }

    /** The same action with another reason. */
    public Action withReason(String newReason) {
        return new Action(type, target, params, newReason);
    }

    /** A parameter, or {@code fallback} when it is absent. */
    public Object param(String key, Object fallback) {
        return params.getOrDefault(key, fallback);
    }

    private static Map<String, Object> copyOf(Map<String, Object> params) {
        // Keeps insertion order for the audit; rejects null keys and values with the key's name.
        Map<String, Object> copy = new LinkedHashMap<>();
        params.forEach((key, value) -> {
            Objects.requireNonNull(key, "params has a null key");
            Objects.requireNonNull(value, () -> "params." + key + " is null");
            copy.put(key, value);
        });
        return Collections.unmodifiableMap(copy);
    }
}
