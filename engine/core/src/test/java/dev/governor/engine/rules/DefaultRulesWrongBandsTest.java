package dev.governor.engine.rules;

import static dev.governor.engine.rules.RulePack.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.governor.api.Fact;
import java.time.Duration;
import java.util.Map;
import java.util.function.DoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The default rules with an enter threshold set on the wrong side of its exit one, bypassing the check that
 * refuses such params at start-up, and a value in both bands: each sample would start and end a breach for
 * ever, and the rules thread would never get past it. They neither loop nor act: no breach lasts its "for".
 */
class DefaultRulesWrongBandsTest {

    private static final Duration HANG = Duration.ofSeconds(120);   // generous on a loaded machine; a loop never ends

    @Test
    void memoryBandsSetTheWrongWayRoundNeitherLoopNorAct() {
        noLoopNorAction(Map.of("memory.liveSet.enter", 0.5, "memory.liveSet.exit", 0.9),
                s -> DefaultMemoryRulesTest.jvm(s, 0.75, 0.0));
        noLoopNorAction(Map.of("memory.limit.enter", 0.5, "memory.limit.exit", 0.9),
                s -> DefaultMemoryRulesTest.host(s, 0.75, false));
        noLoopNorAction(Map.of("memory.gc.enter", 0.01, "memory.gc.exit", 0.9),
                s -> DefaultMemoryRulesTest.jvm(s, 0.1, 1.0));
    }

    @Test
    void cpuBandsSetTheWrongWayRoundNeitherLoopNorAct() {
        noLoopNorAction(Map.of("cpu.saturated.enter", 0.5, "cpu.saturated.exit", 0.9),
                s -> DefaultCpuRulesTest.host(s, 0.75, 0.1, false));
        // the throttle band and its mirror, the calm band, at once
        noLoopNorAction(Map.of("cpu.throttle.enter", 0.5, "cpu.throttle.exit", 0.9),
                s -> DefaultCpuRulesTest.host(s, 0.1, 0.75, false), s -> DefaultCpuRulesTest.executor(s, "workers", 8));
    }

    @Test
    void poolBandsSetTheWrongWayRoundNeitherLoopNorAct() {
        // the idle band is entered at or below its enter threshold: the wrong way round is enter above exit
        noLoopNorAction(Map.of("pool.shrink.enter", 0.6, "pool.shrink.exit", 0.4),
                s -> DefaultPoolRulesTest.pool(s, 5, 10, 0));
        // saturated (someone waits, all in use) and "nobody waits, below pool.grow.exit" at once
        noLoopNorAction(Map.of("pool.grow.waiting", 0L, "pool.grow.exit", 2.0),
                s -> DefaultPoolRulesTest.pool(s, 10, 10, 0));
    }

    @Test
    void mvccBandsSetTheWrongWayRoundNeitherLoopNorAct() {
        noLoopNorAction(Map.of("mvcc.vacuum.enter", 0.5, "mvcc.vacuum.exit", 2.0),
                s -> DefaultMvccRulesTest.table(s, "orders", 16384, 30_000, T0.minus(Duration.ofHours(3)), 1000));
        noLoopNorAction(Map.of("mvcc.wraparound.warn.enter", 0.40, "mvcc.wraparound.warn.exit", 0.55),
                s -> DefaultMvccRulesTest.database(s, "shop", 0.47));
        noLoopNorAction(Map.of("mvcc.wraparound.critical.enter", 0.70, "mvcc.wraparound.critical.exit", 0.85,
                        "mvcc.wraparound.warn.enter", 0.95, "mvcc.wraparound.warn.exit", 0.90),
                s -> DefaultMvccRulesTest.database(s, "shop", 0.60));
        noLoopNorAction(Map.of("mvcc.replication.enter", 10_000_000L, "mvcc.replication.exit", 20_000_000L),
                s -> DefaultMvccRulesTest.slot(s, "stale", 15_000_000));
    }

    /** A sample every 10 s for 20 minutes (past every "for"), in both bands: no loop, and no action of those bands. */
    @SafeVarargs
    private static void noLoopNorAction(Map<String, ?> wrongBand, DoubleFunction<? extends Fact>... samples) {
        try (RulePack pack = new RulePack(wrongBand)) {
            assertTimeoutPreemptively(HANG, () -> {
                for (int s = 0; s <= 1200; s += 10) {
                    for (DoubleFunction<? extends Fact> sample : samples) {
                        pack.insert(sample.apply(s));
                    }
                }
            }, () -> "the rules loop with " + wrongBand);
            assertThat(pack.timeline()).as("%s", wrongBand).isEmpty();
        }
    }
}
