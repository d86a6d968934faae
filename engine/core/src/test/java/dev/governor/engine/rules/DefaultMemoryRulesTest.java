package dev.governor.engine.rules;

import static dev.governor.engine.rules.RulePack.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.ActionOutcome;
import dev.governor.api.HostSample;
import dev.governor.api.JvmSample;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** rules/memory.drl on a pseudo clock: firing, not firing, recovery, and its params. */
class DefaultMemoryRulesTest {

    private static final long GIB = 1L << 30;

    // ---- live set --------------------------------------------------------------------------------

    @Test
    void aLiveSetAboveItsBandForFiveMinutesIsNotifiedOnce() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 900; s += 5) {
                pack.insert(jvm(s, 0.90, 0.0));
            }
            assertThat(pack.timeline()).containsExactly("300s notify.log local");
            Map<String, Object> params = pack.decisions().get(0).action().params();
            assertThat(params).containsEntry("severity", "warning");
            assertThat((String) params.get("message")).contains("live set at 90%").contains("for 5 min");
            assertThat(pack.decisions().get(0).rule()).isEqualTo("Notify when the live set stays high");
        }
    }

    @Test
    void aLiveSetJustBelowTheEnterThresholdIsNeverNotified() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 900; s += 5) {
                pack.insert(jvm(s, 0.84, 0.0));
            }
            assertThat(pack.decisions()).isEmpty();
        }
    }

    @Test
    void aLiveSetHoveringBetweenTheBandsIsOneBreach() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 400; s += 5) {
                // above 85% to begin with, then 80%: under the enter threshold, above the exit one
                pack.insert(jvm(s, s < 100 ? 0.90 : 0.80, 0.0));
            }
            assertThat(pack.timeline()).containsExactly("300s notify.log local");
        }
    }

    @Test
    void aLiveSetThatFallsBelowTheExitBandStartsAgain() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 1300; s += 5) {
                // high, below the exit band (75%) at 240 s, high again from 250 s; low again at 700 s, high from 710 s
                double ratio = s == 240 || s == 245 || s == 700 || s == 705 ? 0.70 : 0.90;
                pack.insert(jvm(s, ratio, 0.0));
            }
            // each breach notifies once, 5 minutes after it began
            assertThat(pack.timeline()).containsExactly("550s notify.log local", "1010s notify.log local");
        }
    }

    @Test
    void aNotificationHeldBackIsDecidedAgainAfterTheRetryAndThenNoMore() {
        try (RulePack pack = new RulePack()) {
            pack.answering(action -> pack.decisions().isEmpty() ? ActionOutcome.Status.SKIPPED : ActionOutcome.Status.APPLIED);
            for (int s = 0; s <= 900; s += 5) {
                pack.insert(jvm(s, 0.90, 0.0));
            }
            // SKIPPED at 300 s (a cooldown, say); again at 300 s + memory.retry (2m); APPLIED then, so no more
            assertThat(pack.timeline()).containsExactly("300s notify.log local", "420s notify.log local");
        }
    }

    @Test
    void aDryRunCountsAsCarriedOut() {
        try (RulePack pack = new RulePack()) {
            pack.answering(action -> ActionOutcome.Status.DRY_RUN);
            for (int s = 0; s <= 900; s += 5) {
                pack.insert(jvm(s, 0.90, 0.0));
            }
            assertThat(pack.timeline()).containsExactly("300s notify.log local");
        }
    }

    @Test
    void theDurationIsAParam() {
        try (RulePack pack = new RulePack(Map.of("memory.liveSet.for", Duration.ofSeconds(30), "memory.liveSet.enter", 0.95))) {
            for (int s = 0; s <= 120; s += 5) {
                pack.insert(jvm(s, s < 60 ? 0.90 : 0.96, 0.0));
            }
            assertThat(pack.timeline()).containsExactly("90s notify.log local");
        }
    }

    @Test
    void anUnknownLiveSetIsNotAHighOne() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 600; s += 5) {
                pack.insert(new JvmSample("local", GIB / 2, GIB, GIB, 0, 0, null, 0, 0, 0, 10, 5, 10, 0, 0, 0, at(s)));
            }
            assertThat(pack.decisions()).isEmpty();
        }
    }

    // ---- memory near the limit -------------------------------------------------------------------

    @Test
    void aContainerNearItsMemoryLimitIsACriticalNotification() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 300; s += 5) {
                pack.insert(host(s, 0.95, true));
            }
            assertThat(pack.timeline()).containsExactly("120s notify.log db-1");
            Map<String, Object> params = pack.decisions().get(0).action().params();
            assertThat(params).containsEntry("severity", "critical");
            assertThat((String) params.get("message")).contains("container memory at 95% of its limit for 2 min");
        }
    }

    @Test
    void aHostNearItsMemoryIsAWarningAndRecoveryNeedsTheExitBand() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 600; s += 5) {
                // 95% until 100 s; 85% (between the bands) until 200 s: one breach, notified at 120 s; 70% from
                // 200 s (below the exit band); 95% again from 300 s: a new breach, notified at 420 s
                double used = s < 100 ? 0.95 : s < 200 ? 0.85 : s < 300 ? 0.70 : 0.95;
                pack.insert(host(s, used, false));
            }
            assertThat(pack.timeline()).containsExactly("120s notify.log db-1", "420s notify.log db-1");
            assertThat(pack.decisions().get(0).action().params()).containsEntry("severity", "warning");
        }
    }

    @Test
    void memoryBelowTheEnterThresholdIsNeverNotified() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 600; s += 5) {
                pack.insert(host(s, 0.89, true));
            }
            assertThat(pack.decisions()).isEmpty();
        }
    }

    // ---- GC time ---------------------------------------------------------------------------------

    @Test
    void gcTakingAFifthOfTheTimeIsNotified() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 400; s += 5) {
                pack.insert(jvm(s, 0.5, 1.0)); // 1 s of GC per 5 s: 20%
            }
            // the 1-minute window reaches 10% (6 s of GC) with the sample at 25 s; 2 minutes later, 145 s
            assertThat(pack.timeline()).containsExactly("145s notify.log local");
            assertThat((String) pack.decisions().get(0).action().params().get("message")).contains("20% of the time in GC");
        }
    }

    @Test
    void gcUnderTheEnterThresholdIsNeverNotified() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 400; s += 5) {
                pack.insert(jvm(s, 0.5, 0.45)); // 9%
            }
            assertThat(pack.decisions()).isEmpty();
        }
    }

    @Test
    void gcThatCalmsDownBeforeItsDurationIsNotNotified() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 400; s += 5) {
                // 20% for a minute and a half, then none: the window's share falls under 5% before 145 s
                pack.insert(jvm(s, 0.5, s < 90 ? 1.0 : 0.0));
            }
            assertThat(pack.decisions()).isEmpty();
        }
    }

    // ---- housekeeping ----------------------------------------------------------------------------

    @Test
    void markersOfAJvmNoLongerSampledAreForgotten() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 60; s += 5) {
                pack.insert(jvm(s, 0.90, 0.0));
            }
            long withBreach = pack.factCount();
            // other facts keep the clock going; the JVM's samples expire after the 5-minute retention
            for (int s = 65; s <= 700; s += 5) {
                pack.insert(host(s, 0.5, false));
            }
            List<Decision> none = pack.decisions();
            assertThat(none).isEmpty();
            assertThat(withBreach).isGreaterThan(0);
            // only the host's samples of the last 5 minutes remain (61), no marker
            assertThat(pack.factCount()).isBetween(60L, 62L);
        }
    }

    static JvmSample jvm(double seconds, double liveSetRatio, double gcSeconds) {
        long max = GIB;
        return new JvmSample("local", (long) (max * 0.95), max, max, 100_000_000, 120_000_000, (long) (max * liveSetRatio),
                gcSeconds > 0 ? 3 : 0, gcSeconds, gcSeconds / 3, 40, 20, 45, 0, 0, 0, at(seconds));
    }

    static HostSample host(double seconds, double memoryUsedRatio, boolean container) {
        long total = 4 * GIB;
        long used = (long) (total * memoryUsedRatio);
        return new HostSample("db-1", 0.3, 0.2, 2, total, used, total - used, 0, 0, 0.5, 0.5, 0.5, 100, 1024, container, at(seconds));
    }
}
