package dev.governor.spi;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import java.util.Map;

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

    /**
     * The current values of the numeric parameters an action on {@code target} would change, e.g.
     * {@code {max=20, minIdle=5}} for {@code pool.resize} on a pool. The safety envelope needs them for
     * steps ({@code maxStepUp}), tolerance, stabilization and the direction of a change (which cooldown
     * applies); without them only the bounds apply, and the audit says so.
     *
     * <p>Called on a worker thread, within the action's timeout, just before {@link #handle}, and only for
     * action types whose parameters the envelope bounds. Read-only and quick; also called in dry-run mode.
     * A key that is absent means "unknown". The default knows nothing.
     */
    default Map<String, Number> current(String target) throws Exception {
        return Map.of();
    }

    /** Releases what the handler holds; called once when Governor stops. */
    @Override
    default void close() {
    }
}
