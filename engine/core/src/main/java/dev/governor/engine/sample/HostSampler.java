package dev.governor.engine.sample;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.governor.api.Fact;
import dev.governor.api.HostSample;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.VirtualMemory;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Samples the host and this process (sampler {@code host}): one {@link HostSample}, one
 * {@link dev.governor.api.NetworkSample} per network interface and one {@link dev.governor.api.TcpConnections}
 * per sample, or only those of them its {@code facts} option names. Host figures come from OSHI, through one
 * {@link SystemInfo} that lives as long as the sampler; this process's CPU time and file descriptors from the
 * JDK's operating-system MXBean (OSHI where the JDK cannot tell). CPU loads and network rates are computed
 * between this sample's counters and the previous one's, so the first sample waits half a second for a second
 * reading (unless it takes TCP counts only, which need none).
 *
 * <p>Inside a control group with limits (a container), {@link HostSample} shows the group's view, read by
 * {@link ContainerLimits}: with a memory limit below the host's memory, {@code memoryTotal} is the limit,
 * {@code memoryUsed} the group's usage without its inactive file cache ({@code inactive_file} of
 * {@code memory.stat}, which the kernel reclaims before it runs out), and {@code memoryAvailable} the rest of
 * the limit; with a CPU quota or a CPU set smaller than the host, {@code cpus} is that many CPUs (the quota may
 * be fractional) and {@code cpuLoad} is the group's CPU time over that many CPUs ({@code processCpuLoad} this
 * process's), both at most 1. {@code containerLimited} then says so. Swap and load average stay the host's.
 * Limits are read again every 10 seconds; the usage under them at every sample.
 *
 * <p>Options:
 * <ul>
 *   <li>{@code facts} ({@code host,network,tcp}): a comma list of what to sample, {@code host}
 *       ({@link HostSample}), {@code network} ({@link dev.governor.api.NetworkSample}) and {@code tcp}
 *       ({@link dev.governor.api.TcpConnections}). Counting TCP connections is most of a sample's cost on Linux
 *       (see {@link TcpStates}), so the default routes take {@code facts=host,network} every second and
 *       {@code facts=tcp} every 30 s from a second endpoint, which sends no {@link HostSample} of its own;</li>
 *   <li>{@code network}, {@code tcp} ({@code true}): the older form, {@code false} leaves out network interfaces
 *       or TCP counts ({@link HostSample} is always sampled then). Beside {@code facts} they may only repeat
 *       what {@code facts} says ({@code facts=host&tcp=false}); a switch that contradicts it
 *       ({@code facts=host,tcp&tcp=false}) is refused, as is an unknown name in {@code facts};</li>
 *   <li>{@code interfaces}: a comma list of interface names or globs ({@code eth*,ens?}) to report; by default
 *       every interface but loopback.</li>
 * </ul>
 *
 * <p>Cost once warm, on a 2-core VM shared with other builds: a whole sample about 1.5 ms median, of which
 * TCP about 1 ms; without TCP about 0.5 ms; the host figures alone about 0.25 ms.
 */
public final class HostSampler implements Sampler {

    /** Longer than OSHI's cache of CPU counters (300 ms by default), so the second reading is fresh. */
    private static final long FIRST_SAMPLE_WAIT_MILLIS = 500;

    /** The sampler's options; see the class comment. */
    record Options(Set<Kind> facts, List<String> interfaces) {

        /** What a {@code governor-sample:host} endpoint can sample, by the names {@code facts} takes. */
        enum Kind {
            /** {@link HostSample}. */
            HOST,
            /** {@link dev.governor.api.NetworkSample}, one per interface. */
            NETWORK,
            /** {@link dev.governor.api.TcpConnections}. */
            TCP;

            String optionName() {
                return name().toLowerCase(Locale.ROOT);
            }

            static String allNames() {
                return Arrays.stream(values()).map(Kind::optionName).collect(Collectors.joining(","));
            }
        }

        static final Options DEFAULTS = new Options(EnumSet.allOf(Kind.class), List.of());

        static final String FACTS = "facts";
        static final String NETWORK = "network";
        static final String TCP = "tcp";
        static final String INTERFACES = "interfaces";

        static final Set<String> NAMES = Set.of(FACTS, NETWORK, TCP, INTERFACES);

        Options {
            if (facts.isEmpty()) {
                throw new IllegalArgumentException("host: facts must name at least one of " + Kind.allNames());
            }
            facts = Collections.unmodifiableSet(EnumSet.copyOf(facts));
            interfaces = List.copyOf(interfaces);
        }

        boolean host() {
            return facts.contains(Kind.HOST);
        }

        boolean network() {
            return facts.contains(Kind.NETWORK);
        }

        boolean tcp() {
            return facts.contains(Kind.TCP);
        }

