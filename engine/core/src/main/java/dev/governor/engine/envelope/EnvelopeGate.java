package dev.governor.engine.envelope;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.engine.dispatch.Dispatcher;
import dev.governor.engine.rules.Decision;
import dev.governor.spi.ActionHandler;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the {@link Envelope} between the rules and the {@link Dispatcher}: every decision goes through it,
 * and only admitted actions reach a plugin. Each decision gets exactly one outcome and one verdict, reported
 * to the {@link Listener}: the plugin's outcome for an admitted action, {@code SKIPPED} or {@code DRY_RUN}
 * carrying the verdict's message for the rest.
 *
 * <p>Actions whose numeric parameters are bounded are judged on the worker, after the plugin's
 * {@link ActionHandler#current} and within the action's timeout, so a plugin that hangs there holds up no
 * other action and is reported FAILED like one that hangs in {@code handle}. Other actions are judged at
 * once, on the rules thread. When the breaker holds an action back, its notification is dispatched as a
 * decision of its own, with the same id and rule, and audited as such.
 */
public final class EnvelopeGate implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeGate.class);

    /** Told of every decision's verdict and outcome, on the rules thread or a worker. */
    @FunctionalInterface
    public interface Listener {
        void onOutcome(Decision decision, Verdict verdict, ActionOutcome outcome, Duration took);
    }

    private final Envelope envelope;
    private final Map<String, ActionHandler> handlers;
    private final Dispatcher dispatcher;
    private final Listener listener;
    /** Decisions handed to the dispatcher, by identity (a fallback shares its decision's id). */
    private final Map<Decision, Envelope.Ticket> pending = Collections.synchronizedMap(new IdentityHashMap<>());

    /**
     * @param dispatcherFactory builds the dispatcher from the listener it must report to; it must not apply
     *                          dry-run itself, the envelope does
     */
    public EnvelopeGate(Envelope envelope, Map<String, ActionHandler> handlers,
                        Function<Dispatcher.OutcomeListener, Dispatcher> dispatcherFactory, Listener listener) {
        this.envelope = envelope;
        this.handlers = Map.copyOf(handlers);
        this.listener = listener;
        this.dispatcher = dispatcherFactory.apply(this::onDispatched);
    }

    /** Takes each decision in order. */
    public void dispatchAll(List<Decision> decisions) {
        decisions.forEach(this::dispatch);
    }

    public void dispatch(Decision decision) {
        Action action = decision.action();
        Envelope.Ticket ticket = envelope.admit(action);
        if (ticket.judged()) {
            finish(decision, ticket, null, Duration.ZERO);
            return;
        }
        ActionHandler handler = handlers.get(action.type());
        if (handler == null) {
            ticket.doNotCountFailure();
        }
        if (handler == null || !envelope.needsCurrent(action)) {
            Verdict verdict = envelope.judge(ticket, Map.of(), null);
            if (!verdict.runs()) {
                finish(decision, ticket, null, Duration.ZERO);
                return;
            }
            pending.put(decision, ticket);
            dispatcher.dispatch(decision, handler == null ? null : requested -> handler.handle(verdict.action()));
            return;
        }
        pending.put(decision, ticket);
        dispatcher.dispatch(decision, requested -> guarded(ticket, handler, requested));
    }

    /** On the worker: current values, the verdict, then the plugin for an admitted action. */
    private ActionOutcome guarded(Envelope.Ticket ticket, ActionHandler handler, Action requested) throws Exception {
        Map<String, Number> current;
        String problem = null;
        try {
            current = handler.current(requested.target());
            if (current == null) {
                current = Map.of();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        } catch (Exception | LinkageError e) {
            current = Map.of();
            problem = "its plugin's current() failed: " + (e.getMessage() == null ? e.getClass().getName()
                    : e.getClass().getSimpleName() + ": " + e.getMessage());
            LOG.warn("{} on '{}': {}", requested.type(), requested.target(), problem, e);
        }
        if (ticket.finished()) {
            // Timed out while reading: the outcome is reported already; do not judge or act any more.
            return ActionOutcome.failed(requested, "not started: its outcome was already reported", envelope.now());
        }
        Verdict verdict = envelope.judge(ticket, current, problem);
        if (!verdict.runs()) {
            return verdict.outcome(requested, envelope.now());
        }
        if (ticket.finished() || Thread.currentThread().isInterrupted()) {
            return ActionOutcome.failed(requested, "not started: its outcome was already reported", envelope.now());
        }
        return handler.handle(verdict.action());
    }

    private void onDispatched(Decision decision, ActionOutcome outcome, Duration took) {
        Envelope.Ticket ticket = pending.remove(decision);
        if (ticket == null) {
            LOG.error("Outcome of action {} ({} on '{}') arrived for no pending decision; recorded without a verdict",
                    decision.id(), outcome.type(), outcome.target());
            report(decision, Verdict.admitted(decision.action(), "unknown: no pending decision"), outcome, took);
            return;
        }
        finish(decision, ticket, outcome, took);
    }

    private void finish(Decision decision, Envelope.Ticket ticket, ActionOutcome outcome, Duration took) {
        Verdict verdict = ticket.verdict();
        ActionOutcome result = outcome != null ? outcome : verdict.outcome(decision.action(), envelope.now());
        envelope.finished(ticket, result);
        report(decision, verdict, result, took);
        if (verdict.fallback() != null) {
            dispatch(new Decision(decision.id(), verdict.fallback(), decision.rule(), decision.facts(), decision.at()));
        }
    }

    private void report(Decision decision, Verdict verdict, ActionOutcome outcome, Duration took) {
        try {
            listener.onOutcome(decision, verdict, outcome, took);
        } catch (RuntimeException e) {
            LOG.error("Could not record the outcome of action {} ({}): {}", decision.id(), outcome.status(), e.getMessage(), e);
        }
    }

    public Envelope envelope() {
        return envelope;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /**
     * Stops the dispatcher (actions still running are reported as interrupted; they do not count against the
     * breaker), then saves the envelope's state.
     */
    @Override
    public void close() {
        envelope.closing();
        try {
            dispatcher.close();
        } finally {
            envelope.close();
        }
    }
}
