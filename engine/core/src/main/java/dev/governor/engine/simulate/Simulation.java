package dev.governor.engine.simulate;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.ExecutorSample;
import dev.governor.api.Fact;
import dev.governor.api.PgDatabase;
import dev.governor.api.PgHorizonHolder;
import dev.governor.api.PgServer;
import dev.governor.api.PgTable;
import dev.governor.api.PgVacuumProgress;
import dev.governor.api.PoolSample;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.envelope.Envelope;
import dev.governor.engine.envelope.Verdict;
import dev.governor.engine.plugin.PluginRegistry;
import dev.governor.engine.rules.ActionTypeReference;
import dev.governor.engine.rules.CompiledRules;
import dev.governor.engine.rules.Decision;
import dev.governor.engine.rules.RuleCompiler;
import dev.governor.engine.rules.RuleSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Governor's decision loop in one thread, on simulated time, for {@code governor test} and {@code governor replay}:
 * the rules in a session on a pseudo clock, the real safety envelope (its state in a temporary file, its clock
 * following the simulated time), and a recorder in place of the plugins.
 *
 * <p>As in {@code governor run}: facts are inserted in batches stamped with their own time; between batches the
 * session is fired once a second, so rules driven by time alone (an absence, a window that moves on) fire when
 * they would; every decision goes through the envelope; every outcome goes back into the session at once. An
 * action the envelope lets through is not carried out: it is recorded and gets an {@code APPLIED} outcome (or the
 * status {@code outcomes} names for its type). Actions whose numeric parameters the envelope bounds are judged
 * against the values of the latest sample of their target ({@code PoolSample.max} and {@code minIdle} for
 * {@code pool.resize}, {@code ExecutorSample.core} and {@code max} for {@code executor.*}), where a plugin would
 * read the live values.
 *
 * <p>Not thread-safe.
 */
public final class Simulation implements AutoCloseable {

    /** How often an idle session is fired, as the rules thread of {@code governor run} does. */
    public static final Duration TICK = Duration.ofSeconds(1);

    /** Rounds of actions and their outcomes at one instant before the rules are taken to loop. */
    static final int MAX_ROUNDS = 1_000;

    /** Told of each action and of each rule that failed, in simulated-time order. */
    public interface Listener {
        void onAction(SimulatedAction action);

        /** A rule's consequence threw, or the rules kept deciding at one instant; the simulation goes on. */
        default void onRuleError(Instant at, String message) {
        }
    }

    private final SimulationClock clock;
    private final Path stateDir;
    private final Envelope envelope;
    private final RuleSession session;
    private final Map<String, ActionOutcome.Status> outcomes;
    private final Listener listener;
    private final Map<String, PoolSample> pools = new HashMap<>();
    private final Map<String, ExecutorSample> executors = new HashMap<>();
    private Instant lastFire;
    private long factsIn;

    /**
     * @param config    the configuration: mode, envelope, fact retention; its paths are not used
     * @param rules     compiled rules; each simulation has a session of its own
     * @param databases the databases the envelope takes as configured, on top of {@code config.databases()}
     * @param start     the simulated time at the start
     * @param outcomes  the outcome status of dispatched actions, by action type; {@code APPLIED} for the others
     */
    public Simulation(GovernorConfig config, CompiledRules rules, Collection<String> databases, Instant start,
                      Map<String, ActionOutcome.Status> outcomes, Listener listener) {
        this.clock = new SimulationClock(start);
        this.outcomes = Map.copyOf(outcomes);
        this.listener = listener;
        this.lastFire = start;
        Set<String> allDatabases = new TreeSet<>(config.databases().keySet());
        allDatabases.addAll(databases);
        try {
            this.stateDir = Files.createTempDirectory("governor-simulation-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for the envelope's state: " + e.getMessage(), e);
        }
        Envelope opened = null;
        RuleSession started = null;
        try {
            opened = new Envelope(config.envelope().withState(stateDir.resolve("envelope.json")), allDatabases,
                    config.mode(), clock);
            started = new RuleSession(rules, RuleSession.ClockMode.PSEUDO);
            started.advanceTo(start);
        } catch (RuntimeException | Error e) {
            if (started != null) {
                started.close();
            }
            if (opened != null) {
                opened.close();
            }
            deleteQuietly(stateDir);
            throw e;
        }
        this.envelope = opened;
        this.session = started;
    }

