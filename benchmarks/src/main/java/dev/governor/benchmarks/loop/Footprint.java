package dev.governor.benchmarks.loop;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.governor.api.Registry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code governor run} costs with the default routes and rules, sampling the host, this JVM, one HikariCP
 * pool and one PostgreSQL database (a database of its own on the local server) every second: its share of
 * one core (the median of the per-interval shares of this process's CPU time), its resident memory, and its
 * heap after a full GC. Governor runs in this JVM as an embedding application runs it, so that it has a pool
 * to sample; this harness does nothing meanwhile but sleep, and the idle pool's housekeeping is a timer every
 * 30 s. Start-up (the first rules compile) is left out: measuring starts once Governor has run for 10 s.
 * Run with the JVM options of {@code ./governor} ({@code -XX:+UseSerialGC -Xms32m -Xmx512m}).
 *
 * <p>Usage: {@code Footprint [--quick] [--root DIR]}: 10 minutes in one-minute intervals, or 45 s in 15 s ones.
 */
public final class Footprint {

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path root = Path.of(".").toAbsolutePath().normalize();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        long totalMillis = quick ? 45_000 : 600_000;
        long intervalMillis = quick ? 15_000 : 60_000;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (LocalPostgres pg = new LocalPostgres("governor_bench_footprint")) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(pg.url());
            config.setUsername(pg.user());
            config.setPoolName("orders");
            config.setMaximumPoolSize(4);
            config.setMinimumIdle(2);
            try (HikariDataSource pool = new HikariDataSource(config)) {
                Registry.global().register(HikariDataSource.class, "orders", pool);
                Path dir = Files.createTempDirectory("governor-bench-footprint");
                try (InProcessGovernor governor = new InProcessGovernor(root, dir, """
                        rules: { dir: @RULES@ }
                        plugins: { dir: @PLUGINS@ }
                        envelope: { state: @STATE@ }
                        databases:
                          main:
                            url: %s
                            user: %s
                        """.formatted(pg.url(), pg.user()))) {
                    Thread.sleep(10_000);
                    List<Double> shares = new ArrayList<>();
                    long factsBefore = governor.governor().engine().factsIn();
                    long start = System.nanoTime();
                    long cpuStart = os.getProcessCpuTime();
                    java.util.Map<String, Long> threadsStart = threadCpu();
                    long wall = start;
                    long cpu = cpuStart;
                    while (System.nanoTime() - start < totalMillis * 1_000_000) {
                        Thread.sleep(intervalMillis);
                        long nowWall = System.nanoTime();
                        long nowCpu = os.getProcessCpuTime();
                        shares.add((double) (nowCpu - cpu) / (nowWall - wall));
                        wall = nowWall;
                        cpu = nowCpu;
                    }
                    double seconds = (wall - start) / 1e9;
                    long facts = governor.governor().engine().factsIn() - factsBefore;
                    double mean = (double) (cpu - cpuStart) / (wall - start);
                    java.util.Map<String, Long> threadsEnd = threadCpu();
                    long rss = procStatusKb("VmRSS");
                    long hwm = procStatusKb("VmHWM");
                    System.gc();
                    long heapAfterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    long nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed();
                    List<Double> sorted = shares.stream().sorted().toList();
                    double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                            : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
                    System.out.printf(Locale.ROOT, "RESULT footprint seconds=%.0f interval_s=%d cpu_share_median_pct=%.2f "
                                    + "cpu_share_mean_pct=%.2f cpu_share_max_pct=%.2f rss_mb=%.1f rss_peak_mb=%.1f heap_after_gc_mb=%.1f "
                                    + "non_heap_mb=%.1f facts=%d facts_per_s=%.1f session_facts=%d shares_pct=%s%n",
                            seconds, intervalMillis / 1000, median * 100, mean * 100, sorted.get(sorted.size() - 1) * 100,
                            rss / 1024.0, hwm / 1024.0, heapAfterGc / 1048576.0, nonHeap / 1048576.0, facts, facts / seconds,
                            governor.governor().engine().factCount(),
                            shares.stream().map(s -> String.format(Locale.ROOT, "%.2f", s * 100)).toList());
                    // Where the CPU went: Java threads by name (numbers folded), the rest is the JVM's own (JIT, GC).
                    java.util.Map<String, Long> byGroup = new java.util.TreeMap<>();
                    long javaThreads = 0;
                    for (var e : threadsEnd.entrySet()) {
                        long used = e.getValue() - threadsStart.getOrDefault(e.getKey(), 0L);
                        String group = e.getKey().substring(e.getKey().indexOf('|') + 1).replaceAll("\\d+", "N");
                        byGroup.merge(group, used, Long::sum);
                        javaThreads += used;
                    }
                    byGroup.put("(JVM: JIT compiler, GC, other non-Java threads)", (cpu - cpuStart) - javaThreads);
                    double wallNanos = wall - start;
                    byGroup.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                            .filter(e -> e.getValue() > 0).limit(14)
                            .forEach(e -> System.out.printf(Locale.ROOT, "THREAD %-60s %6.3f%% of a core%n", e.getKey(),
                                    e.getValue() / wallNanos * 100));
                } finally {
                    Registry.global().unregister(HikariDataSource.class, "orders");
                }
            }
        }
    }

    /** CPU time of every live Java thread, by "id|name". */
    private static java.util.Map<String, Long> threadCpu() {
        var threads = ManagementFactory.getThreadMXBean();
        java.util.Map<String, Long> cpu = new java.util.HashMap<>();
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                long t = threads.getThreadCpuTime(info.getThreadId());
                if (t >= 0) {
                    cpu.put(info.getThreadId() + "|" + info.getThreadName(), t);
                }
            }
        }
        return cpu;
    }

    private static long procStatusKb(String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }
}
