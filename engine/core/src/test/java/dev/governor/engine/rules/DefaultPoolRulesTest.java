package dev.governor.engine.rules;

import static dev.governor.engine.rules.RulePack.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.PgServer;
import dev.governor.api.PoolSample;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** rules/pool.drl on a pseudo clock: firing, not firing, recovery, the database veto, and its params. */
class DefaultPoolRulesTest {

    // ---- grow --------------------------------------------------------------------------------------

    @Test
    void callersWaitingOnASaturatedPoolGrowItByOneConnectionEachStepByStep() {
        try (RulePack pack = new RulePack()) {
            int max = 10;
            for (int s = 0; s <= 30; s++) {
                // 14 callers for a pool of 10, then 24: every connection busy and the rest waiting
                int callers = s < 8 ? 14 : 24;
                pack.insert(pool(s, Math.min(callers, max), max, Math.max(0, callers - max)));
                if (!pack.decisions().isEmpty()) {
                    max = (Integer) pack.decisions().get(pack.decisions().size() - 1).action().params().get("max");
                }
            }
            // 5 s of waiting at 10 with 4 waiting: 14; the clock starts again with the resize: 5 s of waiting at
            // 14 with 10 waiting: 24; then nobody waits
            assertThat(pack.timeline()).containsExactly("5s pool.resize orders", "10s pool.resize orders");
            assertThat(pack.decisions()).extracting(d -> d.action().params()).containsExactly(Map.of("max", 14), Map.of("max", 24));
            assertThat(pack.decisions().get(0).rule()).isEqualTo("Grow a pool whose callers keep waiting");
        }
    }

    @Test
    void aStepIsAtLeastTheGrowStepAndNeverTakenWhenNobodyWaitsAnyMore() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 60; s++) {
                // one caller waits until 5 s: max + pool.grow.step (2); then every connection stays busy, but
                // nobody waits: still in the saturated band (utilization >= 80%), yet no growth
                pack.insert(pool(s, 10, 10, s <= 5 ? 1 : 0));
            }
            assertThat(pack.timeline()).containsExactly("5s pool.resize orders");
            assertThat(pack.decisions().get(0).action().params()).isEqualTo(Map.of("max", 12));
        }
    }

    @Test
    void aFullPoolNobodyWaitsForIsNotGrown() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 300; s += 5) {
                pack.insert(pool(s, 10, 10, 0), pool2(s, "reports", 8, 10, 3));
            }
            // "reports" has waiters but free connections: they are being opened, the pool is not saturated
            assertThat(pack.decisions()).isEmpty();
        }
    }

    @Test
    void waitingThatStopsBeforeItsDurationGrowsNothingAndTheNextBreachStartsAfresh() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 20; s++) {
                // waiting 0-3 s; then nobody waits and the pool is 50% used (below the exit band) until 7 s;
                // waiting again from 8 s: grown 5 s later, at 13 s, and again 5 s after that
                boolean waiting = s <= 3 || s >= 8;
                pack.insert(waiting ? pool(s, 10, 10, 3) : pool(s, 5, 10, 0));
            }
            assertThat(pack.timeline()).containsExactly("13s pool.resize orders", "18s pool.resize orders");
        }
    }

    @Test
    void aFullPoolWhoseWaitersComeAndGoIsOneBreach() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 5; s++) {
                // nobody waits at 2 s and 4 s, but every connection stays in use: still saturated
                pack.insert(pool(s, 10, 10, s == 2 || s == 4 ? 0 : 2));
            }
            assertThat(pack.timeline()).containsExactly("5s pool.resize orders");
        }
    }

    @Test
    void noGrowthWhileTheDatabaseIsOutOfConnectionsAndOneNoticeWhy() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 115; s += 5) {
                // 92 of 97 usable connections (100 minus 3 reserved) until 90 s, then 50
                pack.insert(pool(s, 10, 10, 4), server(s, s < 90 ? 92 : 50, 0));
            }
            // growth every 5 s once the database has room: the pool in these samples stays at 10
            assertThat(pack.timeline()).startsWith("5s notify.log orders", "90s pool.resize orders", "95s pool.resize orders");
            assertThat((String) pack.decisions().get(0).action().params().get("message"))
                    .contains("not grown").contains("database main is the bottleneck");
            assertThat(pack.decisions().get(0).rule()).isEqualTo("Tell why a saturated pool is not grown");
        }
    }

    @Test
    void noGrowthWhileManySessionsWaitForLocks() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 120; s += 5) {
                pack.insert(pool(s, 10, 10, 4), server(s, 40, 5));
            }
            assertThat(pack.timeline()).containsExactly("5s notify.log orders");
        }
    }

    @Test
    void aHealthyDatabaseDoesNotHoldGrowthBack() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 5; s++) {
                pack.insert(pool(s, 10, 10, 4), server(s, 80, 4));
            }
            assertThat(pack.timeline()).containsExactly("5s pool.resize orders");
        }
    }

    // ---- shrink ------------------------------------------------------------------------------------

    @Test
    void aMostlyIdlePoolShrinksToItsBusiestMomentOverTheTarget() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 90; s += 5) {
                // 2 of 20 in use, 5 at 40 s
                pack.insert(pool(s, s == 40 ? 5 : 2, 20, 0));
            }
            // a minute of at most 25%: max ceil(5 / 0.7) = 8
            assertThat(pack.timeline()).containsExactly("60s pool.resize orders");
            assertThat(pack.decisions().get(0).action().params()).isEqualTo(Map.of("max", 8));
            assertThat(pack.decisions().get(0).rule()).isEqualTo("Shrink a pool that stays mostly idle");
        }
    }

    @Test
    void aPoolInTheDeadBandOrBusyAgainIsNotShrunk() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 260; s += 5) {
                // 40% (between the bands): never idle; then 20% from 100 s, 60% (above the exit band) at 150 s,
                // 20% again: the minute starts again at 155 s
                int active = s < 100 ? 8 : s == 150 ? 12 : 4;
                pack.insert(pool(s, active, 20, 0));
            }
            assertThat(pack.timeline()).containsExactly("215s pool.resize orders");
        }
    }

    @Test
    void aPoolIsNeverShrunkBelowTheFloor() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 100; s += 5) {
                pack.insert(pool(s, 0, 3, 0), pool2(s, "tiny", 0, 2, 0));
            }
            assertThat(pack.timeline()).containsExactly("60s pool.resize orders");
            assertThat(pack.decisions().get(0).action().params()).isEqualTo(Map.of("max", 2));
        }
    }

    @Test
    void theStepAndTheDurationAreParams() {
        try (RulePack pack = new RulePack(Map.of("pool.grow.step", 5, "pool.grow.for", java.time.Duration.ofSeconds(10)))) {
            for (int s = 0; s <= 10; s++) {
                pack.insert(pool(s, 10, 10, 4));
            }
            assertThat(pack.timeline()).containsExactly("10s pool.resize orders");
            // 4 callers wait, fewer than the step: the step
            assertThat(pack.decisions().get(0).action().params()).isEqualTo(Map.of("max", 15));
        }
    }

    static PoolSample pool(double seconds, int active, int max, int waiting) {
        return pool2(seconds, "orders", active, max, waiting);
    }

    static PoolSample pool2(double seconds, String name, int active, int max, int waiting) {
        return new PoolSample(name, active, max - active, waiting, max, at(seconds));
    }

    static PgServer server(double seconds, int connections, int waitingOnLock) {
        return new PgServer("main", 170002, 100, 3, connections, connections / 2, connections / 2, 0, waitingOnLock, 0, 3,
                Map.of(), at(seconds));
    }
}
