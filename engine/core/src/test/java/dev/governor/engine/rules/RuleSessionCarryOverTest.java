package dev.governor.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.ActionOutcome;
import dev.governor.api.PoolSample;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** New rules taking over a session: what carries over, and what fires at the switch. */
class RuleSessionCarryOverTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static CompiledRules compile(String drl) {
        return new RuleCompiler(Duration.ofMinutes(5)).compileSources(Map.of("t.drl", drl), Map.of("t.drl", Path.of("t.drl")));
    }

    private static String notifyWhenWaitingAbove(int threshold) {
        return """
                package t;
                import dev.governor.api.Action;
                import dev.governor.api.PoolSample;
                rule "Notify when callers wait"
                when
                    $p : PoolSample( waiting > %d )
                then
                    insert( new Action( "notify.log", $p.pool() + "@" + $p.waiting(), "" ) );
                end
                """.formatted(threshold);
    }

    private static PoolSample pool(String name, int waiting, Instant at) {
        return new PoolSample(name, 10, 0, waiting, 10, at);
    }

    private static List<String> targets(List<Decision> decisions) {
        return decisions.stream().map(d -> d.action().target()).toList();
    }

    @Test
    void aRuleThatActedOnTheCarriedFactsDoesNotActOnThemAgain() {
        RuleSession old = new RuleSession(compile(notifyWhenWaitingAbove(0)), RuleSession.ClockMode.PSEUDO);
        List<Decision> before = old.insert(List.of(pool("a", 1, T0), pool("b", 2, T0), pool("c", 3, T0.plusSeconds(1))));
        assertThat(before).hasSize(3);

        RuleSession.CarryOver carried = old.carryOver(compile(notifyWhenWaitingAbove(0)));
        old.close();
        try (RuleSession session = carried.session()) {
            assertThat(carried.carried()).isEqualTo(3);
            assertThat(carried.decisions()).as("no burst of repeats at the switch").isEmpty();
            assertThat(carried.repeats()).isEqualTo(3);
            assertThat(carried.notCarried()).isEmpty();
            assertThat(session.factCount()).isEqualTo(3);
            // New facts are decided on as usual, and decision ids go on from the old session's.
            List<Decision> after = session.insert(List.of(pool("d", 4, T0.plusSeconds(2))));
            assertThat(targets(after)).containsExactly("d@4");
            assertThat(after.get(0).id()).isEqualTo(4);
        }
    }

    @Test
    void aLoweredThresholdActsOnceOnTheCarriedFactsItNowMatches() {
        RuleSession old = new RuleSession(compile(notifyWhenWaitingAbove(5)), RuleSession.ClockMode.PSEUDO);
        assertThat(targets(old.insert(List.of(pool("a", 3, T0), pool("b", 8, T0), pool("c", 1, T0))))).containsExactly("b@8");

        RuleSession.CarryOver carried = old.carryOver(compile(notifyWhenWaitingAbove(2)));
        old.close();
        try (RuleSession session = carried.session()) {
            assertThat(targets(carried.decisions())).as("only the match that is new").containsExactly("a@3");
            assertThat(carried.repeats()).isEqualTo(1);
            assertThat(carried.decisions().get(0).rule()).isEqualTo("Notify when callers wait");
            assertThat(carried.decisions().get(0).facts()).containsExactly(pool("a", 3, T0));
        }
    }

    @Test
    void whatARuleActedOnIsRememberedAcrossTwoReloads() {
        // Raised, the threshold no longer matches the sample; lowered back, it must not act on it a second time.
        RuleSession first = new RuleSession(compile(notifyWhenWaitingAbove(2)), RuleSession.ClockMode.PSEUDO);
        assertThat(first.insert(List.of(pool("a", 3, T0)))).hasSize(1);
        RuleSession second = first.carryOver(compile(notifyWhenWaitingAbove(5))).session();
        first.close();
        RuleSession.CarryOver third = second.carryOver(compile(notifyWhenWaitingAbove(2)));
        second.close();
        try (RuleSession session = third.session()) {
            assertThat(third.decisions()).isEmpty();
            assertThat(third.repeats()).isEqualTo(1);
        }
    }

    @Test
    void windowsAndAccumulatesGoOnWithTheCarriedFacts() {
        String drl = """
                package t;
                import dev.governor.api.Action;
                import dev.governor.api.PoolSample;
                rule "Notify when a pool waited three times in a minute"
                when
                    $p : PoolSample( waiting > 0, $pool : pool )
                    not PoolSample( pool == $pool, this after $p )
                    Number( intValue >= %d ) from accumulate( PoolSample( pool == $pool, waiting > 0 ) over window:time( 1m ), count( 1 ) )
                then
                    insert( new Action( "notify.log", $pool, "" ) );
                end
                """;
        RuleSession old = new RuleSession(compile(drl.formatted(3)), RuleSession.ClockMode.PSEUDO);
        assertThat(old.insert(List.of(pool("orders", 2, T0), pool("orders", 2, T0.plusSeconds(10))))).isEmpty();

        RuleSession.CarryOver carried = old.carryOver(compile(drl.formatted(3)));
        old.close();
        try (RuleSession session = carried.session()) {
            assertThat(carried.decisions()).isEmpty();
            assertThat(session.now()).as("the session's time goes on").isEqualTo(T0.plusSeconds(10));
            assertThat(targets(session.insert(List.of(pool("orders", 2, T0.plusSeconds(20))))))
                    .as("the two samples from before the switch count").containsExactly("orders");
            // And the window still moves on: a minute later only the new samples are in it.
            assertThat(session.insert(List.of(pool("orders", 2, T0.plusSeconds(90)), pool("orders", 2, T0.plusSeconds(95)))))
                    .isEmpty();
        }
    }

    @Test
    void outcomesCarryOverSoARuleStillSeesThatItActed() {
        String drl = """
                package t;
                import dev.governor.api.Action;
                import dev.governor.api.ActionOutcome;
                import dev.governor.api.PoolSample;
                rule "Notify once in ten minutes"
                when
                    $p : PoolSample( waiting > 0 )
                    not ActionOutcome( action.target == $p.pool(), action.reason == "Notify once in ten minutes" ) over window:time( 10m )
                then
                    insert( new Action( "notify.log", $p.pool(), "" ) );
                end
                """;
        RuleSession old = new RuleSession(compile(drl), RuleSession.ClockMode.PSEUDO);
        List<Decision> decided = old.insert(List.of(pool("orders", 1, T0)));
        assertThat(decided).hasSize(1);
        assertThat(old.insert(List.of(ActionOutcome.applied(decided.get(0).action(), "logged", T0.plusSeconds(1))))).isEmpty();

        RuleSession.CarryOver carried = old.carryOver(compile(drl + "\n// edited\n"));
        old.close();
        try (RuleSession session = carried.session()) {
            assertThat(carried.carried()).isEqualTo(2);
            assertThat(session.insert(List.of(pool("orders", 1, T0.plusSeconds(30))))).as("the outcome is still there").isEmpty();
            assertThat(targets(session.insert(List.of(pool("orders", 1, T0.plusSeconds(700))))))
                    .as("ten minutes after the outcome").isNotEmpty().containsOnly("orders");
        }
    }

    private static final String CONGESTION = """
            package t;
            import dev.governor.api.Action;
            import dev.governor.api.PoolSample;
            declare Congested
                pool : String
                since : long
            end
            declare Waiting
                pool : String
            end
            rule "Mark a congested pool"
            when
                $p : PoolSample( waiting > 5 )
                not Congested( pool == $p.pool() )
            then
                insert( new Congested( $p.pool(), $p.atMillis() ) );
                insert( new Action( "notify.log", $p.pool(), "" ) );
            end
            rule "Derive who waits"
            when
                $p : PoolSample( waiting > 0 )
            then
                insertLogical( new Waiting( $p.pool() ) );
            end
            """;

    @Test
    void factsOfDeclaredTypesAreCopiedIntoTheNewRulesTypesAndLogicalFactsAreDerivedAgain() {
        RuleSession old = new RuleSession(compile(CONGESTION), RuleSession.ClockMode.PSEUDO);
        assertThat(old.insert(List.of(pool("orders", 8, T0)))).hasSize(1);
        assertThat(old.factCount()).as("the sample, the marker, the derived fact").isEqualTo(3);

        CompiledRules next = compile(CONGESTION.replace("rule \"Mark", "// edited\nrule \"Mark"));
        RuleSession.CarryOver carried = old.carryOver(next);
        old.close();
        try (RuleSession session = carried.session()) {
            assertThat(carried.notCarried()).isEmpty();
            assertThat(carried.carried()).as("the sample and the marker; the derived fact is derived again").isEqualTo(2);
            assertThat(session.factCount()).isEqualTo(3);
            assertThat(carried.decisions()).isEmpty();
            Class<?> congested = next.base().getFactType("t", "Congested").getFactClass();
            assertThat(session.insert(List.of(pool("orders", 9, T0.plusSeconds(1))))).as("the marker holds").isEmpty();
            assertThat(next.base().getFactType("t", "Congested").get(onlyFactOf(session, congested), "since"))
                    .isEqualTo(T0.toEpochMilli());
        }
    }

    @Test
    void aFactWhoseTypeTheNewRulesNoLongerDeclareIsReportedNotCarried() {
        RuleSession old = new RuleSession(compile(CONGESTION), RuleSession.ClockMode.PSEUDO);
        old.insert(List.of(pool("orders", 8, T0)));
        String withoutMarker = notifyWhenWaitingAbove(100);
        RuleSession.CarryOver carried = old.carryOver(compile(withoutMarker));
        old.close();
        try (RuleSession session = carried.session()) {
            assertThat(carried.notCarried()).containsExactly("1 fact(s) of t.Congested: the rules no longer declare the type");
            assertThat(session.factCount()).isEqualTo(1);
        }
    }

    @Test
    void newRulesThatThrowOnTheCarriedFactsLeaveTheOldSessionAsItWas() {
        try (RuleSession old = new RuleSession(compile(notifyWhenWaitingAbove(0)), RuleSession.ClockMode.PSEUDO)) {
            old.insert(List.of(pool("orders", 1, T0)));
            CompiledRules throwing = compile("""
                    package t;
                    import dev.governor.api.PoolSample;
                    rule "Throw" when PoolSample() then throw new IllegalStateException( "boom" ); end
                    """);
            assertThatThrownBy(() -> old.carryOver(throwing)).hasRootCauseMessage("boom");
            assertThat(targets(old.insert(List.of(pool("billing", 1, T0.plusSeconds(1)))))).containsExactly("billing@1");
        }
    }

    @Test
    void whatRulesActedOnIsForgottenOnceTheFactsHaveLeft() {
        try (RuleSession session = new RuleSession(compile(notifyWhenWaitingAbove(0)), RuleSession.ClockMode.PSEUDO)) {
            session.insert(List.of(pool("a", 1, T0), pool("b", 1, T0)));
            assertThat(session.rememberedMatches()).isEqualTo(2);
            session.advanceTo(T0.plus(Duration.ofMinutes(5)).plusSeconds(1));
            assertThat(session.factCount()).isZero();
            assertThat(session.rememberedMatches()).isZero();
        }
    }

    private static Object onlyFactOf(RuleSession session, Class<?> type) {
        List<Object> found = session.objects().stream().filter(type::isInstance).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }
}
