package dev.governor.engine.envelope;

/** Which way an action moves its target, which decides its cooldown. */
enum Direction {
    /** A numeric parameter goes up. */
    UP,
    /** A numeric parameter goes down, none up. */
    DOWN,
    /** An action with no bounded numeric parameter: one cooldown, the longer of up and down. */
    ANY,
    /** A bounded parameter whose current value the plugin does not report: both cooldowns apply. */
    UNKNOWN;

    String word() {
        return switch (this) {
            case UP -> "increase";
            case DOWN -> "decrease";
            default -> "action";
        };
    }
}
