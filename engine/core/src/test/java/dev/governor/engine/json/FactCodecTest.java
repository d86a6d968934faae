package dev.governor.engine.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.Fact;
import dev.governor.api.FactTypes;
import dev.governor.api.ExecutorSample;
import dev.governor.api.GcPause;
import dev.governor.api.HostSample;
import dev.governor.api.JvmSample;
import dev.governor.api.MemoryPoolSample;
import dev.governor.api.NetworkSample;
import dev.governor.api.PgDatabase;
import dev.governor.api.PgHorizonHolder;
import dev.governor.api.PgServer;
import dev.governor.api.PgTable;
import dev.governor.api.PgVacuumProgress;
import dev.governor.api.SourceDown;
import dev.governor.api.TcpConnections;
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
                new HostSample("db-1", 0.25, 0.05, 1.5, 16_000_000_000L, 12_000_000_000L, 4_000_000_000L,
                        2_000_000_000L, 1_000_000L, 0.5, 0.75, 1.25, 120, 1024, true, AT),
                new NetworkSample("db-1", "eth0", 1000.5, 2000, 10, 20, 1, 0, 2, AT),
                new TcpConnections("db-1", 10, 4, 1, 0, 2, 30, 1, 0, 0, 48, AT),
                new JvmSample("local", 100_000_000L, 200_000_000L, 512_000_000L, 50_000_000L, 60_000_000L, 80_000_000L,
                        3, 0.012, 0.008, 40, 20, 42, 1024, 2048, 0, AT),
                new MemoryPoolSample("local", "G1 Old Gen", true, 90_000_000L, 120_000_000L, 512_000_000L, 80_000_000L, AT),
                new GcPause("local", "G1 Young Generation", "end of minor GC", "G1 Evacuation Pause", 0.004, AT),
                new PoolSample("orders", 10, 0, 6, 10, 2, 12.5, 1L, AT),
                new ExecutorSample("workers", 4, 8, 8, 8, 100, 100, 250, 3, AT),
                new PgServer("main", 170002, 100, 3, 12, 2, 8, 1, 0, 1, 3,
                        Map.of("autovacuum_naptime", "60", "transaction_timeout", "0"), AT),
                new PgDatabase("main", "orders", 210_000_000L, 1_000L, 200_000_000L, 1_934_483_647L, 2_144_483_647L, true, 7, AT),
                new PgTable("main", "public", "orders", 16_384L, 100_000, 2_051, 2_051, 0, 10_000, 1_725, 14_131_200L,
                        1_000, 0, AT, null, AT, null, 1, 0, 1, 0, true, 2_050, 3_000.0, 1_050, 200_000_000L,
                        true, true, false, AT),
                new PgHorizonHolder("main", PgHorizonHolder.SESSION, "4242", "orders", 4242, "idle in transaction", "app",
                        "billing", "10.0.0.7", "client backend", 1_000L, AT, AT, 300.5, 299.5, "SELECT 1", AT),
                new PgVacuumProgress("main", "orders", 4243, "public", "orders", 16_384L, "scanning heap", true, false,
                        12.5, 2655, 820, 0, 0, null, null, 67_108_864L, 1_024L, 120L, 2L, 0L, null, "Timeout:VacuumDelay", AT),
                new SourceDown("postgres/main", "Connection refused", AT, 3, AT.plusSeconds(7)),
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
    void aNumberTooLargeForADoubleIsRefusedNotReadAsInfinity() {
        assertThatThrownBy(() -> codec.read("{\"type\":\"Metric\",\"name\":\"m\",\"value\":1e400}"))
                .isInstanceOf(InvalidFactException.class)
                .hasMessage("rejected fact: Metric.value: expected a finite number, got \"Infinity\"");
    }

    @Test
    void aDocumentNestedDeeperThanTheParserAllowsIsRefusedWithAMessage() {
        assertThatThrownBy(() -> codec.read("[".repeat(5_000) + "]".repeat(5_000)))
                .isInstanceOf(InvalidFactException.class)
                .hasMessageStartingWith("rejected fact: not valid JSON: ")
                .hasMessageContaining("nesting depth");
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
                .hasMessageContaining("PoolSample.waitng: unknown field; PoolSample has pool, active, idle, waiting, max, minIdle, acquireMillis, timeouts, at");
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
                .hasMessageContaining("unknown fact type 'PoolSampel': expected one of HostSample, NetworkSample, TcpConnections");
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
