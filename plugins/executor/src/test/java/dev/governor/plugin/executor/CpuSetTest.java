package dev.governor.plugin.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuSetTest {

    @Test
    void readsRangesListsAndNumbersAndWritesThemAsLinuxDoes() {
        assertThat(CpuSet.parse("0-3, 6,8-9", "cpus")).hasToString("0-3,6,8-9");
        assertThat(CpuSet.parse("2,0,1", "cpus")).hasToString("0-2");
        assertThat(CpuSet.parse(List.of(3, 1), "cpus")).hasToString("1,3");
        assertThat(CpuSet.parse(0, "cpus")).hasToString("0");
        assertThat(CpuSet.parse("1-1023", "cpus").size()).isEqualTo(1023);
    }

    @Test
    void aMaskRoundTripsThroughTheKernelsLayout() {
        CpuSet cpus = CpuSet.parse("0,63-64,1023", "cpus");
        long[] mask = cpus.toMask();
        assertThat(mask).hasSize(16);
        assertThat(mask[0]).isEqualTo(1L | 1L << 63);
        assertThat(mask[1]).isEqualTo(1L);
        assertThat(mask[15]).isEqualTo(1L << 63);
        assertThat(CpuSet.ofMask(mask)).isEqualTo(cpus);
    }

    @Test
    void whatIsNotASetOfCpusIsRefusedNamingTheParameter() {
        for (Object bad : new Object[] {"", "x", "3-1", "-1", "0-", "1024", 2.5, List.of()}) {
            assertThatThrownBy(() -> CpuSet.parse(bad, "params.cpus"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("params.cpus must name CPUs");
        }
    }

    @Test
    void theCpusOfOneSetMissingFromAnother() {
        assertThat(CpuSet.parse("0-5", "a").minus(CpuSet.parse("0-1", "b"))).hasToString("2-5");
        assertThat(CpuSet.parse("0", "a").minus(CpuSet.parse("0-1", "b")).isEmpty()).isTrue();
    }
}
