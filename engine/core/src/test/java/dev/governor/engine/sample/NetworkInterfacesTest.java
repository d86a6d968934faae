package dev.governor.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.governor.api.NetworkSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkInterfacesTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private static final String BEFORE = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:  100270    1212    0    0    0     0          0         0   100270    1212    0    0    0     0       0          0
              eth0: 215014893    6861    2    1    0     0          0         0   481686    5110    0    0    0     0       0          0
              eth1:1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0
            """;

    private static final String AFTER = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:  200270    1312    0    0    0     0          0         0   200270    1312    0    0    0     0       0          0
              eth0: 216014893    7861    5    4    0     0          0         0   981686    5610    1    0    0     0       0          0
              eth1:     500       5    0    0    0     0          0         0     2000      20    0    0    0     0       0          0
            veth9a:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0
            """;

    @TempDir
    Path dir;

    @Test
    void parsesProcNetDevIncludingNamesGluedToTheirFirstCounter() {
        Map<String, NetworkInterfaces.Counters> counters = NetworkInterfaces.parseProcNetDev(BEFORE);

        assertThat(counters).containsOnlyKeys("lo", "eth0", "eth1");
        assertThat(counters.get("eth0")).isEqualTo(new NetworkInterfaces.Counters(215014893, 6861, 2, 1, 481686, 5110, 0));
        assertThat(counters.get("eth1")).isEqualTo(new NetworkInterfaces.Counters(1000, 10, 0, 0, 2000, 20, 0));
    }

    @Test
    void ratesAreTheDifferenceOverTheElapsedTimeAndSkipLoopbackNewAndResetInterfaces() throws Exception {
        Path file = Files.writeString(dir.resolve("dev"), BEFORE);
        NetworkInterfaces network = new NetworkInterfaces(NetworkInterfaces.procNetDev(file), List.of());
        long start = System.nanoTime();
        network.baseline();
        Thread.sleep(200);
        Files.writeString(file, AFTER);

        List<NetworkSample> samples = network.sample("db-1", AT);
        double maxSeconds = (System.nanoTime() - start) / 1e9;

        // lo is loopback; eth1 went backwards (re-created); veth9a is new: only eth0 has a rate yet.
        assertThat(samples).extracting(NetworkSample::iface).containsExactly("eth0");
        NetworkSample eth0 = samples.get(0);
        assertThat(eth0.bytesInPerSecond()).isBetween(1_000_000 / maxSeconds, 1_000_000 / 0.2);
        assertThat(eth0.bytesOutPerSecond()).isBetween(500_000 / maxSeconds, 500_000 / 0.2);
        assertThat(eth0.packetsInPerSecond() / eth0.bytesInPerSecond()).isCloseTo(1000 / 1_000_000.0, within(1e-9));
        assertThat(eth0.packetsOutPerSecond() / eth0.bytesOutPerSecond()).isCloseTo(500 / 500_000.0, within(1e-9));
        assertThat(eth0.errorsIn()).isEqualTo(3);
        assertThat(eth0.errorsOut()).isEqualTo(1);
        assertThat(eth0.dropsIn()).isEqualTo(3);
        assertThat(eth0.host()).isEqualTo("db-1");

        // The next reading has a baseline for eth1 and veth9a too.
        assertThat(network.sample("db-1", AT)).extracting(NetworkSample::iface)
                .containsExactlyInAnyOrder("eth0", "eth1", "veth9a")
                .allSatisfy(name -> assertThat(name).isNotEqualTo("lo"));
    }

    @Test
    void namesAndGlobsChooseTheInterfacesLoopbackIncluded() throws Exception {
        Path file = Files.writeString(dir.resolve("dev"), AFTER);
        NetworkInterfaces network = new NetworkInterfaces(NetworkInterfaces.procNetDev(file), List.of("lo", "veth*"));
        network.baseline();

        assertThat(network.sample("h", AT)).extracting(NetworkSample::iface).containsExactlyInAnyOrder("lo", "veth9a");
    }

    @Test
    void globsMatchWholeNames() {
        var include = NetworkInterfaces.globs(List.of("eth?", "en*s0", "br-1.2"));

        assertThat(include.test("eth0")).isTrue();
        assertThat(include.test("eth10")).isFalse();
        assertThat(include.test("enp0s0")).isTrue();
        assertThat(include.test("br-1.2")).isTrue();
        assertThat(include.test("br-1x2")).as("a dot is a dot").isFalse();
    }

    @Test
    void aMissingFileFailsTheSample() throws IOException {
        NetworkInterfaces network = new NetworkInterfaces(NetworkInterfaces.procNetDev(dir.resolve("none")), List.of());

        org.assertj.core.api.Assertions.assertThatThrownBy(network::baseline).isInstanceOf(IOException.class);
    }
}
