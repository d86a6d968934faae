package dev.governor.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Metric;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RuleEngineTest {

    private static final String DRL = """
            package t;
            import dev.governor.api.Action;
            import dev.governor.api.Metric;
            rule "Act on a high metric"
            when
                $m : Metric( value > 10 )
            then
                insert( new Action( "notify.log", $m.source(), "" ) );
            end
            rule "A rule that breaks"
            when
                $m : Metric( name == "boom" )
            then
                throw new IllegalStateException( "boom" );
            end
            """;

    private static RuleSession session() {
        return new RuleSession(new RuleCompiler(Duration.ofMinutes(5)).compileSources(Map.of("t.drl", DRL),
                Map.of("t.drl", Path.of("t.drl"))), RuleSession.ClockMode.REALTIME);
    }

    private static Metric metric(String name, String source, double value) {
        return new Metric(name, source, value, Instant.now());
    }

    @Test
    void decidesOnItsOwnThreadAndHandsDecisionsOver() throws Exception {
        LinkedBlockingQueue<Decision> decided = new LinkedBlockingQueue<>();
        try (RuleEngine engine = new RuleEngine(session(), 100, decided::addAll).start()) {
            engine.accept(List.of(metric("m", "a", 1), metric("m", "b", 11)));
            Decision decision = decided.poll(5, TimeUnit.SECONDS);
            assertThat(decision).isNotNull();
            assertThat(decision.action().target()).isEqualTo("b");
            assertThat(decided.poll(200, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void aFullQueueRefusesTheWholeBatchWithAMessage() {
        try (RuleEngine engine = new RuleEngine(session(), 2, decisions -> { })) {
            engine.accept(List.of(metric("m", "a", 1)));
            assertThatThrownBy(() -> engine.accept(List.of(metric("m", "b", 1), metric("m", "c", 1))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("the rules engine is behind: 1 facts wait and 2 more do not fit (engine.queueCapacity is 2);"
                            + " the batch was refused");
            assertThat(engine.queued()).isEqualTo(1);
        }
    }

    @Test
    void aRuleThatThrowsDoesNotStopTheEngine() throws Exception {
        LinkedBlockingQueue<Decision> decided = new LinkedBlockingQueue<>();
        try (RuleEngine engine = new RuleEngine(session(), 100, decided::addAll).start()) {
            engine.accept(List.of(metric("boom", "x", 1)));
            engine.accept(List.of(metric("m", "after", 50)));
            Decision decision = decided.poll(5, TimeUnit.SECONDS);
            assertThat(decision).isNotNull();
            assertThat(decision.action().target()).isEqualTo("after");
        }
    }

    @Test
    void aStoppedEngineRefusesFacts() {
        RuleEngine engine = new RuleEngine(session(), 10, decisions -> { }).start();
        engine.close();
        assertThatThrownBy(() -> engine.accept(List.of(metric("m", "a", 1))))
                .hasMessageStartingWith("the rules engine is stopped");
    }

    @Test
    void swapPutsNewRulesInOnTheRulesThreadAndTheFactsGoOn() throws Exception {
        LinkedBlockingQueue<Decision> decided = new LinkedBlockingQueue<>();
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (RuleEngine engine = new RuleEngine(session(), 100, d -> {
            threads.add(Thread.currentThread().getName());
            decided.addAll(d);
        }).start()) {
            engine.accept(List.of(metric("m", "low", 5), metric("m", "high", 50)));
            assertThat(decided.poll(5, TimeUnit.SECONDS).action().target()).isEqualTo("high");

            String lower = DRL.replace("value > 10", "value > 1");
            RuleSession.CarryOver carried = engine.swap(new RuleCompiler(Duration.ofMinutes(5))
                    .compileSources(Map.of("t.drl", lower), Map.of("t.drl", Path.of("t.drl"))));
            assertThat(carried.carried()).isEqualTo(2);
            assertThat(carried.repeats()).as("'high' was acted on already").isEqualTo(1);
            assertThat(decided.poll(5, TimeUnit.SECONDS).action().target()).as("new with the lower threshold").isEqualTo("low");
            assertThat(engine.rules()).isSameAs(carried.session().rules());

            engine.accept(List.of(metric("m", "next", 2)));
            assertThat(decided.poll(5, TimeUnit.SECONDS).action().target()).isEqualTo("next");
            assertThat(decided.poll(200, TimeUnit.MILLISECONDS)).isNull();
            assertThat(threads).containsOnly("governor-rules");
        }
    }

    @Test
    void aStoppedEngineRefusesASwap() {
        RuleEngine engine = new RuleEngine(session(), 10, decisions -> { }).start();
        engine.close();
        CompiledRules rules = new RuleCompiler(Duration.ofMinutes(5)).compileSources(Map.of("t.drl", DRL), Map.of("t.drl", Path.of("t.drl")));
        assertThatThrownBy(() -> engine.swap(rules)).hasMessage("the rules engine is stopped");
    }
}
