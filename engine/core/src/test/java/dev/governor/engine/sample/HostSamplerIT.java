package dev.governor.engine.sample;

import static dev.governor.engine.sample.HostSampler.Options.Kind.HOST;
import static dev.governor.engine.sample.HostSampler.Options.Kind.NETWORK;
import static dev.governor.engine.sample.HostSampler.Options.Kind.TCP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.Fact;
import dev.governor.api.HostSample;
import dev.governor.api.NetworkSample;
import dev.governor.api.TcpConnections;
import dev.governor.engine.camel.CamelRoutes;
import dev.governor.engine.json.FactCodec;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import oshi.SystemInfo;

/** The host sampler against this machine, through real OSHI, sockets and files. */
@EnabledOnOs(OS.LINUX)
class HostSamplerIT {

    private static final long MIB = 1L << 20;

    private final Clock clock = Clock.systemUTC();

    @Test
    void fillsSwapLoadAverageAndFileDescriptorsSensibly() throws Exception {
        try (HostSampler sampler = new HostSampler(clock)) {
            HostSample host = host(sampler.sample());

            assertThat(host.host()).isNotBlank();
            assertThat(host.cpus()).isGreaterThan(0);
            assertThat(host.memoryUsed() + host.memoryAvailable()).isEqualTo(host.memoryTotal());
            assertThat(host.swapTotal()).isGreaterThanOrEqualTo(0);
            assertThat(host.swapUsed()).isBetween(0L, host.swapTotal());
            assertThat(host.loadAverage1()).isGreaterThanOrEqualTo(0);
            assertThat(host.loadAverage5()).isGreaterThanOrEqualTo(0);
            assertThat(host.loadAverage15()).isGreaterThanOrEqualTo(0);
            assertThat(host.openFiles()).isPositive();
            assertThat(host.maxOpenFiles()).isGreaterThanOrEqualTo(host.openFiles());
            assertThat(host.openFilesRatio()).isBetween(0.0, 1.0);
        }
    }

