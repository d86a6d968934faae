package dev.governor.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.HostSample;
import dev.governor.api.JvmSample;
import dev.governor.api.Metric;
import dev.governor.api.PoolSample;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleSessionTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final long GIB = 1L << 30;

    private static CompiledRules compile(String drl) {
        return new RuleCompiler(Duration.ofMinutes(5)).compileSources(Map.of("test.drl", drl), Map.of("test.drl", Path.of("test.drl")));
    }

    @Test
    void derivedValuesAndLabelsAreUsableInRules() {
        String drl = """
                package t;
                import dev.governor.api.Action;
                import dev.governor.api.Metric;
                import dev.governor.api.PoolSample;
                rule "Busy pool" when $p : PoolSample( utilization >= 0.9, total > 5 ) then
                    insert( new Action( "notify.log", $p.pool(), "" ) );
                end
                rule "Zone a" when $m : Metric( label( "zone" ) == "a" ) then
                    insert( new Action( "notify.log", $m.name(), "" ) );
                end
                """;
        try (RuleSession session = new RuleSession(compile(drl), RuleSession.ClockMode.PSEUDO)) {
            List<Decision> decisions = session.insert(List.of(
                    new PoolSample("busy", 9, 1, 0, 10, T0), new PoolSample("calm", 2, 8, 0, 10, T0),
                    new Metric("in-a", "s", 1, Map.of("zone", "a"), T0), new Metric("in-b", "s", 1, Map.of("zone", "b"), T0)));
            assertThat(decisions).extracting(d -> d.action().target()).containsExactlyInAnyOrder("busy", "in-a");
        }
    }

    private static final String LOOP = """
            package t;
            import dev.governor.api.Action;
            import dev.governor.api.PoolSample;
            declare Busy
                pool : String
            end
            rule "Grow a saturated pool" when $p : PoolSample( waiting > 0 ) then
                insert( new Action( "pool.resize", $p.pool(), "" ) );
            end
            rule "busy: enter" when $p : PoolSample( utilization >= 0.5 ) not Busy( pool == $p.pool ) then
                insert( new Busy( $p.pool() ) );
            end
            rule "busy: leave" when $b : Busy() PoolSample( pool == $b.pool, utilization < 0.9 ) then
                delete( $b );
            end
            """;

    @Test
    void rulesThatWouldFireForEverAreStoppedNamingThemAndTheSessionCarriesOn() {
        try (RuleSession session = new RuleSession(compile(LOOP), RuleSession.ClockMode.PSEUDO)) {
            // 70%: in "busy" and below its exit at once; the two rules undo each other without end
            List<Decision> decisions = assertTimeoutPreemptively(Duration.ofSeconds(120),
                    () -> session.insert(List.of(new PoolSample("orders", 7, 3, 2, 10, T0))), "the rules thread hangs");
            assertThat(decisions).extracting(d -> d.rule()).containsExactly("Grow a saturated pool");
            assertThat(session.runaway()).startsWith("the rules fired 101000 times on one batch and would not stop")
                    .contains("'busy: enter' (500)", "'busy: leave' (500)").doesNotContain("Grow a saturated pool");

            // the session carries on: the next batch fires as usual
            assertThat(session.insert(List.of(new PoolSample("billing", 10, 0, 1, 10, T0.plusSeconds(1)))))
                    .extracting(d -> d.action().target()).containsExactly("billing");
            assertThat(session.runaway()).isNull();
        }
    }

    private static final String GROW = """
            package t;
            import dev.governor.api.Action;
            import dev.governor.api.PoolSample;
            import java.util.Map;
            rule "Grow a saturated pool"
            when
                $p : PoolSample( waiting > 0, active == max )
            then
                insert( new Action( "pool.resize", $p.pool(), Map.of( "max", $p.max() + 2 ), "" ) );
            end
            """;

    @Test
    void aRuleDecisionCarriesTheRuleAndTheFactsItMatched() {
        try (RuleSession session = new RuleSession(compile(GROW), RuleSession.ClockMode.PSEUDO)) {
            PoolSample saturated = new PoolSample("orders", 10, 0, 6, 10, T0);
            List<Decision> decisions = session.insert(List.of(new PoolSample("orders", 3, 7, 0, 10, T0), saturated));
            assertThat(decisions).extracting(Decision::at).hasSize(1);
            Decision decision = decisions.get(0);
            assertThat(decision.rule()).isEqualTo("Grow a saturated pool");
            assertThat(decision.action()).isEqualTo(new Action("pool.resize", "orders", Map.of("max", 12), "Grow a saturated pool"));
            assertThat(decision.facts()).containsExactly(saturated);
            assertThat(decision.at()).isEqualTo(T0);
        }
    }

    @Test
    void nothingIsDecidedWhenNoRuleMatches() {
        try (RuleSession session = new RuleSession(compile(GROW), RuleSession.ClockMode.PSEUDO)) {
            assertThat(session.insert(List.of(new PoolSample("orders", 9, 1, 0, 10, T0)))).isEmpty();
        }
    }

    @Test
    void actionsLeaveTheSessionAndOldFactsExpire() {
        try (RuleSession session = new RuleSession(compile(GROW), RuleSession.ClockMode.PSEUDO)) {
            int decided = 0;
            // One hour of saturated samples, one a second: every one decides, none stays for long.
            for (int s = 0; s < 3600; s++) {
                decided += session.insert(List.of(new PoolSample("orders", 10, 0, 1, 10, T0.plusSeconds(s)))).size();
            }
            assertThat(decided).isEqualTo(3600);
            // 5 minutes of retention at one sample a second, and no Action left behind.
            assertThat(session.factCount()).isBetween(290L, 302L);
        }
    }

    @Test
    void outcomesAreFactsRulesCanMatch() {
        String drl = """
                package t;
                import dev.governor.api.Action;
                import dev.governor.api.ActionOutcome;
                import dev.governor.api.ActionOutcome.Status;
                rule "Escalate a failed resize"
                when
                    ActionOutcome( status == Status.FAILED, type == "pool.resize", $pool : target )
                then
                    insert( new Action( "notify.log", $pool, "" ) );
                end
                """;
        try (RuleSession session = new RuleSession(compile(drl), RuleSession.ClockMode.PSEUDO)) {
            Action resize = new Action("pool.resize", "orders", "r");
            assertThat(session.insert(List.of(ActionOutcome.applied(resize, "ok", T0)))).isEmpty();
            List<Decision> decisions = session.insert(List.of(ActionOutcome.failed(resize, "no", T0)));
            assertThat(decisions).extracting(d -> d.action().type() + " " + d.action().target())
                    .containsExactly("notify.log orders");
        }
    }

    @Test
    void withTheDefaultRulesMemoryStaysFlatOverAnHourOfSamples() {
        CompiledRules rules = RulePack.rules();
        try (RuleSession session = new RuleSession(rules, RuleSession.ClockMode.PSEUDO)) {
            long afterTwentyMinutes = 0;
            long started = System.nanoTime();
            for (int s = 0; s < 3600; s++) {
                // busy, short of memory and queueing for connections now and then: markers come and go with the bands
                boolean busy = s % 600 < 300;
                Instant at = T0.plusSeconds(s);
                List<Decision> decisions = session.insert(List.of(
                        host(at, busy ? 0.97 : 0.2, busy ? 0.985 : 0.6),
                        new JvmSample("local", 500_000_000, GIB, GIB, 0, 0, busy ? 950_000_000L : 300_000_000L, 1,
                                busy ? 0.3 : 0.01, 0.01, 20, 10, 20, 0, 0, 0, at),
                        new PoolSample("orders", 10, 0, busy ? 3 : 0, 10, at),
                        new PoolSample("reports", busy ? 8 : 1, busy ? 2 : 9, 0, 10, at)));
                for (Decision d : decisions) {
                    session.insert(List.of(ActionOutcome.applied(d.action(), "ok", at)));
                }
                if (s == 1199) { // the end of a quiet stretch, as at the end of the hour
                    afterTwentyMinutes = session.factCount();
                }
            }
            double factsPerSecond = 3600 * 4 / ((System.nanoTime() - started) / 1e9);
            System.out.printf("default rules: %.0f facts/s over an hour of samples, %d facts in the session%n",
                    factsPerSecond, session.factCount());
            // The default rules look back at most 5 minutes (the retention): about 4 x 300 samples and the outcomes
            // of that time stay, and a few markers (one per condition and subject), no more.
            assertThat(afterTwentyMinutes).isBetween(1195L, 1260L);
            assertThat(session.factCount()).isEqualTo(afterTwentyMinutes);
        }
    }

    private static HostSample host(Instant at, double cpu, double memoryUsed) {
        long total = 16 * GIB;
        long used = (long) (total * memoryUsed);
        return new HostSample("db-1", cpu, 0.01, 8, total, used, total - used, at);
    }
}
