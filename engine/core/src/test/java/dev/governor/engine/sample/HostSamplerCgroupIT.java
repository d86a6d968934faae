package dev.governor.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.governor.api.Fact;
import dev.governor.api.HostSample;
import dev.governor.engine.json.FactCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host sampler in a real control group: makes a child group with a memory limit and a CPU quota,
 * runs a JVM in it, and checks that the sampler inside reports the limits. Needs a writable cgroup file
 * system (root); skipped otherwise. The group is a child of this process's own group (v1) or of the root
 * (v2), and is removed afterwards.
 */
@EnabledOnOs(OS.LINUX)
class HostSamplerCgroupIT {

    private static final Path ROOT = Path.of("/sys/fs/cgroup");
    private static final long LIMIT = 512L << 20;

    private final List<Path> created = new ArrayList<>();

    @Test
    void aJvmInsideALimitedGroupSeesTheLimitsNotTheHost(@TempDir Path dir) throws Exception {
        String name = "governor-it-" + ProcessHandle.current().pid();
        List<Path> groups = Files.exists(ROOT.resolve("cgroup.controllers")) ? v2Group(name) : v1Groups(name);

        Path errors = dir.resolve("stderr");
        StringBuilder joinAll = new StringBuilder();
        for (Path group : groups) {
            joinAll.append("echo $$ > '").append(group.resolve("cgroup.procs")).append("' && ");
        }
        List<String> command = new ArrayList<>(List.of("sh", "-c", joinAll + "exec \"$0\" \"$@\"",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                HostSampleProbe.class.getName()));
        Process child = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        String output;
        try {
            output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(child.exitValue()).as("the probe failed: %s", Files.readString(errors)).isZero();

        List<Fact> facts = new FactCodec(Clock.systemUTC()).read(output);
        HostSample host = (HostSample) facts.get(0);
        assertThat(host.containerLimited()).isTrue();
        assertThat(host.cpus()).isEqualTo(0.5);
        assertThat(host.memoryTotal()).isEqualTo(LIMIT);
        assertThat(host.memoryUsed()).isPositive().isLessThan(LIMIT);
        assertThat(host.memoryAvailable()).isEqualTo(LIMIT - host.memoryUsed());
        assertThat(host.cpuLoad()).isBetween(0.0, 1.0);
        assertThat(host.processCpuLoad()).isBetween(0.0, 1.0);
    }

    /** cgroup v1: a child of this process's memory and cpu groups, each in its own hierarchy. */
    private List<Path> v1Groups(String name) throws IOException {
        Map<String, String> own = Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
                .map(line -> line.split(":", 3)).filter(parts -> parts.length == 3)
                .flatMap(parts -> java.util.Arrays.stream(parts[1].split(",")).map(c -> new String[] {c, parts[2]}))
                .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1], (a, b) -> a));
        assumeTrue(own.containsKey("memory") && own.containsKey("cpu"), "no v1 memory and cpu controllers");
        Path memory = create(mount("memory").resolve(own.get("memory").replaceFirst("^/", "")).resolve(name));
        Files.writeString(memory.resolve("memory.limit_in_bytes"), String.valueOf(LIMIT));
        Path cpu = create(mount("cpu").resolve(own.get("cpu").replaceFirst("^/", "")).resolve(name));
        Files.writeString(cpu.resolve("cpu.cfs_period_us"), "100000");
        Files.writeString(cpu.resolve("cpu.cfs_quota_us"), "50000");
        return List.of(memory, cpu);
    }

    /** cgroup v2: a child of the root, with the memory and cpu controllers enabled for the root's children. */
    private List<Path> v2Group(String name) throws IOException {
        String enabled = Files.readString(ROOT.resolve("cgroup.subtree_control"));
        if (!enabled.contains("memory") || !enabled.contains("cpu")) {
            try {
                Files.writeString(ROOT.resolve("cgroup.subtree_control"), "+memory +cpu");
            } catch (IOException e) {
                assumeTrue(false, "cannot enable the memory and cpu controllers: " + e);
            }
        }
        Path group = create(ROOT.resolve(name));
        Files.writeString(group.resolve("memory.max"), String.valueOf(LIMIT));
        Files.writeString(group.resolve("cpu.max"), "50000 100000");
        return List.of(group);
    }

    private static Path mount(String controller) {
        Path mount = ROOT.resolve(controller);
        assumeTrue(Files.isDirectory(mount), "no cgroup v1 mount for " + controller);
        return mount;
    }

    private Path create(Path group) {
        try {
            Files.createDirectory(group);
        } catch (IOException e) {
            assumeTrue(false, "cgroups are not writable here (" + e + ")");
        }
        created.add(group);
        return group;
    }

    @AfterEach
    void removeGroups() throws Exception {
        for (Path group : created) {
            // The child has exited; the kernel may take a moment to empty the group.
            for (int attempt = 0; attempt < 50 && Files.exists(group); attempt++) {
                try {
                    Files.delete(group);
                } catch (IOException e) {
                    Thread.sleep(100);
                }
            }
            assertThat(group).as("cgroup removed").doesNotExist();
        }
    }
}
