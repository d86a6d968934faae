package dev.governor.engine.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU and memory limits a Linux control group (cgroup v2 or v1) puts on this process, and the
 * group's usage, read from the cgroup file system.
 *
 * <p>Where the limits come from:
 * <ul>
 *   <li>memory: the smallest {@code memory.max} (v2) or {@code memory.limit_in_bytes} (v1) of the process's
 *       group and its ancestors, up to the mount's root; usage ({@code memory.current} / {@code
 *       memory.usage_in_bytes}) and the inactive file cache ({@code inactive_file} / {@code total_inactive_file}
 *       in {@code memory.stat}) are read from the group that holds that limit;</li>
 *   <li>CPU quota: the smallest {@code cpu.max} quota/period (v2) or {@code cpu.cfs_quota_us}/{@code
 *       cpu.cfs_period_us} (v1) of the group and its ancestors, in CPUs (may be fractional);</li>
 *   <li>CPU set: the number of CPUs in {@code cpuset.cpus.effective} (v2), {@code cpuset.effective_cpus} or
 *       {@code cpuset.cpus} (v1) of the process's own group;</li>
 *   <li>CPU usage: {@code usage_usec} of {@code cpu.stat} (v2) or {@code cpuacct.usage} (v1) of the own group.</li>
 * </ul>
 * The group's directory is the mount plus the path in {@code /proc/self/cgroup}; where that directory does
 * not exist (a container that mounts its own group as the root without a cgroup namespace), the mount's
 * root is the group. A file that is missing or unreadable means "no limit" or "unknown": reading never throws.
 *
 * <p>OSHI's {@code OperatingSystem.getCgroupInfo()} was not used: it reads only the process's own group
 * (no limits set on an ancestor), does not read the CPU set or the page cache, and reads fixed paths,
 * which a test cannot point at a fixture.
 *
 * @param version            1 or 2; 0 when no cgroup file system was found
 * @param cpuQuota           the CPU quota in CPUs (1.5 = one and a half CPUs); -1 when there is none
 * @param cpusetCpus         CPUs in the group's CPU set; -1 when unknown
 * @param memoryLimit        the memory limit, bytes; -1 when there is none
 * @param memoryUsage        memory charged to the limiting group (the own group without a limit), page cache
 *                           included, bytes; -1 when unknown
 * @param memoryInactiveFile inactive file cache in that group, which the kernel reclaims first, bytes; -1 when unknown
 * @param cpuUsageNanos      CPU time used by the own group since it was created, nanoseconds; -1 when unknown
 */
