package dev.governor.testkit;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.ActionOutcome.Status;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Assertions on an {@link ActionOutcome}, with no test framework needed: each throws an
 * {@link AssertionError} that shows the whole outcome.
 *
 * <pre>{@code
 * assertApplied(outcome).messageContains("histogram").messageMatches(".*\\.txt.*");
 * assertSkipped(outcome).messageContains("no DiagnosticCommand");
 * assertFailed(outcome).messageContains("unknown kind 'heap'");
 * }</pre>
 */
public final class OutcomeAssert {

    private final ActionOutcome outcome;

    private OutcomeAssert(ActionOutcome outcome) {
        this.outcome = outcome;
    }

    /** An outcome that is not null, whatever its status. */
    public static OutcomeAssert assertOutcome(ActionOutcome outcome) {
        if (outcome == null) {
            throw new AssertionError("expected an outcome, got null (Governor audits that as FAILED: returned no outcome)");
        }
        return new OutcomeAssert(outcome);
    }

    /** The plugin carried the action out. */
    public static OutcomeAssert assertApplied(ActionOutcome outcome) {
        return assertOutcome(outcome).hasStatus(Status.APPLIED);
    }

    /** The plugin decided not to act, with a reason. */
    public static OutcomeAssert assertSkipped(ActionOutcome outcome) {
        return assertOutcome(outcome).hasStatus(Status.SKIPPED).hasMessage();
    }

    /** The action did not work, with the reason. */
    public static OutcomeAssert assertFailed(ActionOutcome outcome) {
        return assertOutcome(outcome).hasStatus(Status.FAILED).hasMessage();
    }

    public OutcomeAssert hasStatus(Status expected) {
        if (outcome.status() != expected) {
            throw new AssertionError("expected " + expected + ", was " + describe());
        }
        return this;
    }

    /** A message for people: Governor's audit shows it. */
    public OutcomeAssert hasMessage() {
        if (outcome.message().isBlank()) {
            throw new AssertionError("expected a message saying why, was " + describe());
        }
        return this;
    }

    public OutcomeAssert messageContains(String part) {
        Objects.requireNonNull(part, "part is null");
        if (!outcome.message().contains(part)) {
            throw new AssertionError("expected the message to contain \"" + part + "\", was " + describe());
        }
        return this;
    }

    public OutcomeAssert messageDoesNotContain(String part) {
        Objects.requireNonNull(part, "part is null");
        if (outcome.message().contains(part)) {
            throw new AssertionError("expected the message not to contain \"" + part + "\", was " + describe());
        }
        return this;
    }

    /** The whole message matches the regular expression. */
    public OutcomeAssert messageMatches(String regex) {
        if (!Pattern.compile(regex, Pattern.DOTALL).matcher(outcome.message()).matches()) {
            throw new AssertionError("expected the message to match /" + regex + "/, was " + describe());
        }
        return this;
    }

    /** The outcome is for this action. */
    public OutcomeAssert isFor(Action action) {
        if (!outcome.action().equals(action)) {
            throw new AssertionError("expected an outcome of " + action + ", was " + describe());
        }
        return this;
    }

    /** Stamped at this instant: with a pseudo clock, the test knows it exactly. */
    public OutcomeAssert at(Instant expected) {
        if (!outcome.at().equals(expected)) {
            throw new AssertionError("expected the outcome at " + expected + ", was " + describe());
        }
        return this;
    }

    /** The outcome, for assertions of your own. */
    public ActionOutcome outcome() {
        return outcome;
    }

    /** The message, for assertions of your own. */
    public String message() {
        return outcome.message();
    }

    private String describe() {
        return outcome.status() + " \"" + outcome.message() + "\" at " + outcome.at() + " for " + outcome.action().type()
                + " on '" + outcome.action().target() + "'";
    }
}