    /** The databases these facts name: in a run, only configured databases are sampled. */
    public static Set<String> databasesIn(Collection<? extends Fact> facts) {
        Set<String> names = new TreeSet<>();
        for (Fact fact : facts) {
            String database = fact instanceof PgServer f ? f.database()
                    : fact instanceof PgDatabase f ? f.database()
                    : fact instanceof PgTable f ? f.database()
                    : fact instanceof PgHorizonHolder f ? f.database()
                    : fact instanceof PgVacuumProgress f ? f.database()
                    : null;
            if (database != null) {
                names.add(database);
            }
        }
        return names;
    }

    /** The compiler {@code governor run} would use with this configuration. */
    public static RuleCompiler compiler(GovernorConfig config) {
        return new RuleCompiler(config.engine().factRetention(), config.rules().params());
    }

    /** The action types of the plugins on the classpath. */
    public static Set<String> pluginActionTypes(ClassLoader classLoader) {
        try (PluginRegistry registry = PluginRegistry.load(classLoader, null)) {
            return Set.copyOf(registry.actionTypes().keySet());
        }
    }

    /**
     * Settings under {@code envelope.actions} for a type that no plugin handles and no rule names: a misspelt type
     * must not go unread. Plugins are not loaded in a simulation, so a type the rules name counts as handled.
     */
    public static List<String> envelopeProblems(GovernorConfig config, CompiledRules rules, Set<String> pluginTypes) {
        Set<String> types = new TreeSet<>(pluginTypes);
        ActionTypeReference.scan(rules.files()).forEach(reference -> types.add(reference.type()));
        return Envelope.problems(config.envelope(), types);
    }

    /**
     * Fires the session once a second up to {@code at} (exclusive), then inserts the facts as one batch at
     * {@code at} and handles what the rules decide. Facts keep their own {@code at}; the session's time is the
     * latest of them.
     */
    public void insert(Instant at, List<? extends Fact> facts) {
        runBefore(at);
        clock.advanceTo(at);
        for (Fact fact : facts) {
            clock.advanceTo(fact.at());
            if (fact instanceof PoolSample pool) {
                pools.put(pool.pool(), pool);
            } else if (fact instanceof ExecutorSample executor) {
                executors.put(executor.executor(), executor);
            }
        }
        factsIn += facts.size();
        List<Decision> decisions;
        try {
            decisions = session.insert(facts);
            reportRunaway(clock.instant());
        } catch (RuntimeException e) {
            decisions = List.of();
            listener.onRuleError(clock.instant(), ruleFailure(e));
        }
        if (lastFire.isBefore(clock.instant())) {
            lastFire = clock.instant();
        }
        handle(decisions);
    }

    /** Fires the session once a second up to {@code at}, and at {@code at} itself. */
    public void runUntil(Instant at) {
        runBefore(at);
        if (lastFire.isBefore(at)) {
            fireAt(at);
        }
    }

    /** The simulated time now. */
    public Instant now() {
        return clock.instant();
    }

    /** Facts inserted so far, outcomes not included. */
    public long factsIn() {
        return factsIn;
    }

    private void runBefore(Instant at) {
        for (Instant tick = lastFire.plus(TICK); tick.isBefore(at); tick = tick.plus(TICK)) {
            fireAt(tick);
        }
    }

    /** Rules the session stopped because they would not stop firing: an error, as a failing rule is. */
    private void reportRunaway(Instant at) {
        if (session.runaway() != null) {
            listener.onRuleError(at, session.runaway());
        }
    }

