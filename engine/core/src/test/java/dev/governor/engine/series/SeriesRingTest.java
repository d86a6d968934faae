package dev.governor.engine.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.engine.series.SeriesRing.Points;
import org.junit.jupiter.api.Test;

class SeriesRingTest {

    @Test
    void keepsTheNewestPointsOnceFull() {
        SeriesRing ring = new SeriesRing(3, 1000);
        for (int i = 1; i <= 5; i++) {
            assertThat(ring.add(i * 1000L, i, i)).isTrue();
        }
        assertThat(ring.size()).isEqualTo(3);
        assertThat(ring.since(0)).isEqualTo(new Points(new long[] {3000, 4000, 5000}, new double[] {3, 4, 5}));
        assertThat(ring.lastTime()).isEqualTo(5000);
        assertThat(ring.lastValue()).isEqualTo(5.0);
    }

    @Test
    void sizeStaysAtCapacityHoweverManyPointsArrive() {
        SeriesRing ring = new SeriesRing(600, 1000);
        for (int i = 0; i < 100_000; i++) {
            ring.add(i * 1000L, i, i + 1);
        }
        assertThat(ring.size()).isEqualTo(600);
        Points all = ring.since(0);
        assertThat(all.times()).hasSize(600);
        assertThat(all.times()[0]).isEqualTo((100_000 - 600) * 1000L);
        assertThat(all.values()[599]).isEqualTo(99_999.0);
    }

    @Test
    void aPointInTheSameBucketReplacesTheNewest() {
        SeriesRing ring = new SeriesRing(10, 1000);
        ring.add(1000, 1, 1);
        ring.add(1999, 2, 2);
        ring.add(1500, 3, 3);
        assertThat(ring.since(0)).isEqualTo(new Points(new long[] {1500}, new double[] {3}));
    }

    @Test
    void aPointOlderThanTheNewestBucketIsDropped() {
        SeriesRing ring = new SeriesRing(10, 1000);
        ring.add(5000, 1, 1);
        assertThat(ring.add(3000, 2, 2)).isFalse();
        assertThat(ring.since(0)).isEqualTo(new Points(new long[] {5000}, new double[] {1}));
    }

    @Test
    void sinceGivesOnlyWhatWasWrittenAfterTheSequence() {
        SeriesRing ring = new SeriesRing(10, 1000);
        ring.add(1000, 1, 10);
        ring.add(2000, 2, 11);
        ring.add(3000, 3, 15);
        assertThat(ring.since(11)).isEqualTo(new Points(new long[] {3000}, new double[] {3}));
        assertThat(ring.since(15).isEmpty()).isTrue();
        // A replaced newest point is new again.
        ring.add(3500, 4, 16);
        assertThat(ring.since(15)).isEqualTo(new Points(new long[] {3500}, new double[] {4}));
    }

    @Test
    void aCapacityOrResolutionBelowOneIsRefused() {
        assertThatThrownBy(() -> new SeriesRing(0, 1000)).hasMessage("capacity must be at least 1, got 0");
        assertThatThrownBy(() -> new SeriesRing(5, 0)).hasMessage("resolution must be at least 1 ms, got 0");
    }
}