        /**
         * Reads {@code facts}, or without it the switches {@code network} and {@code tcp} (the older form). With
         * {@code facts}, a switch may only repeat what {@code facts} says.
         *
         * @throws IllegalArgumentException naming the option and what it expects
         */
        static Options parse(Map<String, String> options) {
            Boolean network = bool(options, NETWORK);
            Boolean tcp = bool(options, TCP);
            List<String> interfaces = interfaces(options.get(INTERFACES));
            String text = options.get(FACTS);
            if (text == null) {
                Set<Kind> facts = EnumSet.of(Kind.HOST);
                if (network == null || network) {
                    facts.add(Kind.NETWORK);
                }
                if (tcp == null || tcp) {
                    facts.add(Kind.TCP);
                }
                return new Options(facts, interfaces);
            }
            Set<Kind> facts = kinds(text);
            agree(text, facts, Kind.NETWORK, network);
            agree(text, facts, Kind.TCP, tcp);
            return new Options(facts, interfaces);
        }

        private static Set<Kind> kinds(String text) {
            Set<Kind> facts = EnumSet.noneOf(Kind.class);
            for (String item : text.split(",", -1)) {
                String name = item.strip();
                Kind kind = Arrays.stream(Kind.values()).filter(k -> k.optionName().equals(name.toLowerCase(Locale.ROOT)))
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("host: option facts='" + text + "' has "
                                + (name.isEmpty() ? "an empty entry" : "an unknown entry '" + name + "'")
                                + "; expected a comma list of " + Kind.allNames()));
                facts.add(kind);
            }
            return facts;
        }

        /** A switch given beside {@code facts} must say the same, or which one wins would be a guess. */
        private static void agree(String text, Set<Kind> facts, Kind kind, Boolean on) {
            if (on != null && on != facts.contains(kind)) {
                String name = kind.optionName();
                throw new IllegalArgumentException("host: options facts='" + text + "' and " + name + "=" + on
                        + " disagree: facts " + (on ? "leaves out " : "names ") + name + "; drop " + name
                        + " and let facts say what to sample");
            }
        }