    @Test
    void openingFiftyFilesRaisesOpenFilesByAtLeastFifty(@TempDir Path dir) throws Exception {
        try (HostSampler sampler = new HostSampler(clock, new HostSampler.Options(Set.of(HOST), List.of()))) {
            long before = host(sampler.sample()).openFiles();
            List<FileChannel> files = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    files.add(FileChannel.open(dir.resolve("f" + i), StandardOpenOption.CREATE, StandardOpenOption.WRITE));
                }
                long during = host(sampler.sample()).openFiles();

                assertThat(during - before).isGreaterThanOrEqualTo(50);
            } finally {
                for (FileChannel file : files) {
                    file.close();
                }
            }
        }
    }

    @Test
    void loopbackRatesRiseWithTrafficSentBetweenSamples() throws Exception {
        long bytes = 5 * MIB;
        try (HostSampler sampler = new HostSampler(clock, new HostSampler.Options(Set.of(HOST, NETWORK), List.of("lo")))) {
            long start = System.nanoTime();
            assertThat(network(sampler.sample())).extracting(NetworkSample::iface).containsExactly("lo");
            send(bytes);
            List<NetworkSample> after = network(sampler.sample());
            double atMostSeconds = (System.nanoTime() - start) / 1e9;

            assertThat(after).hasSize(1);
            NetworkSample lo = after.get(0);
            assertThat(lo.iface()).isEqualTo("lo");
            // Everything sent went in and out of lo between the two readings, within atMostSeconds.
            assertThat(lo.bytesInPerSecond()).isGreaterThanOrEqualTo(bytes / atMostSeconds);
            assertThat(lo.bytesOutPerSecond()).isGreaterThanOrEqualTo(bytes / atMostSeconds);
            assertThat(lo.packetsInPerSecond()).isPositive();
            assertThat(lo.errorsIn()).isZero();
        }
    }

    @Test
    void oshisCountersSeeTheSameLoopbackTraffic() throws Exception {
        long bytes = 5 * MIB;
        NetworkInterfaces network = new NetworkInterfaces(
                NetworkInterfaces.oshi(new SystemInfo().getHardware()), List.of("lo"));
        long start = System.nanoTime();
        network.baseline();
        send(bytes);
        List<NetworkSample> samples = network.sample("h", clock.instant());
        double atMostSeconds = (System.nanoTime() - start) / 1e9;

        assertThat(samples).extracting(NetworkSample::iface).containsExactly("lo");
        assertThat(samples.get(0).bytesInPerSecond()).isGreaterThanOrEqualTo(bytes / atMostSeconds);
    }

    @Test
    void leavesLoopbackOutByDefault() throws Exception {
        try (HostSampler sampler = new HostSampler(clock, new HostSampler.Options(Set.of(HOST, NETWORK), List.of()))) {
            List<Fact> facts = sampler.sample();

            assertThat(network(facts)).extracting(NetworkSample::iface).doesNotContain("lo");
            assertThat(facts).noneMatch(TcpConnections.class::isInstance);
        }
    }

    @Test
    void networkFalseReportsOnlyTheHost() throws Exception {
        try (HostSampler sampler = new HostSampler(clock, new HostSampler.Options(Set.of(HOST), List.of("lo")))) {
            assertThat(sampler.sample()).singleElement().isInstanceOf(HostSample.class);
        }
    }

    @Test
    void factsTcpSendsOnlyTcpConnectionsWithoutWaitingForASecondCpuReading() throws Exception {
        try (Sampler sampler = Samplers.builtIn(clock).get("host").create(Map.of("facts", "tcp"))) {
            long start = System.nanoTime();
            List<? extends Fact> first = sampler.sample();
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(first).singleElement().isInstanceOf(TcpConnections.class);
            assertThat(millis).as("the first sample does not sleep for CPU counters it does not read").isLessThan(500);
            assertThat(sampler.sample()).singleElement().isInstanceOf(TcpConnections.class);
        }
    }

    @Test
    void factsHostSendsNoNetworkSampleNorTcpConnections() throws Exception {
        try (Sampler sampler = Samplers.builtIn(clock).get("host").create(Map.of("facts", "host", "interfaces", "*"))) {
            assertThat(sampler.sample()).singleElement().isInstanceOf(HostSample.class);
            assertThat(sampler.sample()).singleElement().isInstanceOf(HostSample.class);
        }
    }

    @Test
    void factsHostAndNetworkSendsEveryInterfaceButNoTcpConnections() throws Exception {
        try (Sampler sampler = Samplers.builtIn(clock).get("host").create(Map.of("facts", "host,network", "interfaces", "lo"))) {
            List<? extends Fact> facts = sampler.sample();

            assertThat(facts).hasSize(2).hasOnlyElementsOfTypes(HostSample.class, NetworkSample.class)
                    .noneMatch(TcpConnections.class::isInstance);
            assertThat(network(List.copyOf(facts))).extracting(NetworkSample::iface).containsExactly("lo");
        }
    }

    @Test
    void tcpCountsGrowWithAListeningSocketAndItsConnections() throws Exception {
        int connections = 10;
        try (HostSampler sampler = new HostSampler(clock, new HostSampler.Options(Set.of(HOST, TCP), List.of()))) {
            TcpConnections before = tcp(sampler.sample());
            List<Socket> sockets = new ArrayList<>();
            try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                for (int i = 0; i < connections; i++) {
                    sockets.add(new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()));
                    sockets.add(server.accept());
                }
                TcpConnections during = tcp(sampler.sample());

                assertThat(during.listen()).isGreaterThanOrEqualTo(before.listen() + 1);
                // Both ends of a loopback connection are in the table.
                assertThat(during.established()).isGreaterThanOrEqualTo(before.established() + 2 * connections);
                assertThat(during.total()).isGreaterThanOrEqualTo(during.established() + during.listen());
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void seesTheContainersLimitsNotTheHostsTotals(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("cgroup"));
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory\n");
        Path group = Files.createDirectories(root.resolve("app"));
        Files.writeString(group.resolve("memory.max"), String.valueOf(1024 * MIB));
        Files.writeString(group.resolve("memory.current"), String.valueOf(300 * MIB));
        Files.writeString(group.resolve("memory.stat"), "anon " + 200 * MIB + "\ninactive_file " + 100 * MIB + "\n");
        Files.writeString(group.resolve("cpu.max"), "50000 100000\n");
        Path cpuStat = Files.writeString(group.resolve("cpu.stat"), "usage_usec 1000000\n");
        Path procSelf = Files.writeString(dir.resolve("cgroup-of-self"), "0::/app\n");

        try (HostSampler sampler = new HostSampler(clock, new HostSampler.Options(Set.of(HOST), List.of()), root, procSelf,
                null)) {
            long start = System.nanoTime();
            HostSample first = host(sampler.sample());

            assertThat(first.containerLimited()).isTrue();
            assertThat(first.cpus()).isEqualTo(0.5);
            assertThat(first.memoryTotal()).isEqualTo(1024 * MIB);
            assertThat(first.memoryUsed()).as("usage without the inactive file cache").isEqualTo(200 * MIB);
            assertThat(first.memoryAvailable()).isEqualTo(824 * MIB);
            assertThat(first.cpuLoad()).as("the group used no CPU time").isZero();

            // The group uses a quarter of a CPU-second over at least one second: half of its half CPU at most.
            Files.writeString(cpuStat, "usage_usec 1250000\n");
            Thread.sleep(1000);
            HostSample second = host(sampler.sample());
            double atMostSeconds = (System.nanoTime() - start) / 1e9;

            assertThat(second.cpuLoad()).isBetween(0.25 / (atMostSeconds * 0.5), 0.5);
            assertThat(second.processCpuLoad()).isBetween(0.0, 1.0);
        }
    }

    @Test
    void withoutALimitTheHostsTotalsStay(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("cgroup"));
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory\n");
        Path group = Files.createDirectories(root.resolve("app"));
        Files.writeString(group.resolve("memory.max"), "max\n");
        Files.writeString(group.resolve("memory.current"), String.valueOf(300 * MIB));
        Files.writeString(group.resolve("cpu.max"), "max 100000\n");
        Path procSelf = Files.writeString(dir.resolve("cgroup-of-self"), "0::/app\n");

        try (HostSampler sampler = new HostSampler(clock, new HostSampler.Options(Set.of(HOST), List.of()), root, procSelf,
                null)) {
            HostSample host = host(sampler.sample());

            SystemInfo system = new SystemInfo();
            assertThat(host.containerLimited()).isFalse();
            assertThat(host.memoryTotal()).isEqualTo(system.getHardware().getMemory().getTotal());
            assertThat(host.cpus()).isEqualTo(system.getHardware().getProcessor().getLogicalProcessorCount());
        }
    }

    @Test
    void everyFactReadsBackEqualFromItsJsonLine() throws Exception {
        FactCodec codec = new FactCodec(clock);
        try (HostSampler sampler = new HostSampler(clock, new HostSampler.Options(Set.of(HOST, NETWORK, TCP), List.of("*")))) {
            List<Fact> facts = sampler.sample();

            assertThat(facts).hasAtLeastOneElementOfType(HostSample.class).hasAtLeastOneElementOfType(NetworkSample.class)
                    .hasAtLeastOneElementOfType(TcpConnections.class);
            for (Fact fact : facts) {
                String line = codec.write(fact);
                assertThat(line).doesNotContain("\n");
                assertThat(codec.read(line)).containsExactly(fact);
            }
        }
    }

    @Test
    void governorCheckReportsABadOptionOnTheEndpoint(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("host.yaml"), """
                - route:
                    from:
                      uri: governor-sample:host
                      parameters: { period: 1s, network: maybe }
                      steps:
                        - to: governor:facts
                """);

        String problem = CamelRoutes.checkRoute(file, new FactCodec(clock), Samplers.builtIn(clock));

        assertThat(problem).contains("host: unknown option value network='maybe'; expected true or false");
    }

    @Test
    void governorCheckNamesTheValidFactsWhenOneIsUnknown(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("host.yaml"), """
                - route:
                    from:
                      uri: governor-sample:host
                      parameters: { period: 30s, facts: "tcp,sockets" }
                      steps:
                        - to: governor:facts
                """);

        String problem = CamelRoutes.checkRoute(file, new FactCodec(clock), Samplers.builtIn(clock));

        assertThat(problem).contains("host: option facts='tcp,sockets' has an unknown entry 'sockets'; "
                + "expected a comma list of host,network,tcp");
    }

    /** Sends bytes over a loopback connection and waits until they have all been read. */
    private static void send(long bytes) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> {
                try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
                    long total = 0;
                    byte[] buffer = new byte[64 * 1024];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        total += n;
                    }
                    return total;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 OutputStream out = socket.getOutputStream()) {
                byte[] chunk = new byte[64 * 1024];
                for (long sent = 0; sent < bytes; sent += chunk.length) {
                    out.write(chunk);
                }
            }
            assertThat(received.get()).isGreaterThanOrEqualTo(bytes);
        }
    }

    private static HostSample host(List<Fact> facts) {
        return facts.stream().filter(HostSample.class::isInstance).map(HostSample.class::cast).findFirst().orElseThrow();
    }

    private static List<NetworkSample> network(List<Fact> facts) {
        return facts.stream().filter(NetworkSample.class::isInstance).map(NetworkSample.class::cast).toList();
    }

    private static TcpConnections tcp(List<Fact> facts) {
        return facts.stream().filter(TcpConnections.class::isInstance).map(TcpConnections.class::cast).findFirst()
                .orElseThrow();
    }
}
