package dev.governor.engine.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Fact;
import dev.governor.api.PoolSample;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.series.SeriesStore.SeriesPoints;
import dev.governor.engine.series.SeriesStore.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SeriesStoreTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final FactCodec codec = new FactCodec(Clock.fixed(T0, ZoneOffset.UTC));

    private List<Fact> facts(String json) {
        return codec.read(json);
    }

    private static String pool(String name, int active, int waiting, int max, int second) {
        return "{\"type\":\"PoolSample\",\"pool\":\"" + name + "\",\"active\":" + active + ",\"idle\":0,\"waiting\":" + waiting
                + ",\"max\":" + max + ",\"at\":\"" + T0.plusSeconds(second) + "\"}";
    }

    private static String table(String name, long dead, int second) {
        return "{\"type\":\"PgTable\",\"database\":\"main\",\"schema\":\"public\",\"table\":\"" + name + "\",\"deadTuples\":" + dead
                + ",\"at\":\"" + T0.plusSeconds(second) + "\"}";
    }

    private static Map<String, double[]> values(Snapshot snapshot) {
        return snapshot.series().stream().collect(Collectors.toMap(s -> s.info().id(), s -> s.points().values()));
    }

    @Test
    void aPoolSampleBecomesThreeSeriesOfThePoolsPlot() {
        SeriesStore store = new SeriesStore();
        store.record(facts("[" + pool("orders", 10, 6, 10, 0) + "," + pool("orders", 10, 2, 12, 1) + "]"));

        Snapshot snapshot = store.read(0);
        assertThat(values(snapshot)).containsOnlyKeys("pools/orders/active", "pools/orders/waiting", "pools/orders/max");
        assertThat(values(snapshot).get("pools/orders/waiting")).containsExactly(6, 2);
        assertThat(values(snapshot).get("pools/orders/max")).containsExactly(10, 12);
        SeriesPoints waiting = snapshot.series().stream().filter(s -> s.info().metric().equals("waiting")).findFirst().orElseThrow();
        assertThat(waiting.info().plot()).isEqualTo(Plot.POOLS);
        assertThat(waiting.info().label()).isEqualTo("orders waiting");
        assertThat(waiting.points().times()).containsExactly(T0.toEpochMilli(), T0.plusSeconds(1).toEpochMilli());
    }

    @Test
    void aReadAfterTheCursorGivesOnlyNewPoints() {
        SeriesStore store = new SeriesStore();
        store.record(facts(pool("orders", 1, 0, 10, 0)));
        Snapshot first = store.read(0);
        assertThat(first.cursor()).isEqualTo(3);

        assertThat(store.read(first.cursor()).series()).isEmpty();
        store.record(facts(pool("orders", 2, 0, 10, 1)));
        Snapshot second = store.read(first.cursor());
        assertThat(values(second).get("pools/orders/active")).containsExactly(2);
        assertThat(second.cursor()).isEqualTo(6);
    }

    @Test
    void aCursorAheadOfTheStoreReadsEverything() {
        SeriesStore store = new SeriesStore();
        store.record(facts(pool("orders", 1, 0, 10, 0)));
        assertThat(values(store.read(1_000_000)).get("pools/orders/active")).containsExactly(1);
    }

    @Test
    void memoryStaysFlat_pointsPerSeriesAndEntitiesPerPlotAreCapped() {
        SeriesStore store = new SeriesStore(60, Duration.ofSeconds(1), 5, Duration.ofMinutes(1));
        for (int second = 0; second < 1000; second++) {
            List<Fact> batch = new ArrayList<>();
            for (int p = 0; p < 20; p++) {
                batch.add(new PoolSample("pool-" + p, 1, 0, 0, 10, T0.plusSeconds(second)));
            }
            store.record(batch);
        }
        assertThat(store.seriesCount()).isEqualTo(5 * 3);
        assertThat(store.pointCount()).isEqualTo(5 * 3 * 60);
        assertThat(store.read(0).series()).extracting(s -> s.info().entity()).containsOnly("pool-0", "pool-1", "pool-2", "pool-3", "pool-4");
        assertThat(store.refused()).isEqualTo(1000 * 15 * 3);
    }

    @Test
    void aStaleEntityMakesRoomForANewOne() {
        SeriesStore store = new SeriesStore(60, Duration.ofSeconds(1), 2, Duration.ofSeconds(30));
        store.record(facts("[" + pool("a", 1, 0, 10, 0) + "," + pool("b", 1, 0, 10, 0) + "]"));
        store.record(facts(pool("a", 1, 0, 10, 20)));
        store.record(facts(pool("c", 1, 0, 10, 20)));
        assertThat(store.refused()).isEqualTo(3);
        store.record(facts(pool("c", 1, 0, 10, 31)));
        assertThat(store.read(0).series()).extracting(s -> s.info().entity()).containsOnly("a", "c");
        assertThat(store.evicted()).isEqualTo(1);
    }

    @Test
    void theTablesWithTheMostDeadTuplesWinThePlacesOfTheTopTables() {
        SeriesStore store = new SeriesStore(60, Duration.ofSeconds(1), 3, Duration.ofMinutes(1));
        store.record(facts("[" + table("a", 100, 0) + "," + table("b", 5, 0) + "," + table("c", 50, 0) + "]"));
        store.record(facts("[" + table("d", 1, 1) + "," + table("e", 70, 1) + "]"));

        assertThat(store.read(0).series()).extracting(s -> s.info().entity())
                .containsExactlyInAnyOrder("main/public.a", "main/public.c", "main/public.e");
        assertThat(store.refused()).isEqualTo(1);
        assertThat(store.evicted()).isEqualTo(1);
    }

    @Test
    void aTableEntersWithDeadTuplesOnlyAndStaysWhenVacuumed() {
        SeriesStore store = new SeriesStore();
        store.record(facts("[" + table("clean", 0, 0) + "," + table("bloated", 500, 0) + "]"));
        assertThat(values(store.read(0))).containsOnlyKeys("deadTuples/main/public.bloated/deadTuples");
        store.record(facts("[" + table("clean", 0, 1) + "," + table("bloated", 0, 1) + "]"));
        assertThat(values(store.read(0)).get("deadTuples/main/public.bloated/deadTuples")).containsExactly(500, 0);
        assertThat(store.refused()).isZero();
    }

    @Test
    void theDatabasesNearestToWraparoundWinThePlaces() {
        SeriesStore store = new SeriesStore(60, Duration.ofSeconds(1), 1, Duration.ofMinutes(1));
        store.record(facts("{\"type\":\"PgDatabase\",\"database\":\"main\",\"datname\":\"far\",\"xidAge\":10,\"xidsUntilStop\":2000000000,"
                + "\"at\":\"" + T0 + "\"}"));
        store.record(facts("{\"type\":\"PgDatabase\",\"database\":\"main\",\"datname\":\"near\",\"xidAge\":10,\"xidsUntilStop\":1000,"
                + "\"at\":\"" + T0 + "\"}"));
        assertThat(values(store.read(0))).containsOnlyKeys("wraparound/main/near/xidsUntilStop");
    }

    @Test
    void aFailingSinkRefusesTheFactsAndNothingIsRecorded() {
        SeriesStore store = new SeriesStore();
        List<Fact> accepted = new ArrayList<>();
        store.tee(accepted::addAll).accept(facts(pool("orders", 1, 0, 10, 0)));
        assertThat(accepted).hasSize(1);
        assertThat(store.seriesCount()).isEqualTo(3);

        assertThatThrownBy(() -> store.tee(f -> {
            throw new IllegalStateException("queue full");
        }).accept(facts(pool("billing", 1, 0, 10, 0)))).hasMessage("queue full");
        assertThat(store.read(0).series()).extracting(s -> s.info().entity()).containsOnly("orders");
    }

    @Test
    void badLimitsAreRefusedNamingTheLimit() {
        assertThatThrownBy(() -> new SeriesStore(1, Duration.ofSeconds(1), 10, Duration.ofMinutes(1)))
                .hasMessage("points per series must be 2 to 100000, got 1");
        assertThatThrownBy(() -> new SeriesStore(600, Duration.ZERO, 10, Duration.ofMinutes(1)))
                .hasMessage("resolution must be at least 1ms, got PT0S");
        assertThatThrownBy(() -> new SeriesStore(600, Duration.ofSeconds(1), 0, Duration.ofMinutes(1)))
                .hasMessage("entities per plot must be 1 to 1000, got 0");
        assertThatThrownBy(() -> new SeriesStore(600, Duration.ofSeconds(1), 10, Duration.ZERO))
                .hasMessage("staleAfter must be positive, got PT0S");
    }
}
