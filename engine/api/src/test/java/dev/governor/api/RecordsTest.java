package dev.governor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordsTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void poolSampleRejectsNegativeCountsNamingTheField() {
        assertThatThrownBy(() -> new PoolSample("orders", 1, 0, -1, 10, AT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("waiting must be >= 0, was -1");
        assertThatThrownBy(() -> new PoolSample(" ", 1, 0, 0, 10, AT))
                .hasMessage("pool is blank");
        assertThatThrownBy(() -> new PoolSample("orders", 1, 0, 0, 10, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("at is null");
    }

    @Test
    void poolSampleDerivesTotalAndUtilization() {
        PoolSample sample = new PoolSample("orders", 5, 3, 0, 10, AT);
        assertThat(sample.total()).isEqualTo(8);
        assertThat(sample.utilization()).isEqualTo(0.5);
        assertThat(new PoolSample("empty", 0, 0, 0, 0, AT).utilization()).isZero();
    }

    @Test
    void hostSampleRejectsLoadOutsideZeroToOne() {
        assertThatThrownBy(() -> new HostSample("h", 1.5, 0, 2, 100, 10, 90, AT))
                .hasMessage("cpuLoad must be between 0 and 1, was 1.5");
        assertThatThrownBy(() -> new HostSample("h", Double.NaN, 0, 2, 100, 10, 90, AT))
                .hasMessageStartingWith("cpuLoad must be between 0 and 1");
        assertThatThrownBy(() -> new HostSample("h", 0.5, -0.1, 2, 100, 10, 90, AT))
                .hasMessageStartingWith("processCpuLoad");
    }

    @Test
    void hostSampleRejectsMoreMemoryUsedThanExists() {
        assertThatThrownBy(() -> new HostSample("h", 0.5, 0, 2, 100, 101, 0, AT))
                .hasMessage("memoryUsed (101) must not exceed memoryTotal (100)");
        assertThat(new HostSample("h", 0.5, 0, 2, 200, 50, 150, AT).memoryUsedRatio()).isEqualTo(0.25);
    }

    @Test
    void metricRejectsNonFiniteValuesAndFillsOptionalFields() {
        assertThatThrownBy(() -> new Metric("queue.depth", "orders", Double.POSITIVE_INFINITY, Map.of(), AT))
                .hasMessage("value must be a finite number, was Infinity");
        Metric metric = new Metric("queue.depth", null, 3, null, AT);
        assertThat(metric.source()).isEmpty();
        assertThat(metric.labels()).isEmpty();
        assertThat(metric.label("zone")).isEmpty();
    }

    @Test
    void metricLabelsAreACopy() {
        Map<String, String> labels = new HashMap<>(Map.of("zone", "a"));
        Metric metric = new Metric("m", "s", 1, labels, AT);
        labels.put("zone", "b");
        assertThat(metric.label("zone")).isEqualTo("a");
    }

    @Test
    void actionTypeMustBeDottedLowerCase() {
        assertThatThrownBy(() -> new Action("Notify", "x", "r"))
                .hasMessageContaining("type 'Notify' is not an action type");
        assertThatThrownBy(() -> new Action("notify", "x", "r"))
                .hasMessageContaining("e.g. 'notify.log'");
        assertThat(new Action("pool.resize", "orders", "r").type()).isEqualTo("pool.resize");
    }

    @Test
    void actionParamsRejectNullValuesByKeyAndKeepOrder() {
        Map<String, Object> params = new HashMap<>();
        params.put("max", null);
        assertThatThrownBy(() -> new Action("pool.resize", "orders", params, "r"))
                .hasMessage("params.max is null");
        Map<String, Object> ordered = new java.util.LinkedHashMap<>();
        ordered.put("b", 1);
        ordered.put("a", 2);
        assertThat(new Action("pool.resize", "orders", ordered, "r").params().keySet()).containsExactly("b", "a");
    }

    @Test
    void actionOutcomeExposesTheActionForRules() {
        Action action = new Action("notify.log", "host-1", "rule");
        ActionOutcome outcome = ActionOutcome.failed(action, null, AT);
        assertThat(outcome.type()).isEqualTo("notify.log");
        assertThat(outcome.target()).isEqualTo("host-1");
        assertThat(outcome.message()).isEmpty();
        assertThat(outcome.atMillis()).isEqualTo(AT.toEpochMilli());
    }

    @Test
    void everyFactTypeIsKnownByItsSimpleName() {
        for (Class<? extends Fact> type : FactTypes.all()) {
            assertThat(FactTypes.byName(type.getSimpleName())).contains(type);
        }
        assertThat(FactTypes.byName("NoSuchSample")).isEmpty();
    }
}