    private void fireAt(Instant at) {
        clock.advanceTo(at);
        List<Decision> decisions;
        try {
            decisions = session.advanceTo(at);
            reportRunaway(at);
        } catch (RuntimeException e) {
            decisions = List.of();
            listener.onRuleError(at, ruleFailure(e));
        }
        lastFire = at;
        handle(decisions);
    }

    /** Each decision through the envelope; the outcomes back into the session, until the rules have no more to say. */
    private void handle(List<Decision> decisions) {
        for (int round = 1; !decisions.isEmpty(); round++) {
            if (round > MAX_ROUNDS) {
                listener.onRuleError(clock.instant(), "the rules kept deciding: more than " + MAX_ROUNDS
                        + " rounds of actions and outcomes at one instant (a rule that acts on every outcome?); "
                        + decisions.size() + " decision(s) dropped");
                return;
            }
            List<ActionOutcome> results = new ArrayList<>();
            for (Decision decision : decisions) {
                dispatch(decision, results);
            }
            try {
                decisions = session.insert(results);
                reportRunaway(clock.instant());
            } catch (RuntimeException e) {
                listener.onRuleError(clock.instant(), ruleFailure(e));
                return;
            }
        }
    }

    /** What the envelope gate does in a run, on this thread, with the recorder as every plugin. */
    private void dispatch(Decision decision, List<ActionOutcome> results) {
        Action requested = decision.action();
        Envelope.Ticket ticket = envelope.admit(requested);
        if (!ticket.judged()) {
            envelope.judge(ticket, envelope.needsCurrent(requested) ? current(requested) : Map.of(), null);
        }
        Verdict verdict = ticket.verdict();
        Instant now = clock.instant();
        ActionOutcome outcome = verdict.runs() ? recorded(verdict.action(), now) : verdict.outcome(requested, now);
        envelope.finished(ticket, outcome);
        listener.onAction(new SimulatedAction(now, decision, verdict, outcome));
        results.add(outcome);
        if (verdict.fallback() != null) {
            dispatch(new Decision(decision.id(), verdict.fallback(), decision.rule(), decision.facts(), decision.at()), results);
        }
    }

    private ActionOutcome recorded(Action action, Instant now) {
        ActionOutcome.Status status = outcomes.getOrDefault(action.type(), ActionOutcome.Status.APPLIED);
        String message = "simulated: recorded, not carried out";
        return switch (status) {
            case FAILED -> ActionOutcome.failed(action, message + " (FAILED as the simulation was told)", now);
            case SKIPPED -> ActionOutcome.skipped(action, message + " (SKIPPED as the simulation was told)", now);
            case DRY_RUN -> ActionOutcome.dryRun(action, message, now);
            case APPLIED -> ActionOutcome.applied(action, message, now);
            case INTERRUPTED -> ActionOutcome.interrupted(action, message + " (INTERRUPTED as the simulation was told)", now);
        };
    }

    /** The values a plugin would report for the target, from the latest sample of it. */
    private Map<String, Number> current(Action action) {
        switch (action.type()) {
            case "pool.resize": {
                PoolSample pool = pools.get(action.target());
                return pool == null ? Map.of() : Map.of("max", pool.max(), "minIdle", pool.minIdle());
            }
            case "executor.resize", "executor.throttle": {
                ExecutorSample executor = executors.get(action.target());
                return executor == null ? Map.of()
                        : Map.of("core", executor.core(), "max", executor.max(), "limit", executor.max());
            }
            default:
                return Map.of();
        }
    }

    private static String ruleFailure(RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (cause != e) {
            text += " (" + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")";
        }
        return "a rule failed: " + text;
    }

    /** Closes the session and the envelope, and deletes the envelope's temporary state. */
    @Override
    public void close() {
        try {
            session.close();
        } finally {
            envelope.close();
            deleteQuietly(stateDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
