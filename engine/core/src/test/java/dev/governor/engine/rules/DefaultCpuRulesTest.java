package dev.governor.engine.rules;

import static dev.governor.engine.rules.RulePack.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.Action;
import dev.governor.api.ExecutorSample;
import dev.governor.api.HostSample;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** rules/cpu.drl on a pseudo clock: firing, not firing, recovery, and its params. */
class DefaultCpuRulesTest {

    private static final long GIB = 1L << 30;

    // ---- the machine saturated: notify -----------------------------------------------------------

    @Test
    void aSaturatedMachineIsNotifiedOnceAfterFiveMinutes() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 600; s += 5) {
                pack.insert(host(s, 0.97, 0.1, false));
            }
            assertThat(pack.timeline()).containsExactly("300s notify.log db-1");
            assertThat((String) pack.decisions().get(0).action().params().get("message")).contains("CPU 97% busy for 5 min");
        }
    }

    @Test
    void aBusyButNotSaturatedMachineIsNotNotified() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 600; s += 5) {
                pack.insert(host(s, 0.94, 0.1, false));
            }
            assertThat(pack.decisions()).isEmpty();
        }
    }

    @Test
    void saturationThatEasesBelowTheExitBandStartsAgain() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 700; s += 5) {
                // 97%; 80% (below the exit band) at 200 s; 97% from 205 s: notified at 505 s only
                pack.insert(host(s, s == 200 ? 0.80 : 0.97, 0.1, false));
            }
            assertThat(pack.timeline()).containsExactly("505s notify.log db-1");
        }
    }

    // ---- throttle and release --------------------------------------------------------------------

    @Test
    void aBusyProcessThrottlesEveryExecutorAfterAMinute() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 180; s += 5) {
                pack.insert(host(s, 0.5, 0.95, false), executor(s, "workers", 8), executor(s, "batch", 3), executor(s, "single", 1));
            }
            assertThat(pack.timeline()).containsExactlyInAnyOrder("60s executor.throttle workers", "60s executor.throttle batch");
            assertThat(pack.decisions()).extracting(d -> d.action().params())
                    .containsExactlyInAnyOrder(Map.of("limit", 4), Map.of("limit", 1));
            assertThat(pack.decisions().get(0).rule()).isEqualTo("Throttle the executors while CPU stays high");
        }
    }

    @Test
    void aContainerAtItsQuotaCountsAsBusyToo() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 120; s += 5) {
                pack.insert(host(s, 0.95, 0.1, true), executor(s, "workers", 8));
            }
            assertThat(pack.timeline()).containsExactly("60s executor.throttle workers");
        }
    }

    @Test
    void aProcessBelowTheEnterThresholdIsNotThrottled() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 600; s += 5) {
                // the machine is busy (another process), this process is not: nothing to throttle
                pack.insert(host(s, 0.92, 0.89, false), executor(s, "workers", 8));
            }
            assertThat(pack.decisions()).isEmpty();
        }
    }

    @Test
    void executorsGetTheirLimitBackAfterTwoMinutesBelowTheExitBand() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 600; s += 5) {
                // busy until 100 s; 80% (between the bands) until 200 s: still throttled; 50% from 200 s
                double cpu = s < 100 ? 0.95 : s < 200 ? 0.80 : 0.50;
                pack.insert(host(s, 0.3, cpu, false), executor(s, "workers", s <= 60 ? 8 : 4)); // a pool throttled by its sizes
            }
            assertThat(pack.timeline()).containsExactly("60s executor.throttle workers", "320s executor.throttle workers");
            assertThat(pack.decisions().get(1).action().params()).isEqualTo(Map.of("limit", 8));
            assertThat(pack.decisions().get(1).rule()).isEqualTo("Release the executors once CPU has calmed down");
        }
    }

    @Test
    void aReleaseClampedByTheEnvelopeGoesOnAfterTheRetry() {
        try (RulePack pack = new RulePack()) {
            // the "plugin" reports what the envelope let through: at most double the limit per step
            int[] limit = {8};
            pack.carryingOut(action -> {
                int asked = ((Number) action.params().get("limit")).intValue();
                int set = Math.min(asked, limit[0] * 2);
                limit[0] = set;
                return new Action(action.type(), action.target(), Map.of("limit", set), action.reason());
            });
            for (int s = 0; s <= 600; s += 5) {
                pack.insert(host(s, 0.3, s < 70 ? 0.95 : 0.3, false), executor(s, "workers", 9));
            }
            // throttled to 4 at 60 s; calm from 70 s: released to 8 (not 9) at 190 s, to 9 with the first sample a
            // retry (1m) after that outcome
            assertThat(pack.timeline()).containsExactly("60s executor.throttle workers", "190s executor.throttle workers",
                    "255s executor.throttle workers");
            assertThat(pack.decisions()).extracting(d -> d.action().params().get("limit")).containsExactly(4, 9, 9);
            assertThat(limit[0]).isEqualTo(9);
        }
    }

    @Test
    void theThrottleStepIsAParam() {
        try (RulePack pack = new RulePack(Map.of("cpu.throttle.factor", 0.25, "cpu.throttle.minLimit", 3,
                "cpu.throttle.for", java.time.Duration.ofSeconds(10)))) {
            for (int s = 0; s <= 60; s += 5) {
                pack.insert(host(s, 0.3, 0.95, false), executor(s, "workers", 16), executor(s, "few", 4));
            }
            assertThat(pack.timeline()).containsExactlyInAnyOrder("10s executor.throttle workers", "10s executor.throttle few");
            assertThat(pack.decisions()).extracting(d -> d.action().params())
                    .containsExactlyInAnyOrder(Map.of("limit", 4), Map.of("limit", 3));
        }
    }

    static HostSample host(double seconds, double cpuLoad, double processCpuLoad, boolean container) {
        long total = 8 * GIB;
        return new HostSample("db-1", cpuLoad, processCpuLoad, 2, total, total / 2, total / 2, 0, 0, 1, 1, 1, 100, 1024,
                container, at(seconds));
    }

    static ExecutorSample executor(double seconds, String name, int max) {
        return new ExecutorSample(name, max, max, max, max, 10, Integer.MAX_VALUE, 100, 0, at(seconds));
    }
}
