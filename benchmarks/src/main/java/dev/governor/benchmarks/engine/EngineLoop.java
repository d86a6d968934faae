package dev.governor.benchmarks.engine;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.Fact;
import dev.governor.engine.config.ConfigLoader;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.config.Mode;
import dev.governor.engine.dispatch.Dispatcher;
import dev.governor.engine.envelope.Envelope;
import dev.governor.engine.envelope.EnvelopeGate;
import dev.governor.engine.rules.Decision;
import dev.governor.spi.ActionHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The path a fact takes in Governor, on one thread: into the decider (the rules session, or Java), each
 * decision through the real {@link Envelope} and {@link EnvelopeGate} to the real {@link Dispatcher} and a
 * no-op handler, and each outcome back in with the next fact, as {@code Governor} wires it. Time follows the
 * facts. When it keeps a log of decisions, the loop waits for the outcomes of a fact's decisions before the
 * next fact, so that a run is the same every time and the rules and the Java baseline can be compared decision
 * by decision; when measuring it does not wait (the rules thread of {@code Governor} does not either): outcomes
 * go in with whichever fact comes after they arrive.
 */
public final class EngineLoop implements AutoCloseable {

    /** Every action type the default pack and the generated rules use. */
    private static final List<String> TYPES = List.of("notify.log", "notify.webhook", "pool.resize", "executor.throttle",
            "executor.resize", "pg.vacuum", "pg.analyze", "pg.cancel", "pg.terminate");

    private final Decider decider;
    private final FactStream stream;
    private final SimClock clock = new SimClock(FactStream.START);
    private final Path stateDir;
    private final EnvelopeGate gate;
    private final ConcurrentLinkedQueue<ActionOutcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicLong reported = new AtomicLong();
    private final List<Fact> batch = new ArrayList<>();
    private final List<String> log;
    private long dispatched;
    private long facts;
    private long decideNanos;
    private long dispatchNanos;

    /**
     * @param keepLog keep one line per decision ({@link #decisions()}), for comparing two deciders
     */
    public EngineLoop(Decider decider, FactStream stream, boolean keepLog) throws IOException {
        this.decider = decider;
        this.stream = stream;
        this.log = keepLog ? new ArrayList<>() : null;
        this.stateDir = Files.createTempDirectory("governor-bench-envelope");
        GovernorConfig config = new ConfigLoader().parse("""
                envelope:
                  state: %s
                  actions:
                    pool.resize:
                      params:
                        max: { min: 2, max: 40 }
                """.formatted(stateDir.resolve("envelope.json")), "benchmark");
        Map<String, ActionHandler> handlers = new HashMap<>();
        TYPES.forEach(type -> handlers.put(type, new NoOpHandler()));
        Envelope envelope = new Envelope(config.envelope(), Set.of(), Mode.ENFORCE, clock);
        this.gate = new EnvelopeGate(envelope, handlers,
                listener -> new Dispatcher(handlers, type -> "no plugin handles " + type, Mode.ENFORCE,
                        Duration.ofSeconds(30), 1, clock, listener),
                (decision, verdict, outcome, took) -> {
                    outcomes.add(outcome);
                    reported.incrementAndGet();
                });
    }

    /** Takes the next fact through the loop; returns how many decisions it led to. */
    public int step() {
        Fact fact = stream.next();
        clock.set(fact.atMillis());
        batch.clear();
        for (ActionOutcome o = outcomes.poll(); o != null; o = outcomes.poll()) {
            batch.add(o);
        }
        batch.add(fact);
        facts++;
        long started = System.nanoTime();
        List<Decision> decisions = decider.accept(batch);
        long decided = System.nanoTime();
        decideNanos += decided - started;
        if (decisions.isEmpty()) {
            return 0;
        }
        if (log != null) {
            for (Decision d : decisions) {
                log.add(d.at() + " " + d.rule() + " " + d.action().type() + " " + d.action().target()
                        + (d.action().type().equals("pool.resize") ? " max=" + d.action().params().get("max") : ""));
            }
        }
        dispatched += decisions.size();
        gate.dispatchAll(decisions);
        if (log == null) {
            dispatchNanos += System.nanoTime() - decided;
            return decisions.size();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reported.get() < dispatched) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no outcome within 10 s: " + reported.get() + " of " + dispatched);
            }
            LockSupport.parkNanos(1_000);
        }
        dispatchNanos += System.nanoTime() - decided;
        return decisions.size();
    }

    public long dispatched() {
        return dispatched;
    }

    public long facts() {
        return facts;
    }

    /** Time spent in the decider (rules or Java), in total. */
    public Duration deciding() {
        return Duration.ofNanos(decideNanos);
    }

    /**
     * Time spent on the decisions on this thread, in total: the envelope's verdict and state file, handing over to
     * the dispatcher (and, when a log is kept, waiting for the outcome).
     */
    public Duration dispatching() {
        return Duration.ofNanos(dispatchNanos);
    }

    /** One line per decision (time, rule, type, target), when kept. */
    public List<String> decisions() {
        return log == null ? List.of() : List.copyOf(log);
    }

    @Override
    public void close() throws IOException {
        gate.close();
        decider.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Carries nothing out; reports APPLIED at the facts' time. Pools say max 10, as the samples do. */
    private final class NoOpHandler implements ActionHandler {
        @Override
        public ActionOutcome handle(Action action) {
            return ActionOutcome.applied(action, "no-op", clock.instant());
        }

        @Override
        public Map<String, Number> current(String target) {
            return Map.of("max", 10, "limit", 8, "core", 8);
        }
    }
}
