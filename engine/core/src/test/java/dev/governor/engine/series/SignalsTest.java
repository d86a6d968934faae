package dev.governor.engine.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.governor.engine.json.FactCodec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SignalsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final FactCodec codec = new FactCodec(Clock.fixed(T0, ZoneOffset.UTC));

    @Test
    void aHostSampleGivesCpuProcessCpuAndTheShareOfMemoryUsed() {
        var signals = Signals.of(codec.read("{\"type\":\"HostSample\",\"host\":\"vm\",\"cpuLoad\":0.5,\"processCpuLoad\":0.25,"
                + "\"memoryTotal\":1000,\"memoryUsed\":400,\"memoryAvailable\":600}"));
        assertThat(signals).extracting(Signal::seriesId, Signal::value).containsExactly(
                tuple("cpu/vm/cpu", 0.5), tuple("cpu/vm/processCpu", 0.25), tuple("cpu/vm/memory", 0.4));
        assertThat(signals).allSatisfy(s -> assertThat(s.timeMillis()).isEqualTo(T0.toEpochMilli()));
    }

    @Test
    void aJvmSampleWithoutLiveSetOrMaxGivesOnlyTheHeapUsed() {
        assertThat(Signals.of(codec.read("{\"type\":\"JvmSample\",\"jvm\":\"local\",\"heapUsed\":42}")))
                .extracting(Signal::seriesId, Signal::value).containsExactly(tuple("heap/local/heapUsed", 42.0));
        assertThat(Signals.of(codec.read("{\"type\":\"JvmSample\",\"jvm\":\"local\",\"heapUsed\":42,\"liveSetBytes\":30,\"heapMax\":100}")))
                .extracting(Signal::seriesId).containsExactly("heap/local/heapUsed", "heap/local/liveSet", "heap/local/heapMax");
    }

    @Test
    void anExecutorGivesItsLimitAndQueue() {
        assertThat(Signals.of(codec.read("{\"type\":\"ExecutorSample\",\"executor\":\"work\",\"core\":2,\"max\":8,\"active\":1,\"queued\":5}")))
                .extracting(Signal::seriesId, Signal::value).containsExactly(tuple("executors/work/limit", 8.0), tuple("executors/work/queued", 5.0));
    }

    @Test
    void theHorizonIsTheOldestHolderOfEachDatabaseAndZeroInAPostgresSampleWithNone() {
        var signals = Signals.of(codec.read("["
                + "{\"type\":\"PgServer\",\"database\":\"main\",\"version\":170000},"
                + "{\"type\":\"PgHorizonHolder\",\"database\":\"main\",\"kind\":\"session\",\"id\":\"1\",\"xidAge\":30},"
                + "{\"type\":\"PgHorizonHolder\",\"database\":\"main\",\"kind\":\"session\",\"id\":\"2\",\"xidAge\":70},"
                + "{\"type\":\"PgServer\",\"database\":\"other\",\"version\":170000}]"));
        assertThat(signals).extracting(Signal::seriesId, Signal::value, Signal::rank).containsExactly(
                tuple("horizon/main/xidAge", 70.0, 70.0), tuple("horizon/other/xidAge", 0.0, 0.0));
    }

    @Test
    void otherFactsGiveNoSignal() {
        assertThat(Signals.of(codec.read("{\"type\":\"Metric\",\"name\":\"queue.depth\",\"value\":3}"))).isEmpty();
    }
}