        /** The switch's value; null when it is not given. */
        private static Boolean bool(Map<String, String> options, String name) {
            String value = options.get(name);
            if (value == null) {
                return null;
            }
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException(
                        "host: unknown option value " + name + "='" + value + "'; expected true or false");
            };
        }

        private static List<String> interfaces(String value) {
            if (value == null) {
                return List.of();
            }
            List<String> names = Arrays.stream(value.split(",", -1)).map(String::strip).toList();
            for (String name : names) {
                if (name.isEmpty() || name.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
                    throw new IllegalArgumentException("host: option interfaces='" + value + "' has "
                            + (name.isEmpty() ? "an empty entry" : "a bad entry '" + name + "'")
                            + "; expected a comma list of interface names or globs such as eth*,lo");
                }
            }
            return names;
        }
    }

    private final Clock clock;
    private final Options options;
    private final CentralProcessor processor;
    private final GlobalMemory memory;
    private final VirtualMemory swap;
    private final ThisProcess process;
    private final String host;
    private final ContainerLimits.Cgroup cgroup;
    private final NetworkInterfaces network;
    private final TcpStates tcp;

    private boolean first = true;
    private long[] previousTicks;
    private long previousNanos;
    private long previousProcessNanos;
    private long previousGroupCpuNanos;

    public HostSampler(Clock clock) {
        this(clock, Options.DEFAULTS);
    }

    HostSampler(Clock clock, Options options) {
        this(clock, options, Path.of("/sys/fs/cgroup"), Path.of("/proc/self/cgroup"), null);
    }

    /**
     * @param cgroupRoot     where cgroup file systems are mounted
     * @param procSelfCgroup this process's cgroup membership
     * @param networkSource  where interface counters come from; null for the platform's
     */
    HostSampler(Clock clock, Options options, Path cgroupRoot, Path procSelfCgroup,
                NetworkInterfaces.Source networkSource) {
        this.clock = clock;
        this.options = options;
        SystemInfo systemInfo = new SystemInfo();
        this.processor = systemInfo.getHardware().getProcessor();
        this.memory = systemInfo.getHardware().getMemory();
        this.swap = memory.getVirtualMemory();
        OperatingSystem os = systemInfo.getOperatingSystem();
        this.process = new ThisProcess(os.getProcess(os.getProcessId()));
        this.host = hostName(os);
        this.cgroup = ContainerLimits.Cgroup.locate(cgroupRoot, procSelfCgroup);
        this.network = new NetworkInterfaces(
                networkSource != null ? networkSource : NetworkInterfaces.platformSource(systemInfo.getHardware()),
                options.interfaces());
        this.tcp = TcpStates.platform(os.getInternetProtocolStats());
    }

    /** The factory behind {@code governor-sample:host}. */
    static SamplerFactory factory(Clock clock) {
        return new SamplerFactory() {
            @Override
            public Set<String> optionNames() {
                return Options.NAMES;
            }

            @Override
            public void validate(Map<String, String> options) {
                Options.parse(options);
            }

            @Override
            public Sampler create(Map<String, String> options) {
                return new HostSampler(clock, Options.parse(options));
            }
        };
    }

    @Override
    public synchronized List<Fact> sample() throws InterruptedException, IOException {
        if (first) {
            first = false;
            // CPU loads and network rates need a reading to compare with; TCP counts do not.
            if (options.host()) {
                previousTicks = processor.getSystemCpuLoadTicks();
                previousNanos = System.nanoTime();
                previousProcessNanos = process.cpuNanos();
                previousGroupCpuNanos = cgroup.read().cpuUsageNanos();
            }
            if (options.network()) {
                network.baseline();
            }
            if (options.host() || options.network()) {
                Thread.sleep(FIRST_SAMPLE_WAIT_MILLIS);
            }
        }
        Instant at = clock.instant();
        List<Fact> facts = new ArrayList<>();
        if (options.host()) {
            facts.add(hostSample(at));
        }
        if (options.network()) {
            facts.addAll(network.sample(host, at));
        }
        if (options.tcp()) {
            facts.add(tcp.count(host, at));
        }
        return facts;
    }

    private HostSample hostSample(Instant at) {
        long now = System.nanoTime();
        double elapsedNanos = Math.max(1, now - previousNanos);
        previousNanos = now;
        int hostCpus = processor.getLogicalProcessorCount();
        ContainerLimits limits = cgroup.sample(hostCpus);
        double cpuLimit = limits.cpuLimit(hostCpus);
        double cpus = cpuLimit > 0 ? cpuLimit : hostCpus;

        long[] ticks = processor.getSystemCpuLoadTicks();
        double cpuLoad = clamp(processor.getSystemCpuLoadBetweenTicks(previousTicks));
        previousTicks = ticks;
        long groupCpuNanos = limits.cpuUsageNanos();
        if (cpuLimit > 0) {
            cpuLoad = groupCpuNanos >= 0 && previousGroupCpuNanos >= 0
                    ? clamp((groupCpuNanos - previousGroupCpuNanos) / (elapsedNanos * cpuLimit))
                    : clamp(cpuLoad * hostCpus / cpuLimit);
        }
        previousGroupCpuNanos = groupCpuNanos;

        long processNanos = process.cpuNanos();
        double processCpuLoad = previousProcessNanos < 0 || processNanos < 0 ? 0.0
                : clamp((processNanos - previousProcessNanos) / (elapsedNanos * cpus));
        previousProcessNanos = processNanos;

        long hostTotal = memory.getTotal();
        long total = hostTotal;
        long available = Math.min(hostTotal, memory.getAvailable());
        boolean memoryLimited = limits.hasMemoryLimit() && limits.memoryLimit() < hostTotal
                && limits.memoryUsedWithoutCache() >= 0;
        if (memoryLimited) {
            total = limits.memoryLimit();
            available = total - limits.memoryUsedWithoutCache();
        }

        double[] load = processor.getSystemLoadAverage(3);
        long swapTotal = Math.max(0, swap.getSwapTotal());
        return new HostSample(host, cpuLoad, processCpuLoad, cpus, total, total - available, available,
                swapTotal, Math.max(0, Math.min(swapTotal, swap.getSwapUsed())),
                finite(load[0]), finite(load[1]), finite(load[2]),
                process.openFiles(), process.maxOpenFiles(),
                memoryLimited || cpuLimit > 0, at);
    }

    /**
     * This process's CPU time and file descriptors. The JDK answers them with a system call or a directory
     * listing (under 0.01 ms each); OSHI, the fallback where the JDK cannot tell, rereads several
     * {@code /proc/self} files (about 0.5 ms).
     */
    private static final class ThisProcess {

        private final OperatingSystemMXBean jdk = ManagementFactory.getOperatingSystemMXBean();
        private final OSProcess oshi;

        ThisProcess(OSProcess oshi) {
            this.oshi = oshi;
        }

        /** CPU time (user and system) used so far, nanoseconds; -1 when unknown. */
        long cpuNanos() {
            if (jdk instanceof com.sun.management.OperatingSystemMXBean sun) {
                long nanos = sun.getProcessCpuTime();
                if (nanos >= 0) {
                    return nanos;
                }
            }
            if (oshi == null || !oshi.updateAttributes()) {
                return -1;
            }
            return (oshi.getKernelTime() + oshi.getUserTime()) * 1_000_000;
        }

        long openFiles() {
            if (jdk instanceof UnixOperatingSystemMXBean unix) {
                return unix.getOpenFileDescriptorCount();
            }
            return oshi == null ? -1 : oshi.getOpenFiles();
        }

        /** The soft limit on open file descriptors. */
        long maxOpenFiles() {
            if (jdk instanceof UnixOperatingSystemMXBean unix) {
                return unix.getMaxFileDescriptorCount();
            }
            return oshi == null ? -1 : oshi.getSoftOpenFileLimit();
        }
    }

    private static double clamp(double load) {
        if (!Double.isFinite(load) || load < 0) {
            return 0.0;
        }
        return Math.min(1.0, load);
    }

    private static double finite(double value) {
        return Double.isFinite(value) ? value : -1;
    }

    private static String hostName(OperatingSystem os) {
        String name = os.getNetworkParams().getHostName();
        if (name == null || name.isBlank()) {
            try {
                name = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                name = "localhost";
            }
        }
        return name;
    }
}
