package dev.governor.engine.dispatch;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.engine.config.Durations;
import dev.governor.engine.config.Mode;
import dev.governor.engine.rules.Decision;
import dev.governor.spi.ActionHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each decided action to the handler of its type, off the rules thread, with a timeout, and
 * reports every outcome exactly once to the {@link OutcomeListener}: applied, skipped, failed (a thrown
 * exception, a timeout, no handler for the type, no free worker) or dry-run.
 */
public final class Dispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final int QUEUE_CAPACITY = 1_000;

    /** Told of every outcome, on a worker or timer thread. */
    @FunctionalInterface
    public interface OutcomeListener {
        void onOutcome(Decision decision, ActionOutcome outcome, Duration took);
    }

    private final Map<String, ActionHandler> handlers;
    private final Function<String, String> unhandledMessage;
    private final Mode mode;
    private final Duration timeout;
    private final Clock clock;
    private final OutcomeListener listener;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timer;
    private final Map<CompletableFuture<ActionOutcome>, Running> inFlight = new ConcurrentHashMap<>();
    private volatile boolean closing;

    /**
     * An action handed to its handler whose outcome is not known yet.
     *
     * @param decision the decision, with the action as the envelope let it through
     * @param action   the action the handler was given
     * @param since    when it was handed over
     */
    public record Running(Decision decision, Action action, java.time.Instant since) {
    }

    public Dispatcher(Map<String, ActionHandler> handlers, Function<String, String> unhandledMessage, Mode mode,
                      Duration timeout, int workerCount, Clock clock, OutcomeListener listener) {
        this.handlers = Map.copyOf(handlers);
        this.unhandledMessage = unhandledMessage;
        this.mode = mode;
        this.timeout = timeout;
        this.clock = clock;
        this.listener = listener;
        this.workers = new ThreadPoolExecutor(workerCount, workerCount, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUE_CAPACITY), threads("governor-action-"));
        ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, threads("governor-action-timeout-"));
        deadlines.setRemoveOnCancelPolicy(true);
        // At close, deadlines still queued are dropped, and one firing runs to its end: it records an outcome.
        deadlines.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.timer = deadlines;
    }

    /** Dispatches each decision in order. */
    public void dispatchAll(List<Decision> decisions) {
        decisions.forEach(this::dispatch);
    }

    public void dispatch(Decision decision) {
        dispatch(decision, handlers.get(decision.action().type()));
    }

    /**
     * Dispatches a decision to {@code handler} rather than to its type's: the safety envelope passes a handler
     * that reads the current values and judges the action on the worker, within the timeout, before the
     * plugin's. A null handler is reported as a type no plugin handles.
     */
    public void dispatch(Decision decision, ActionHandler handler) {
        Action action = decision.action();
        long started = System.nanoTime();
        if (handler == null) {
            report(decision, ActionOutcome.failed(action, unhandledMessage.apply(action.type()), clock.instant()), started);
            return;
        }
        if (mode == Mode.DRY_RUN) {
            report(decision, ActionOutcome.dryRun(action, "dry-run: " + action.type() + " on '" + action.target()
                    + "' decided, not executed", clock.instant()), started);
            return;
        }
        CompletableFuture<ActionOutcome> result = new CompletableFuture<>();
        inFlight.put(result, new Running(decision, action, clock.instant()));
        result.whenComplete((outcome, error) -> {
            inFlight.remove(result);
            report(decision, outcome, started);
        });
        Future<?> task;
        try {
            task = workers.submit(() -> result.complete(run(handler, action)));
        } catch (RejectedExecutionException e) {
            result.complete(ActionOutcome.failed(action, closing ? "not attempted: Governor is stopping"
                    : "not attempted: all " + workers.getMaximumPoolSize() + " action workers are busy and " + QUEUE_CAPACITY
                    + " actions wait", clock.instant()));
            return;
        }
        ScheduledFuture<?> deadline = timer.schedule(() -> {
            ActionOutcome late = closing
                    ? ActionOutcome.interrupted(action, "interrupted: Governor stopped, and the action was still running after "
                    + Durations.format(timeout) + " (actions.timeout); it may have taken effect", clock.instant())
                    : ActionOutcome.failed(action, "timed out after " + Durations.format(timeout)
                    + " (actions.timeout); the handler was interrupted", clock.instant());
            if (result.complete(late)) {
                task.cancel(true);
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        // Most actions finish long before their deadline: drop it then, rather than keep it queued.
        result.whenComplete((outcome, error) -> deadline.cancel(false));
    }

    private ActionOutcome run(ActionHandler handler, Action action) {
        try {
            ActionOutcome outcome = handler.handle(action);
            if (outcome == null) {
                return ActionOutcome.failed(action, handler.getClass().getName() + " returned no outcome", clock.instant());
            }
            return outcome;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ActionOutcome.failed(action, "interrupted", clock.instant());
        } catch (Exception | LinkageError | AssertionError e) {
            String message = e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.warn("Action {} on '{}' failed: {}", action.type(), action.target(), message, e);
            return ActionOutcome.failed(action, message, clock.instant());
        }
    }

    private void report(Decision decision, ActionOutcome outcome, long startedNanos) {
        try {
            listener.onOutcome(decision, outcome, Duration.ofNanos(System.nanoTime() - startedNanos));
        } catch (RuntimeException e) {
            LOG.error("Could not record the outcome of action {} ({}): {}", decision.id(), outcome.status(), e.getMessage(), e);
        }
    }

    /** Timeouts still scheduled: one per action in flight. */
    int pendingDeadlines() {
        return ((ScheduledThreadPoolExecutor) timer).getQueue().size();
    }

    /** The actions running now, oldest first: a point-in-time list. */
    public List<Running> running() {
        return inFlight.values().stream().sorted(java.util.Comparator.comparing(Running::since)).toList();
    }

    /** Actions handed to a handler whose outcome is not known yet. */
    public int inFlight() {
        return inFlight.size();
    }

    /**
     * Graceful shutdown: stops taking actions (a new one is reported FAILED, not attempted), waits up to the action
     * timeout for those in flight to finish, and reports any still running then as {@code INTERRUPTED} (their
     * handlers are interrupted): every action handed to a handler gets exactly one outcome before this returns.
     */
    @Override
    public void close() {
        closing = true;
        workers.shutdown();
        if (!inFlight.isEmpty()) {
            LOG.info("Waiting up to {} (actions.timeout) for {} action(s) in flight", Durations.format(timeout), inFlight.size());
        }
        try {
            if (!workers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} action(s) still running at shutdown; interrupting them", inFlight.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inFlight.forEach((pending, running) -> pending.complete(ActionOutcome.interrupted(running.action(),
                "interrupted: Governor stopped before the action finished; it may have taken effect", clock.instant())));
        workers.shutdownNow();
        // Not shutdownNow(): interrupting a deadline that is recording its outcome would close the files it writes.
        timer.shutdown();
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
