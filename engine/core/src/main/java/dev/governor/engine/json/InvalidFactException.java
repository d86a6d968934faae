package dev.governor.engine.json;

import java.util.List;

/**
 * A fact in JSON that Governor could not accept. Each problem names the element's index (for arrays),
 * the type and the field, e.g. {@code [2] PoolSample.waiting: expected an integer, got "six"}.
 */
public final class InvalidFactException extends RuntimeException {

    private final List<String> problems;

    public InvalidFactException(List<String> problems) {
        // No stack trace: this is bad input, not a bug, and a busy route may reject many.
        super(problems.size() == 1
                ? "rejected fact: " + problems.get(0)
                : "rejected facts, " + problems.size() + " problems: " + String.join("; ", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** One sentence per problem, in document order. */
    public List<String> problems() {
        return problems;
    }
}
