package dev.governor.api;

import static dev.governor.api.Checks.requireField;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * What became of an action. The engine inserts every outcome back into the rules session as a fact,
 * so a rule can check that an action worked: {@code ActionOutcome( status == Status.FAILED )}.
 *
 * @param action  the action as decided
 * @param status  what happened
 * @param message a sentence for people: what was done, or why not
 * @param at      when the outcome was known
 */
public record ActionOutcome(
        @JsonProperty(required = true) Action action,
        @JsonProperty(required = true) Status status,
        String message,
        Instant at) implements Fact {

    /** What happened to an action. */
    public enum Status {
        /** The plugin carried the action out. */
        APPLIED,
        /** The plugin decided not to act, for a reason it gives: nothing to do, a lock it could not take. */
        SKIPPED,
        /** The action was attempted, or could not be attempted, and did not work. */
        FAILED,
        /** Governor runs in dry-run mode: decided and audited, not executed. */
        DRY_RUN,
        /**
         * Governor stopped while the action ran and did not wait for it to finish: it may have taken effect, in
         * part or fully. Only at shutdown; check the target.
         */
        INTERRUPTED
    }

    public ActionOutcome {
        requireField(action, "action");
        requireField(status, "status");
        message = message == null ? "" : message;
        requireField(at, "at");
    }

    public static ActionOutcome applied(Action action, String message, Instant at) {
        return new ActionOutcome(action, Status.APPLIED, message, at);
    }

    public static ActionOutcome skipped(Action action, String message, Instant at) {
        return new ActionOutcome(action, Status.SKIPPED, message, at);
    }

    public static ActionOutcome failed(Action action, String message, Instant at) {
        return new ActionOutcome(action, Status.FAILED, message, at);
    }

    public static ActionOutcome dryRun(Action action, String message, Instant at) {
        return new ActionOutcome(action, Status.DRY_RUN, message, at);
    }

    public static ActionOutcome interrupted(Action action, String message, Instant at) {
        return new ActionOutcome(action, Status.INTERRUPTED, message, at);
    }

    /** The action's type, for rules: {@code ActionOutcome( type == "pool.resize" )}. */
    public String type() {
        return action.type();
    }

    /** The action's target, for rules. */
    public String target() {
        return action.target();
    }
}
