package dev.governor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Fact;
import dev.governor.api.Metric;
import dev.governor.api.PoolSample;
import dev.governor.api.SourceDown;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CurrentFactsTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private final List<Fact> taken = new ArrayList<>();
    private final List<String> counted = new ArrayList<>();

    private CurrentFacts facts(int capacity, FactSink next) {
        return new CurrentFacts(next, capacity, Clock.fixed(AT, ZoneOffset.UTC),
                (batch, source) -> batch.forEach(fact -> counted.add(CurrentFacts.typeOf(fact) + "@" + source)));
    }

    private static PoolSample pool(String name, int max) {
        return new PoolSample(name, 1, 1, 0, max, AT);
    }

    @Test
    void keepsTheNewestFactOfEachSubjectWithItsSource() {
        CurrentFacts facts = facts(10, taken::addAll);
        facts.accept(List.of(pool("orders", 10), pool("billing", 4)), "hikari");
        facts.accept(List.of(pool("orders", 12)), "api");
        assertThat(taken).hasSize(3);
        List<CurrentFacts.Entry> current = facts.current(entry -> true);
        assertThat(current).extracting(CurrentFacts.Entry::key).containsExactly("billing", "orders");
        assertThat(current.get(1).source()).isEqualTo("api");
        assertThat(((PoolSample) current.get(1).fact()).max()).isEqualTo(12);
        assertThat(counted).containsExactly("PoolSample@hikari", "PoolSample@hikari", "PoolSample@api");
    }

    @Test
    void keysNameWhatAFactIsAbout() {
        assertThat(CurrentFacts.keyOf(new Metric("queue.depth", "orders", 3, Map.of("zone", "a", "az", "1"), AT)))
                .isEqualTo("queue.depth/orders{az=1, zone=a}");
        // The error changes from one attempt to the next; the source down is the same outage.
        assertThat(CurrentFacts.keyOf(new SourceDown("postgres/main", "refused", AT, 1, AT)))
                .isEqualTo(CurrentFacts.keyOf(new SourceDown("postgres/main", "timed out", AT, 2, AT)))
                .isEqualTo("postgres/main");
    }

    @Test
    void aBatchTheEngineRefusesIsNeitherKeptNorCounted() {
        CurrentFacts facts = facts(10, batch -> {
            throw new IllegalStateException("the rules engine is behind");
        });
        assertThatThrownBy(() -> facts.accept(List.of(pool("orders", 10)), "api")).isInstanceOf(IllegalStateException.class);
        assertThat(facts.size()).isZero();
        assertThat(counted).isEmpty();
    }

    @Test
    void pastItsCapacityTheKeyUpdatedLongestAgoGoes() {
        CurrentFacts facts = facts(2, taken::addAll);
        facts.accept(List.of(pool("a", 1), pool("b", 1)), "api");
        facts.accept(List.of(pool("a", 2)), "api");
        facts.accept(List.of(pool("c", 1)), "api");
        assertThat(facts.current(entry -> true)).extracting(CurrentFacts.Entry::key).containsExactly("a", "c");
        assertThat(facts.dropped()).isEqualTo(1);
    }
}
