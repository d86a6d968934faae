package dev.governor.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cgroup trees laid out as the kernel does, in a temporary directory. */
class ContainerLimitsTest {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    @Test
    void readsAV2GroupsMemoryAndCpuLimitsAndItsCpuSet() throws IOException {
        Path root = v2Root();
        Path group = write(root.resolve("system.slice/app.service"),
                "memory.max", String.valueOf(GIB),
                "memory.current", "600000000",
                "memory.stat", "anon 400000000\nfile 200000000\nactive_file 100000000\ninactive_file 100000000\n",
                "cpu.max", "150000 100000",
                "cpu.stat", "usage_usec 123456\nuser_usec 100000\nsystem_usec 23456\n",
                "cpuset.cpus.effective", "0-3\n");
        write(group.getParent(), "memory.max", "max\n", "cpu.max", "max 100000\n");

        ContainerLimits limits = ContainerLimits.read(root, procSelf("0::/system.slice/app.service"));

        assertThat(limits.version()).isEqualTo(2);
        assertThat(limits.cpuQuota()).isEqualTo(1.5);
        assertThat(limits.cpusetCpus()).isEqualTo(4);
        assertThat(limits.memoryLimit()).isEqualTo(GIB);
        assertThat(limits.memoryUsage()).isEqualTo(600_000_000L);
        assertThat(limits.memoryInactiveFile()).isEqualTo(100_000_000L);
        assertThat(limits.memoryUsedWithoutCache()).isEqualTo(500_000_000L);
        assertThat(limits.cpuUsageNanos()).isEqualTo(123_456_000L);
        assertThat(limits.cpuLimit(8)).isEqualTo(1.5);
        assertThat(limits.hasMemoryLimit()).isTrue();
    }

    @Test
    void v2MaxMeansNoLimit() throws IOException {
        Path root = v2Root();
        write(root.resolve("user.slice"), "memory.max", "max\n", "memory.current", "4096\n", "cpu.max", "max 100000\n",
                "cpuset.cpus.effective", "0-7\n");

        ContainerLimits limits = ContainerLimits.read(root, procSelf("0::/user.slice"));

        assertThat(limits.version()).isEqualTo(2);
        assertThat(limits.hasMemoryLimit()).isFalse();
        assertThat(limits.memoryLimit()).isEqualTo(-1);
        assertThat(limits.cpuQuota()).isEqualTo(-1);
        assertThat(limits.cpuLimit(8)).as("a CPU set of all 8 host CPUs is no limit").isEqualTo(-1);
        assertThat(limits.cpuLimit(16)).as("8 of 16 CPUs is").isEqualTo(8);
        assertThat(limits.memoryUsage()).isEqualTo(4096);
    }

    @Test
    void aLimitOnAnAncestorAppliesWithTheAncestorsUsage() throws IOException {
        Path root = v2Root();
        Path parent = write(root.resolve("kubepods/pod1"), "memory.max", String.valueOf(512 * MIB),
                "memory.current", String.valueOf(300 * MIB), "memory.stat", "inactive_file " + 20 * MIB + "\n",
                "cpu.max", "50000 100000");
        write(parent.resolve("app"), "memory.max", "max", "memory.current", String.valueOf(200 * MIB),
                "cpu.max", "200000 100000");

        ContainerLimits limits = ContainerLimits.read(root, procSelf("0::/kubepods/pod1/app"));

        assertThat(limits.memoryLimit()).isEqualTo(512 * MIB);
        assertThat(limits.memoryUsage()).isEqualTo(300 * MIB);
        assertThat(limits.memoryUsedWithoutCache()).isEqualTo(280 * MIB);
        assertThat(limits.cpuQuota()).as("the parent's half CPU is tighter than the child's two").isEqualTo(0.5);
    }

    @Test
    void insideACgroupNamespaceTheRootIsTheContainersGroup() throws IOException {
        Path root = v2Root();
        write(root, "memory.max", String.valueOf(256 * MIB), "memory.current", String.valueOf(100 * MIB),
                "cpu.max", "25000 100000");

        ContainerLimits limits = ContainerLimits.read(root, procSelf("0::/"));

        assertThat(limits.memoryLimit()).isEqualTo(256 * MIB);
        assertThat(limits.memoryUsedWithoutCache()).as("no memory.stat: nothing to subtract").isEqualTo(100 * MIB);
        assertThat(limits.cpuQuota()).isEqualTo(0.25);
    }

