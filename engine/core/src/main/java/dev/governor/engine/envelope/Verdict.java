package dev.governor.engine.envelope;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import java.time.Instant;
import java.util.Objects;

/**
 * What the safety envelope decided about one action, with a sentence for people. Every audit line carries
 * one. Only {@link Kind#ADMITTED} and {@link Kind#CLAMPED} actions reach their plugin; the others become an
 * outcome at once: {@code DRY_RUN} for {@link Kind#DRY_RUN}, {@code SKIPPED} (carrying the message) for the rest.
 *
 * @param kind     what was decided
 * @param cause    why a {@link Kind#SUPPRESSED} action was held back; null for other kinds
 * @param message  e.g. {@code clamped max from 60 to 44 (maxStepUp 4 from 40)},
 *                 {@code suppressed by cooldown until 2026-12-01T06:05:00Z (...)},
 *                 {@code silenced by ops-oncall until 2026-12-01T06:00:00Z: db maintenance (silence s-1f2e3d4c)}
 * @param action   the action to carry out (clamped, when the envelope changed its parameters), or that would
 *                 have been carried out
 * @param fallback for {@link Cause#BREAKER}: the notification sent instead; null otherwise
 */
public record Verdict(Kind kind, Cause cause, String message, Action action, Action fallback) {

    /** What the envelope decided. */
    public enum Kind {
        /** Within every limit: handed to the plugin as decided. */
        ADMITTED,
        /** Handed to the plugin with parameters the envelope changed: bounds, steps or stabilization. */
        CLAMPED,
        /** Held back for now: see {@link Cause}. */
        SUPPRESSED,
        /** Judged as if carried out, and not carried out: {@code mode: dry-run}, or {@code dryRun} on the type or target. */
        DRY_RUN,
        /** A silence covers its type or target. */
        SILENCED,
        /** Never allowed as configured: the type is off, the target is denied or not allowed, a bound is missing. */
        DENIED
    }

    /** Why an action was suppressed. */
    public enum Cause {
        /** The same type acted on the same target too recently. */
        COOLDOWN,
        /** The type's rate budget is spent for now. */
        RATE,
        /** The same action on the same target is still running. */
        IN_FLIGHT,
        /** The change is smaller than the tolerance, or no change at all. */
        TOLERANCE,
        /** A decrease held by the larger values recommended within the stabilization window. */
        STABILIZATION,
        /** The circuit breaker is open: notify-only. */
        BREAKER
    }

    public Verdict {
        Objects.requireNonNull(kind, "kind is null");
        Objects.requireNonNull(message, "message is null");
        Objects.requireNonNull(action, "action is null");
        if ((kind == Kind.SUPPRESSED) != (cause != null)) {
            throw new IllegalArgumentException("a cause goes with SUPPRESSED and only with it: " + kind + "/" + cause);
        }
    }

    static Verdict admitted(Action action, String message) {
        return new Verdict(Kind.ADMITTED, null, message, action, null);
    }

    static Verdict clamped(Action action, String message) {
        return new Verdict(Kind.CLAMPED, null, message, action, null);
    }

    static Verdict suppressed(Cause cause, Action action, String message) {
        return new Verdict(Kind.SUPPRESSED, cause, message, action, null);
    }

    static Verdict dryRun(Action action, String message) {
        return new Verdict(Kind.DRY_RUN, null, message, action, null);
    }

    static Verdict silenced(Action action, String message) {
        return new Verdict(Kind.SILENCED, null, message, action, null);
    }

    static Verdict denied(Action action, String message) {
        return new Verdict(Kind.DENIED, null, message, action, null);
    }

    Verdict withFallback(Action notification) {
        return new Verdict(kind, cause, message, action, notification);
    }

    Verdict withMessage(String newMessage) {
        return new Verdict(kind, cause, newMessage, action, fallback);
    }

    /** True when the action goes to its plugin. */
    public boolean runs() {
        return kind == Kind.ADMITTED || kind == Kind.CLAMPED;
    }

    /**
     * The outcome of an action that does not run: {@code DRY_RUN} for a dry-run, {@code SKIPPED} for the
     * rest, each carrying this verdict's message.
     */
    public ActionOutcome outcome(Action requested, Instant at) {
        if (runs()) {
            throw new IllegalStateException("an admitted action's outcome comes from its plugin");
        }
        return kind == Kind.DRY_RUN ? ActionOutcome.dryRun(action, message, at) : ActionOutcome.skipped(requested, message, at);
    }

    /** {@code SUPPRESSED/COOLDOWN}, {@code CLAMPED}: the kind and cause in one word. */
    public String label() {
        return cause == null ? kind.name() : kind.name() + "/" + cause.name();
    }
}
