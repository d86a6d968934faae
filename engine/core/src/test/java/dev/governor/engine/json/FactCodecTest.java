package dev.governor.engine.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.Fact;
import dev.governor.api.FactTypes;
import dev.governor.api.HostSample;
import dev.governor.api.Metric;
import dev.governor.api.PoolSample;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FactCodecTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private final FactCodec codec = new FactCodec(Clock.fixed(NOW, ZoneOffset.UTC));

    static List<Fact> oneOfEachType() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("max", 12);
        params.put("note", "grow");
        return List.of(
                new HostSample("db-1", 0.25, 0.05, 8, 16_000_000_000L, 12_000_000_000L, 4_000_000_000L, AT),
                new PoolSample("orders", 10, 0, 6, 10, AT),
                new Metric("queue.depth", "orders", 1234.5, Map.of("zone", "a"), AT),
                ActionOutcome.applied(new Action("pool.resize", "orders", params, "Grow a pool"), "max 10 -> 12", AT));
    }

    @Test
    void everyFactTypeRoundTripsThroughJson() {
        List<Fact> facts = oneOfEachType();
        assertThat(facts.stream().map(Object::getClass).collect(Collectors.toSet()))
                .as("the test covers every registered fact type")
                .containsExactlyInAnyOrderElementsOf(FactTypes.all());
        for (Fact fact : facts) {
            String json = codec.write(fact);
            assertThat(json).startsWith("{\"type\":\"" + fact.getClass().getSimpleName() + "\"");
            assertThat(codec.read(json)).containsExactly(fact);
        }
    }

    @Test
    void readsTheDocumentedPoolSampleForm() {
        String json = "{\"type\":\"PoolSample\",\"pool\":\"orders\",\"active\":10,\"idle\":0,\"waiting\":6,\"max\":10,"
                + "\"at\":\"2026-01-01T00:00:00Z\"}";
        assertThat(codec.read(json)).containsExactly(new PoolSample("orders", 10, 0, 6, 10, AT));
    }

    @Test
    void aMissingTimeIsTheTimeOfReading() {
        List<Fact> facts = codec.read("{\"type\":\"Metric\",\"name\":\"m\",\"value\":1}");
        assertThat(facts).containsExactly(new Metric("m", "", 1, Map.of(), NOW));
    }

    @Test
    void readsAnArrayAllOrNothingNamingTheIndexAndField() {
        String json = "[{\"type\":\"Metric\",\"name\":\"m\",\"value\":1},"
                + "{\"type\":\"PoolSample\",\"pool\":\"orders\",\"active\":1,\"idle\":0,\"waiting\":\"six\",\"max\":10}]";
        assertThatThrownBy(() -> codec.read(json))
                .isInstanceOf(InvalidFactException.class)
                .hasMessageContaining("[1] PoolSample.waiting: expected an integer, got \"six\"");
        assertThat(codec.read("[" + "{\"type\":\"Metric\",\"name\":\"m\",\"value\":1}" + "]")).hasSize(1);
    }

    @Test
    void rejectsUnknownFieldsListingTheKnownOnes() {
        assertThatThrownBy(() -> codec.read("{\"type\":\"PoolSample\",\"pool\":\"o\",\"active\":1,\"idle\":0,\"waitng\":2,\"waiting\":2,\"max\":3}"))
                .hasMessageContaining("PoolSample.waitng: unknown field; PoolSample has pool, active, idle, waiting, max, at");
    }

    @Test
    void rejectsMissingRequiredFields() {
        InvalidFactException e = (InvalidFactException) org.assertj.core.api.Assertions.catchThrowable(
                () -> codec.read("{\"type\":\"PoolSample\",\"pool\":\"o\",\"active\":1}"));
        assertThat(e.problems()).containsExactly("PoolSample.idle: missing", "PoolSample.waiting: missing", "PoolSample.max: missing");
    }

    @Test
    void rejectsFractionsWhereCountsAreExpected() {
        assertThatThrownBy(() -> codec.read("{\"type\":\"PoolSample\",\"pool\":\"o\",\"active\":1.5,\"idle\":0,\"waiting\":0,\"max\":3}"))
                .hasMessageContaining("PoolSample.active: expected an integer");
    }

    @Test
    void rejectsValuesTheRecordRefusesWithItsMessage() {
        assertThatThrownBy(() -> codec.read("{\"type\":\"PoolSample\",\"pool\":\"o\",\"active\":1,\"idle\":0,\"waiting\":-1,\"max\":3}"))
                .hasMessageContaining("PoolSample: waiting must be >= 0, was -1");
        assertThatThrownBy(() -> codec.read("{\"type\":\"HostSample\",\"host\":\"h\",\"cpuLoad\":3,\"memoryTotal\":1,\"memoryUsed\":0,\"memoryAvailable\":1}"))
                .hasMessageContaining("HostSample: cpuLoad must be between 0 and 1, was 3.0");
    }

    @Test
    void rejectsUnknownAndMissingTypes() {
        assertThatThrownBy(() -> codec.read("{\"type\":\"PoolSampel\"}"))
                .hasMessageContaining("unknown fact type 'PoolSampel': expected one of HostSample, PoolSample, Metric, ActionOutcome");
        assertThatThrownBy(() -> codec.read("{\"pool\":\"orders\"}"))
                .hasMessageContaining("missing \"type\"");
        assertThatThrownBy(() -> codec.read("42"))
                .hasMessageContaining("expected a JSON object with a \"type\", got 42");
    }

    @Test
    void rejectsTimesThatAreNotIsoInstants() {
        assertThatThrownBy(() -> codec.read("{\"type\":\"Metric\",\"name\":\"m\",\"value\":1,\"at\":1767225600}"))
                .hasMessageContaining("Metric.at: expected an ISO-8601 instant");
        assertThatThrownBy(() -> codec.read("{\"type\":\"Metric\",\"name\":\"m\",\"value\":1,\"at\":\"yesterday\"}"))
                .hasMessageContaining("Metric.at: expected an ISO-8601 instant")
                .hasMessageContaining("\"yesterday\"");
    }

    @Test
    void rejectsTextThatIsNotJsonWithItsPosition() {
        assertThatThrownBy(() -> codec.read("{\"type\": \"Metric\", "))
                .isInstanceOf(InvalidFactException.class)
                .hasMessageContaining("not valid JSON")
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> codec.read(""))
                .hasMessageContaining("empty body");
    }
}