    @Test
    void aGroupPathMissingFromTheMountFallsBackOnTheMountsRoot() throws IOException {
        Path root = v2Root();
        write(root, "memory.max", String.valueOf(GIB), "memory.current", "1000");

        ContainerLimits limits = ContainerLimits.read(root, procSelf("0::/docker/0123abcd"));

        assertThat(limits.memoryLimit()).isEqualTo(GIB);
    }

    @Test
    void readsV1ControllersFromTheirOwnMountsIncludingCoMountedOnes() throws IOException {
        Path root = dir.resolve("cgroup");
        write(root.resolve("memory/docker/abc"), "memory.limit_in_bytes", String.valueOf(256 * MIB),
                "memory.usage_in_bytes", String.valueOf(200 * MIB),
                "memory.stat", "cache 1000\ninactive_file 999\ntotal_inactive_file " + 50 * MIB + "\n");
        write(root.resolve("memory"), "memory.limit_in_bytes", "9223372036854771712");
        write(root.resolve("cpu,cpuacct/docker/abc"), "cpu.cfs_quota_us", "50000", "cpu.cfs_period_us", "100000",
                "cpuacct.usage", "987654321");
        write(root.resolve("cpuset/docker/abc"), "cpuset.cpus", "0-1");
        Files.createDirectories(root.resolve("unified"));

        ContainerLimits limits = ContainerLimits.read(root, procSelf("""
                12:memory:/docker/abc
                4:cpu,cpuacct:/docker/abc
                3:cpuset:/docker/abc
                1:name=systemd:/docker/abc
                0::/docker/abc
                """));

        assertThat(limits.version()).isEqualTo(1);
        assertThat(limits.memoryLimit()).isEqualTo(256 * MIB);
        assertThat(limits.memoryUsage()).isEqualTo(200 * MIB);
        assertThat(limits.memoryInactiveFile()).as("the hierarchical total, not the group's own").isEqualTo(50 * MIB);
        assertThat(limits.memoryUsedWithoutCache()).isEqualTo(150 * MIB);
        assertThat(limits.cpuQuota()).isEqualTo(0.5);
        assertThat(limits.cpusetCpus()).isEqualTo(2);
        assertThat(limits.cpuUsageNanos()).isEqualTo(987_654_321L);
        assertThat(limits.cpuLimit(4)).isEqualTo(0.5);
    }

    @Test
    void v1WithoutLimitsReportsNone() throws IOException {
        Path root = dir.resolve("cgroup");
        write(root.resolve("memory/user.slice"), "memory.limit_in_bytes", "9223372036854771712",
                "memory.usage_in_bytes", "123456789");
        write(root.resolve("memory"), "memory.limit_in_bytes", "9223372036854771712");
        write(root.resolve("cpu"), "cpu.cfs_quota_us", "-1", "cpu.cfs_period_us", "100000");
        write(root.resolve("cpuset"), "cpuset.effective_cpus", "0-3", "cpuset.cpus", "0");

        ContainerLimits limits = ContainerLimits.read(root, procSelf("""
                4:memory:/user.slice
                2:cpu:/
                3:cpuset:/
                """));

        assertThat(limits.version()).isEqualTo(1);
        assertThat(limits.hasMemoryLimit()).isFalse();
        assertThat(limits.memoryUsage()).isEqualTo(123_456_789L);
        assertThat(limits.cpuQuota()).isEqualTo(-1);
        assertThat(limits.cpusetCpus()).as("effective_cpus wins over cpus").isEqualTo(4);
        assertThat(limits.cpuLimit(4)).isEqualTo(-1);
        assertThat(limits.cpuUsageNanos()).isEqualTo(-1);
    }

    @Test
    void noCgroupFileSystemMeansNoLimits() throws IOException {
        assertThat(ContainerLimits.read(dir.resolve("absent"), dir.resolve("no-such-file"))).isEqualTo(ContainerLimits.NONE);
        assertThat(ContainerLimits.read(Files.createDirectories(dir.resolve("empty")), procSelf("0::/")))
                .isEqualTo(ContainerLimits.NONE);
    }

