package dev.governor.engine.sample;

import dev.governor.api.HostSample;
import java.time.Clock;
import java.util.List;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Samples the host and this process through OSHI. One {@link SystemInfo} lives as long as the
 * sampler; CPU loads are computed between this sample's counters and the previous one's, so the first
 * sample waits briefly for a second reading.
 */
public final class HostSampler implements Sampler {

    /** Longer than OSHI's cache of CPU counters (300 ms by default), so the second reading is fresh. */
    private static final long FIRST_SAMPLE_WAIT_MILLIS = 500;

    private final Clock clock;
    private final CentralProcessor processor;
    private final GlobalMemory memory;
    private final OperatingSystem os;
    private final int pid;
    private final String host;
    private long[] previousTicks;
    private OSProcess previousProcess;

    public HostSampler(Clock clock) {
        this.clock = clock;
        SystemInfo systemInfo = new SystemInfo();
        this.processor = systemInfo.getHardware().getProcessor();
        this.memory = systemInfo.getHardware().getMemory();
        this.os = systemInfo.getOperatingSystem();
        this.pid = os.getProcessId();
        this.host = hostName(os);
    }

    @Override
    public synchronized List<HostSample> sample() throws InterruptedException {
        if (previousTicks == null) {
            previousTicks = processor.getSystemCpuLoadTicks();
            previousProcess = os.getProcess(pid);
            Thread.sleep(FIRST_SAMPLE_WAIT_MILLIS);
        }
        long[] ticks = processor.getSystemCpuLoadTicks();
        double cpuLoad = clamp(processor.getSystemCpuLoadBetweenTicks(previousTicks));
        previousTicks = ticks;

        int cpus = processor.getLogicalProcessorCount();
        double processCpuLoad = 0.0;
        OSProcess process = os.getProcess(pid);
        if (process != null && previousProcess != null) {
            // OSHI gives the share of one CPU; divide by the CPUs to get the share of the machine.
            processCpuLoad = clamp(process.getProcessCpuLoadBetweenTicks(previousProcess) / Math.max(1, cpus));
        }
        previousProcess = process;

        long total = memory.getTotal();
        long available = Math.min(total, memory.getAvailable());
        return List.of(new HostSample(host, cpuLoad, processCpuLoad, cpus, total, total - available, available,
                clock.instant()));
    }

    private static double clamp(double load) {
        if (!Double.isFinite(load) || load < 0) {
            return 0.0;
        }
        return Math.min(1.0, load);
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
