package dev.governor.benchmarks;

import dev.governor.benchmarks.engine.DefaultPackInJava;
import dev.governor.benchmarks.engine.Decider;
import dev.governor.benchmarks.engine.EngineLoop;
import dev.governor.benchmarks.engine.FactStream;
import dev.governor.benchmarks.engine.GeneratedRules;
import dev.governor.benchmarks.engine.RulesDecider;
import dev.governor.engine.rules.CompiledRules;
import dev.governor.engine.rules.RuleCompiler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Facts through the rules and the safety envelope to a no-op handler, one thread, one fact per operation
 * (insert, fire, and for the rare fact that leads to a decision: envelope, dispatcher, outcome back in).
 * Packs: the default rules ({@code rules/}) on host, JVM and pool samples, and hand-written Java making the
 * same decisions on the same stream ({@link DefaultPackInJava}); 100 and 1,000 generated threshold rules;
 * 10 rules averaging over a 30 s window. Targets: 300,000 facts/s and p99 under 50 µs with the default pack;
 * 50,000 facts/s with windowed rules.
 *
 * <p>Set-up (of the {@code default-java} trials) checks that the comparison is honest: over 30 simulated minutes
 * the default rules and the Java baseline make exactly the same decisions (time, rule, type, target, new max)
 * through the same envelope; otherwise the benchmark fails.
 *
 * <p>{@code default-rules-1m} is the default pack compiled with {@code engine.factRetention: 1m} instead of 5m
 * (the pack's longest window is 1m): the same rules with a fifth of the samples in the session, to show what the
 * number of facts in the session costs. (It decides a little differently: the shrink rule's peak then looks back
 * one minute only; on this stream the decisions are the same.)
 */
@State(Scope.Thread)
public class EngineBenchmark {

    @Param({"default-rules", "default-java", "default-rules-1m", "threshold-100", "threshold-1000", "windowed-10"})
    public String pack;

    private EngineLoop loop;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (pack.equals("default-java")) {
            checkDefaultPackDecisionsMatch();
        }
        loop = new EngineLoop(decider(pack), stream(pack), false);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        System.out.printf("%n[%s] %,d facts, %,d decisions dispatched; %.1f µs per fact deciding, %.0f µs per decision "
                        + "on the rules thread (envelope, state file, hand-over to the dispatcher)%n", pack, loop.facts(),
                loop.dispatched(), loop.deciding().toNanos() / 1e3 / Math.max(1, loop.facts()),
                loop.dispatching().toNanos() / 1e3 / Math.max(1, loop.dispatched()));
        loop.close();
    }

    /** Facts per second (read ops/s as facts/s). */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int facts() {
        return loop.step();
    }

    /** The time one fact takes, sampled: p50, p99. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int latency() {
        return loop.step();
    }

    /** The decider of a pack, for {@link dev.governor.benchmarks.engine.EngineProfile}. */
    public static Decider deciderFor(String pack) {
        return decider(pack);
    }

    /** The fact stream of a pack. */
    public static FactStream streamFor(String pack) {
        return stream(pack);
    }

    static Decider decider(String pack) {
        return switch (pack) {
            case "default-rules" -> new RulesDecider(defaultRules());
            case "default-java" -> new DefaultPackInJava(defaultRules().params());
            case "default-rules-1m" -> new RulesDecider(defaultRules(Duration.ofMinutes(1)));
            case "threshold-100" -> new RulesDecider(GeneratedRules.compile("thresholds-100.drl", GeneratedRules.thresholds(100)));
            case "threshold-1000" -> new RulesDecider(GeneratedRules.compile("thresholds-1000.drl", GeneratedRules.thresholds(1000)));
            case "windowed-10" -> new RulesDecider(GeneratedRules.compile("windowed-10.drl", GeneratedRules.windowed(10)));
            default -> throw new IllegalArgumentException("no such pack: " + pack);
        };
    }

    static FactStream stream(String pack) {
        return switch (pack) {
            case "default-rules", "default-java", "default-rules-1m" -> FactStream.defaultPack();
            // each metric once a second; one fact in 10,000 is over the threshold
            case "threshold-100" -> FactStream.metrics("m", 100, 100, 10_000);
            case "threshold-1000" -> FactStream.metrics("m", 1000, 1000, 10_000);
            // each metric 10 times a second: 300 facts in each 30 s window; never above the average
            case "windowed-10" -> FactStream.metrics("w", 10, 100, 0);
            default -> throw new IllegalArgumentException("no such pack: " + pack);
        };
    }

    static CompiledRules defaultRules() {
        return defaultRules(Duration.ofMinutes(5));
    }

    static CompiledRules defaultRules(Duration retention) {
        Path dir = Path.of(System.getProperty("governor.rules", "rules"));
        return new RuleCompiler(retention).compileFolder(dir);
    }

    /** The default rules and the Java baseline decide alike on 30 simulated minutes of the stream. */
    static void checkDefaultPackDecisionsMatch() throws Exception {
        List<String> rules = decisions(new RulesDecider(defaultRules()));
        List<String> java = decisions(new DefaultPackInJava(defaultRules().params()));
        if (rules.isEmpty() || !rules.equals(java)) {
            throw new IllegalStateException("the Java baseline does not decide as the default rules do:\nrules:\n  "
                    + String.join("\n  ", rules) + "\njava:\n  " + String.join("\n  ", java));
        }
        System.out.printf("%nDecisions match: the default rules and the Java baseline made the same %d decisions "
                + "on 30 simulated minutes:%n  %s%n", rules.size(), String.join("\n  ", rules.subList(0, Math.min(8, rules.size()))));
    }

    static List<String> decisions(Decider decider) throws Exception {
        try (EngineLoop check = new EngineLoop(decider, FactStream.defaultPack(), true)) {
            for (int i = 0; i < 3 * 1800; i++) {
                check.step();
            }
            return check.decisions();
        }
    }
}