    @Test
    void unreadableOrMalformedFilesAreNoLimitRatherThanAnError() throws IOException {
        Path root = v2Root();
        write(root.resolve("app"), "memory.max", "lots", "cpu.max", "fast 100000", "cpuset.cpus.effective", "a-b");

        ContainerLimits limits = ContainerLimits.read(root, procSelf("0::/app"));

        assertThat(limits.hasMemoryLimit()).isFalse();
        assertThat(limits.cpuQuota()).isEqualTo(-1);
        assertThat(limits.cpusetCpus()).isEqualTo(-1);
        assertThat(limits.memoryUsedWithoutCache()).isEqualTo(-1);
    }

    @Test
    void parsesCpuListsAndCpuMax() {
        assertThat(ContainerLimits.Cgroup.cpuCount("0-3,6,8-9\n")).isEqualTo(7);
        assertThat(ContainerLimits.Cgroup.cpuCount("5")).isEqualTo(1);
        assertThat(ContainerLimits.Cgroup.cpuCount("")).isEqualTo(-1);
        assertThat(ContainerLimits.Cgroup.cpuCount("3-1")).isEqualTo(-1);
        assertThat(ContainerLimits.Cgroup.cpuMaxV2("max 100000")).isEqualTo(-1);
        assertThat(ContainerLimits.Cgroup.cpuMaxV2("12345 50000")).isCloseTo(0.2469, within(1e-9));
        assertThat(ContainerLimits.Cgroup.cpuMaxV2("200000")).as("default period").isEqualTo(2.0);
    }

    @Test
    void samplingRereadsUsageButTrustsTheLimitsForAWhile() throws IOException {
        Path root = v2Root();
        Path group = write(root.resolve("app"), "memory.max", String.valueOf(GIB), "memory.current", "1000",
                "cpu.max", "100000 100000", "cpu.stat", "usage_usec 5\n", "cpuset.cpus.effective", "0-3");
        ContainerLimits.Cgroup cgroup = ContainerLimits.Cgroup.locate(root, procSelf("0::/app"));
        assertThat(cgroup.sample(4).memoryUsage()).isEqualTo(1000);

        write(group, "memory.current", "2000", "memory.max", String.valueOf(2 * GIB), "cpu.stat", "usage_usec 7\n");
        ContainerLimits second = cgroup.sample(4);

        assertThat(second.memoryUsage()).isEqualTo(2000);
        assertThat(second.cpuUsageNanos()).isEqualTo(7000);
        assertThat(second.memoryLimit()).as("read again only after %d s", ContainerLimits.LIMITS_TRUSTED_NANOS / 1_000_000_000L)
                .isEqualTo(GIB);
        assertThat(cgroup.read().memoryLimit()).isEqualTo(2 * GIB);
    }

    @Test
    void samplingAGroupWithoutLimitsReadsNoUsage() throws IOException {
        Path root = v2Root();
        write(root.resolve("app"), "memory.max", "max", "memory.current", "1000", "cpu.max", "max 100000",
                "cpu.stat", "usage_usec 5\n", "cpuset.cpus.effective", "0-3");
        ContainerLimits.Cgroup cgroup = ContainerLimits.Cgroup.locate(root, procSelf("0::/app"));
        cgroup.sample(4);

        ContainerLimits second = cgroup.sample(4);

        assertThat(second.memoryUsage()).isEqualTo(-1);
        assertThat(second.cpuUsageNanos()).as("four of four CPUs is no limit").isEqualTo(-1);
        assertThat(cgroup.sample(8).cpuUsageNanos()).as("four of eight is").isEqualTo(5000);
    }

    @Test
    void usageAboveTheLimitIsReportedAsTheLimit() {
        ContainerLimits limits = new ContainerLimits(2, -1, -1, 1000, 1200, 100, -1);

        assertThat(limits.memoryUsedWithoutCache()).isEqualTo(1000);
    }

    private Path v2Root() throws IOException {
        Path root = dir.resolve("cgroup");
        write(root, "cgroup.controllers", "cpuset cpu io memory pids\n");
        return root;
    }

    private Path procSelf(String text) throws IOException {
        return Files.writeString(dir.resolve("proc-self-cgroup"), text.endsWith("\n") ? text : text + "\n");
    }

    /** Writes name/content pairs into a directory, creating it. */
    private static Path write(Path directory, String... namesAndContents) throws IOException {
        Files.createDirectories(directory);
        for (int i = 0; i < namesAndContents.length; i += 2) {
            Files.writeString(directory.resolve(namesAndContents[i]), namesAndContents[i + 1]);
        }
        return directory;
    }
}