record ContainerLimits(int version, double cpuQuota, int cpusetCpus, long memoryLimit, long memoryUsage,
                       long memoryInactiveFile, long cpuUsageNanos) {

    /** No cgroup file system: no limits, nothing known. */
    static final ContainerLimits NONE = new ContainerLimits(0, -1, -1, -1, -1, -1, -1);

    /** How long limits read from the files are used before they are read again, nanoseconds. */
    static final long LIMITS_TRUSTED_NANOS = 10_000_000_000L;

    /** cgroup v1 reports "no limit" as a huge page-aligned number near {@code Long.MAX_VALUE}. */
    private static final long V1_UNLIMITED = 1L << 62;

    private static final Logger LOG = LoggerFactory.getLogger(ContainerLimits.class);

    /**
     * Reads the limits of the process whose {@code /proc/PID/cgroup} is {@code procSelfCgroup}.
     *
     * @param cgroupRoot     where the cgroup file systems are mounted, normally {@code /sys/fs/cgroup}
     * @param procSelfCgroup normally {@code /proc/self/cgroup}
     */
    static ContainerLimits read(Path cgroupRoot, Path procSelfCgroup) {
        return Cgroup.locate(cgroupRoot, procSelfCgroup).read();
    }

    boolean hasMemoryLimit() {
        return memoryLimit > 0;
    }

    /**
     * The CPUs this group may use, the quota or the CPU set, whichever is smaller, when that is fewer than
     * the host's; -1 when the group may use all of the host's CPUs.
     */
    double cpuLimit(int hostCpus) {
        double limit = hostCpus;
        if (cpuQuota > 0) {
            limit = Math.min(limit, cpuQuota);
        }
        if (cpusetCpus > 0) {
            limit = Math.min(limit, cpusetCpus);
        }
        return limit < hostCpus ? limit : -1;
    }

    /**
     * Memory in use under the limit without the inactive file cache (as {@code docker stats} counts it),
     * at most the limit; -1 when unknown.
     */
    long memoryUsedWithoutCache() {
        if (memoryUsage < 0) {
            return -1;
        }
        long used = memoryUsage - Math.max(0, memoryInactiveFile);
        used = Math.max(0, used);
        return memoryLimit > 0 ? Math.min(memoryLimit, used) : used;
    }

    /**
     * The directories that hold this process's cgroup files, found once; {@link #read()} and
     * {@link #sample(int)} read them. Not thread-safe.
     */
    static final class Cgroup {

        private final int version;
        // For each controller, the own group first, then its ancestors up to the mount's root.
        private final List<Path> memory;
        private final List<Path> cpu;
        private final Path cpuset;
        private final Path cpuacct;
        // What the last full read found; see sample().
        private ContainerLimits last;
        private long limitsReadAt;
        private Path limiting;

        private Cgroup(int version, List<Path> memory, List<Path> cpu, Path cpuset, Path cpuacct) {
            this.version = version;
            this.memory = memory;
            this.cpu = cpu;
            this.cpuset = cpuset;
            this.cpuacct = cpuacct;
        }

        /** Finds the process's groups; a machine without cgroups gives one that reads {@link #NONE}. */
        static Cgroup locate(Path root, Path procSelfCgroup) {
            List<String> lines;
            try {
                lines = Files.readAllLines(procSelfCgroup);
            } catch (IOException | RuntimeException e) {
                LOG.debug("No cgroup membership in {}: {}", procSelfCgroup, e.toString());
                return new Cgroup(0, List.of(), List.of(), null, null);
            }
            if (Files.exists(root.resolve("cgroup.controllers"))) {
                String path = lines.stream().filter(line -> line.startsWith("0::")).map(line -> line.substring(3))
                        .findFirst().orElse("/");
                List<Path> chain = chain(root, path);
                return new Cgroup(2, chain, chain, chain.get(0), chain.get(0));
            }
            Map<String, String> paths = new HashMap<>();
            Map<String, String> mounts = new HashMap<>();
            for (String line : lines) {
                String[] parts = line.split(":", 3);
                if (parts.length < 3 || parts[1].isEmpty()) {
                    continue;
                }
                for (String controller : parts[1].split(",")) {
                    paths.put(controller, parts[2]);
                    mounts.put(controller, parts[1]);
                }
            }
            List<Path> memory = v1Chain(root, "memory", paths, mounts);
            List<Path> cpu = v1Chain(root, "cpu", paths, mounts);
            List<Path> cpuset = v1Chain(root, "cpuset", paths, mounts);
            List<Path> cpuacct = v1Chain(root, "cpuacct", paths, mounts);
            if (memory.isEmpty() && cpu.isEmpty() && cpuset.isEmpty()) {
                return new Cgroup(0, List.of(), List.of(), null, null);
            }
            return new Cgroup(1, memory, cpu, cpuset.isEmpty() ? null : cpuset.get(0),
                    cpuacct.isEmpty() ? null : cpuacct.get(0));
        }

        private static List<Path> v1Chain(Path root, String controller, Map<String, String> paths,
                                          Map<String, String> mounts) {
            String path = paths.get(controller);
            if (path == null) {
                return List.of();
            }
            // Controllers mounted together live in "cpu,cpuacct", usually with a "cpu" link beside it.
            for (Path mount : List.of(root.resolve(controller), root.resolve(mounts.get(controller)))) {
                if (Files.isDirectory(mount)) {
                    return chain(mount, path);
                }
            }
            return List.of();
        }

        /** The group's directory and its ancestors up to the mount, the group first. */
        private static List<Path> chain(Path mount, String path) {
            String relative = path.strip().replaceFirst("^/+", "");
            Path group = relative.isEmpty() ? mount : mount.resolve(relative).normalize();
            if (!group.startsWith(mount) || !Files.isDirectory(group)) {
                group = mount;
            }
            List<Path> chain = new ArrayList<>();
            for (Path dir = group; dir != null && dir.startsWith(mount); dir = dir.getParent()) {
                chain.add(dir);
            }
            return List.copyOf(chain);
        }

        /** Reads the limits and usage now. */
        ContainerLimits read() {
            return switch (version) {
                case 2 -> readV2();
                case 1 -> readV1();
                default -> NONE;
            };
        }

        /**
         * Limits read at most {@link #LIMITS_TRUSTED_NANOS} ago, and the usage that matters under them read now:
         * memory usage only under a memory limit, CPU usage only under fewer CPUs than the host's. Limits
         * rarely change, and a host without limits then costs no file reads at all.
         */
        ContainerLimits sample(int hostCpus) {
            if (last == null || System.nanoTime() - limitsReadAt > LIMITS_TRUSTED_NANOS) {
                last = read();
                limitsReadAt = System.nanoTime();
                return last;
            }
            long usage = -1;
            long inactiveFile = -1;
            if (last.hasMemoryLimit()) {
                long[] memoryUsage = memoryUsage(limiting);
                usage = memoryUsage[0];
                inactiveFile = memoryUsage[1];
            }
            long cpuNanos = last.cpuLimit(hostCpus) > 0 ? cpuUsageNanos() : -1;
            return new ContainerLimits(last.version, last.cpuQuota, last.cpusetCpus, last.memoryLimit, usage,
                    inactiveFile, cpuNanos);
        }

        private ContainerLimits readV2() {
            double quota = -1;
            for (Path dir : cpu) {
                quota = smallerQuota(quota, cpuMaxV2(text(dir.resolve("cpu.max"))));
            }
            limiting = memory.get(0);
            long limit = -1;
            for (Path dir : memory) {
                long value = bytesOrMax(text(dir.resolve("memory.max")));
                if (value >= 0 && (limit < 0 || value < limit)) {
                    limit = value;
                    limiting = dir;
                }
            }
            long[] usage = memoryUsage(limiting);
            return new ContainerLimits(2, quota, cpuCount(text(cpuset.resolve("cpuset.cpus.effective"))), limit,
                    usage[0], usage[1], cpuUsageNanos());
        }

        private ContainerLimits readV1() {
            double quota = -1;
            for (Path dir : cpu) {
                long quotaMicros = number(text(dir.resolve("cpu.cfs_quota_us")));
                long periodMicros = number(text(dir.resolve("cpu.cfs_period_us")));
                if (quotaMicros > 0 && periodMicros > 0) {
                    quota = smallerQuota(quota, (double) quotaMicros / periodMicros);
                }
            }
            limiting = memory.isEmpty() ? null : memory.get(0);
            long limit = -1;
            for (Path dir : memory) {
                long value = number(text(dir.resolve("memory.limit_in_bytes")));
                if (value >= 0 && value < V1_UNLIMITED && (limit < 0 || value < limit)) {
                    limit = value;
                    limiting = dir;
                }
            }
            int cpus = -1;
            if (cpuset != null) {
                String effective = text(cpuset.resolve("cpuset.effective_cpus"));
                cpus = cpuCount(effective != null ? effective : text(cpuset.resolve("cpuset.cpus")));
            }
            long[] usage = memoryUsage(limiting);
            return new ContainerLimits(1, quota, cpus, limit, usage[0], usage[1], cpuUsageNanos());
        }

        /** Usage and inactive file cache of a memory group, bytes; -1 each when unknown. */
        private long[] memoryUsage(Path dir) {
            if (dir == null) {
                return new long[] {-1, -1};
            }
            if (version == 2) {
                return new long[] {number(text(dir.resolve("memory.current"))),
                        stat(dir.resolve("memory.stat")).getOrDefault("inactive_file", -1L)};
            }
            Map<String, Long> stat = stat(dir.resolve("memory.stat"));
            return new long[] {number(text(dir.resolve("memory.usage_in_bytes"))),
                    stat.getOrDefault("total_inactive_file", stat.getOrDefault("inactive_file", -1L))};
        }

        /** CPU time the own group has used, nanoseconds; -1 when unknown. */
        private long cpuUsageNanos() {
            if (cpuacct == null) {
                return -1;
            }
            if (version == 2) {
                long micros = stat(cpuacct.resolve("cpu.stat")).getOrDefault("usage_usec", -1L);
                return micros < 0 ? -1 : micros * 1000;
            }
            return number(text(cpuacct.resolve("cpuacct.usage")));
        }

        private static double smallerQuota(double current, double candidate) {
            if (candidate <= 0) {
                return current;
            }
            return current <= 0 ? candidate : Math.min(current, candidate);
        }

        /** {@code cpu.max}: "max 100000" (no limit) or "150000 100000" (quota and period in microseconds). */
        static double cpuMaxV2(String text) {
            if (text == null) {
                return -1;
            }
            String[] parts = text.strip().split("\\s+");
            if (parts.length == 0 || parts[0].equals("max")) {
                return -1;
            }
            long quota = number(parts[0]);
            long period = parts.length > 1 ? number(parts[1]) : 100_000;
            return quota > 0 && period > 0 ? (double) quota / period : -1;
        }

        /** A byte count, or -1 for "max" or anything unreadable. */
        private static long bytesOrMax(String text) {
            return text == null || text.strip().equals("max") ? -1 : number(text);
        }

        /** The number of CPUs in a list such as {@code 0-3,6,8-9}; -1 when empty or malformed. */
        static int cpuCount(String list) {
            if (list == null || list.isBlank()) {
                return -1;
            }
            int count = 0;
            for (String range : list.strip().split(",")) {
                String[] ends = range.strip().split("-");
                try {
                    int first = Integer.parseInt(ends[0].strip());
                    int last = ends.length > 1 ? Integer.parseInt(ends[1].strip()) : first;
                    if (last < first) {
                        return -1;
                    }
                    count += last - first + 1;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
            return count;
        }

        /** A flat-keyed file such as {@code memory.stat} or {@code cpu.stat}: "key value" per line. */
        private static Map<String, Long> stat(Path file) {
            String text = text(file);
            if (text == null) {
                return Map.of();
            }
            Map<String, Long> values = new HashMap<>();
            for (String line : text.split("\n")) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    long value = number(line.substring(space + 1));
                    if (value >= 0) {
                        values.put(line.substring(0, space), value);
                    }
                }
            }
            return values;
        }

        private static long number(String text) {
            if (text == null) {
                return -1;
            }
            try {
                return Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        private static String text(Path file) {
            try {
                return Files.readString(file);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }
}
