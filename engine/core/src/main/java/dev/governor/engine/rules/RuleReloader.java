package dev.governor.engine.rules;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.kie.api.runtime.rule.ConsequenceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts changed rules in while Governor runs. {@link #reload} compiles the rules folder on the calling
 * thread (never the rules thread, which goes on deciding with the old rules meanwhile) and, when it
 * compiles, swaps the new rules in on the rules thread between two batches ({@link RuleEngine#swap}), with
 * the live facts carried over ({@link RuleSession#carryOver}). When it does not compile, the old rules keep
 * running, each error is logged as {@code file:line: message}, and {@link #lastResult} keeps it.
 *
 * <p>{@link #watch} starts a thread that looks at the folder once a second and reloads once the rule files
 * have stopped changing for the debounce time, so an editor's burst of writes, or a deployment copying
 * several files, leads to one reload. The folder is polled rather than watched through file system events:
 * events are not delivered for many mounted volumes (network file systems, some container bind mounts),
 * and Kubernetes replaces a mounted ConfigMap by swapping a symbolic link, which polling sees as a change of
 * the files' content like any other.
 *
 * <p>Memory: every build gets a release id of its own, whose module is dropped from the Drools repository as
 * soon as its rule base exists ({@link RuleCompiler}); the old session is disposed at the swap, which stops
 * its timer thread; nothing else keeps a build. So reloading does not make memory or threads grow.
 */
public final class RuleReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RuleReloader.class);

    /** How often the watcher looks at the folder. */
    public static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    private final Path dir;
    private final RuleCompiler compiler;
    private final RuleEngine engine;
    private final Function<List<Path>, List<RuleProblem>> checks;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile ReloadResult last;
    private final java.util.concurrent.atomic.AtomicLong reloads = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong failedReloads = new java.util.concurrent.atomic.AtomicLong();
    private RuleFolder applied;
    private Thread watcher;

    /**
     * @param dir     the rules folder
     * @param compiler compiles it
     * @param engine  runs the rules; its session has the rules compiled at start-up
     * @param startup how the start-up compile went
     * @param before  the folder as it was just before the start-up compile, so a change made during start-up
     *                is not missed
     * @param checks  more warnings about a compiled rule set, e.g. action types no plugin handles
     */
    public RuleReloader(Path dir, RuleCompiler compiler, RuleEngine engine, ReloadResult startup, RuleFolder before,
                        Function<List<Path>, List<RuleProblem>> checks) {
        this.dir = dir;
        this.compiler = compiler;
        this.engine = engine;
        this.last = startup;
        this.applied = before;
        this.checks = checks;
    }

    /** The result of a start-up compile of {@code rules}, with these warnings. */
    public static ReloadResult startup(Instant at, CompiledRules rules, List<RuleProblem> warnings) {
        List<RuleProblem> problems = new ArrayList<>(rules.warnings());
        problems.addAll(warnings);
        return new ReloadResult(at, true, problems, rules.ruleNames().size(), rules.files().size(), rules.compileTime(), 0, 0, 0);
    }

    /** The rules running now. */
    public CompiledRules current() {
        return engine.rules();
    }

    /** How the last compile went: at start-up, or the last reload (good or bad). */
    public ReloadResult lastResult() {
        return last;
    }

    /** Reloads that went in since start. */
    public long reloads() {
        return reloads.get();
    }

    /** Reloads that did not go in (the folder did not compile, or the new rules failed on the facts) since start. */
    public long failedReloads() {
        return failedReloads.get();
    }

    /**
     * Compiles the rules folder and, if it compiles, swaps the new rules in with the live facts; otherwise
     * logs each error and keeps the running rules. Safe to call from any thread but the rules thread; calls
     * are serialized.
     */
    public synchronized ReloadResult reload() {
        RuleFolder before = RuleFolder.scan(dir);
        applied = before;
        Instant at = Instant.now();
        long started = System.nanoTime();
        CompiledRules next;
        try {
            next = compiler.compileFolder(dir);
        } catch (RuleCompilationException e) {
            return failed(at, e.problems(), Duration.ofNanos(System.nanoTime() - started));
        } catch (RuntimeException e) {
            return failed(at, List.of(new RuleProblem(dir, 0, String.valueOf(e.getMessage()), true)),
                    Duration.ofNanos(System.nanoTime() - started));
        }
        RuleSession.CarryOver carried;
        try {
            carried = engine.swap(next);
        } catch (RuntimeException e) {
            String message = (e instanceof ConsequenceException ? "the new rules failed on the facts carried over: "
                    : "the new rules could not be put in: ") + e.getMessage();
            return failed(at, List.of(new RuleProblem(null, 0, message.replace('\n', ' '), true)), next.compileTime());
        }
        List<RuleProblem> problems = new ArrayList<>(next.warnings());
        problems.addAll(checks.apply(next.files()));
        carried.notCarried().forEach(text -> problems.add(new RuleProblem(null, 0, "not carried over: " + text, false)));
        ReloadResult result = new ReloadResult(at, true, problems, next.ruleNames().size(), next.files().size(),
                next.compileTime(), carried.carried(), carried.decisions().size(), carried.repeats());
        reloads.incrementAndGet();
        problems.forEach(problem -> LOG.warn("{}", problem));
        LOG.info("Rules reloaded: {} rule(s) from {} file(s) in {}, compiled in {} ms; {} fact(s) carried over, "
                        + "{} new action(s), {} repeat(s) of earlier actions left out",
                result.rules(), result.files(), dir, next.compileTime().toMillis(), result.carried(), result.decisions(),
                result.repeats());
        if (next.files().isEmpty()) {
            LOG.warn("No *.drl file in {}: no rule runs until one is added", dir);
        }
        // Published last: whoever sees this result (the API, a test) finds its lines already logged.
        last = result;
        return result;
    }

    private ReloadResult failed(Instant at, List<RuleProblem> problems, Duration compileTime) {
        CompiledRules running = engine.rules();
        ReloadResult result = new ReloadResult(at, false, problems, running.ruleNames().size(), running.files().size(),
                compileTime, 0, 0, 0);
        failedReloads.incrementAndGet();
        long errors = problems.stream().filter(RuleProblem::error).count();
        for (RuleProblem problem : problems) {
            if (problem.error()) {
                LOG.error("{}", problem);
            } else {
                LOG.warn("{}", problem);
            }
        }
        LOG.error("Rules in {} not reloaded ({} error(s)); the previous {} rule(s) from {} file(s) keep running",
                dir, errors, result.rules(), result.files());
        last = result;
        return result;
    }

    /**
     * Starts watching the folder: it is looked at every {@code pollInterval}, and reloaded once its rule
     * files have not changed for {@code debounce}.
     */
    public synchronized RuleReloader watch(Duration pollInterval, Duration debounce) {
        if (watcher != null) {
            throw new IllegalStateException("already watching " + dir);
        }
        watcher = new Thread(() -> watchLoop(pollInterval, debounce), "governor-rules-watch");
        watcher.setDaemon(true);
        watcher.start();
        LOG.info("Watching {} for rule changes (debounce {} ms)", dir, debounce.toMillis());
        return this;
    }

    private void watchLoop(Duration pollInterval, Duration debounce) {
        try {
            while (!closed.await(pollInterval.toMillis(), TimeUnit.MILLISECONDS)) {
                RuleFolder seen = RuleFolder.scan(dir);
                if (seen.equals(applied())) {
                    continue;
                }
                // Wait for the writes to settle: the folder must look the same twice, debounce apart.
                RuleFolder previous;
                do {
                    if (closed.await(debounce.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                    previous = seen;
                    seen = RuleFolder.scan(dir);
                } while (!seen.equals(previous));
                RuleFolder from = applied();
                if (!seen.equals(from)) {
                    LOG.info("Rules changed in {}: {}", dir, String.join(", ", seen.changesSince(from)));
                    try {
                        reload();
                    } catch (RuntimeException e) {
                        LOG.error("Reloading the rules in {} failed: {}", dir, e.getMessage(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized RuleFolder applied() {
        return applied;
    }

    /** Stops watching; a reload in progress finishes first. */
    @Override
    public void close() {
        closed.countDown();
        Thread thread;
        synchronized (this) {
            thread = watcher;
        }
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
