package dev.governor.spi;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;

/**
 * Carries out actions of its plugin's types.
 *
 * <p>Contract:
 * <ul>
 *   <li>Thread-safe: Governor may call {@link #handle} from several worker threads at once, never from
 *       the rules thread.</li>
 *   <li>Bounded: Governor waits up to {@code actions.timeout} and then records the action as
 *       {@code FAILED} and interrupts the worker; a handler should respond to interruption.</li>
 *   <li>Honest: return {@code APPLIED} only for what was done, {@code SKIPPED} with the reason when
 *       nothing was done. A thrown exception becomes a {@code FAILED} outcome carrying its message.</li>
 *   <li>Never called in dry-run mode.</li>
 * </ul>
 */
public interface ActionHandler extends AutoCloseable {

    ActionOutcome handle(Action action) throws Exception;

    /** Releases what the handler holds; called once when Governor stops. */
    @Override
    default void close() {
    }
}
