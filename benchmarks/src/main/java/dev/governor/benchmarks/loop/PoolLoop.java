package dev.governor.benchmarks.loop;

import com.vladmihalcea.flexypool.FlexyPoolDataSource;
import com.vladmihalcea.flexypool.adaptor.HikariCPPoolAdapter;
import com.vladmihalcea.flexypool.config.FlexyPoolConfiguration;
import com.vladmihalcea.flexypool.strategy.IncrementPoolOnTimeoutConnectionAcquisitionStrategy;
import com.vladmihalcea.flexypool.strategy.RetryConnectionAcquisitionStrategy;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.governor.api.Registry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The pool closed loop: a real HikariCP pool on a database of its own on the local PostgreSQL, callers running
 * {@code SELECT pg_sleep(0.02)} back to back, 4 of them, then 32, then 4 again; the same schedule for each
 * variant, one after another in one run:
 * <ul>
 *   <li>{@code static-4}, {@code static-32}: HikariCP with a fixed maximum;</li>
 *   <li>{@code flexypool}: FlexyPool 3.1.1 over the same HikariCP pool starting at 4, with the strategies its
 *       README shows: {@code IncrementPoolOnTimeoutConnectionAcquisitionStrategy} (up to 28 more, so 32 at most)
 *       and {@code RetryConnectionAcquisitionStrategy} (2 retries);</li>
 *   <li>{@code governor}: Governor in this JVM with the default rules and routes, the pool registered in
 *       {@code Registry.global()}, {@code pool.resize} bounded to 4..32;</li>
 *   <li>{@code governor-tuned}: the same with shorter "for" durations, larger steps and shorter cooldowns.</li>
 * </ul>
 * The static pools are fixed-size ({@code minimumIdle} = maximum), the others start with 4 connections
 * ({@code minimumIdle} 4, maximum 4). Every pool waits at most 250 ms for a connection
 * ({@code connectionTimeout}, HikariCP's minimum), so a saturated pool shows as timeouts within the run and
 * FlexyPool's growth on timeout has its trigger. Prints one summary line per variant and writes
 * {@code pool-VARIANT.csv} (the pool every 100 ms) and {@code pool.png} into the results folder.
 *
 * <p>Usage: {@code PoolLoop [--quick] [--results DIR] [--root DIR] [VARIANT...]}
 */
public final class PoolLoop {

    private static final int MAX_CALLERS = 32;
    private static final long CONNECTION_TIMEOUT_MS = 250;

    /** A step of the schedule: this many callers for this long. */
    record Phase(int callers, long millis) {
    }

    /** One variant's figures. */
    record Result(String variant, Histogram waits, Histogram waitsAt32, long timeouts, long queries, long errors,
                  double seconds, int peak, int finalTotal, Double backToSixAfter, List<long[]> samples, String note) {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path results = Path.of("benchmarks/results");
        Path root = Path.of(".").toAbsolutePath().normalize();
        List<String> variants = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--results" -> results = Path.of(args[++i]);
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                default -> variants.add(args[i]);
            }
        }
        if (variants.isEmpty()) {
            variants = List.of("static-4", "static-32", "flexypool", "governor", "governor-tuned");
        }
        Files.createDirectories(results);
        List<Phase> schedule = quick
                ? List.of(new Phase(4, 2_000), new Phase(32, 8_000), new Phase(4, 3_000))
                : List.of(new Phase(4, 20_000), new Phase(32, 40_000), new Phase(4, 40_000));
        // After the schedule, Governor variants keep 4 callers until the pool holds at most 6 connections, up to this.
        long tailMillis = quick ? 0 : 11 * 60_000;
        System.out.printf("pool closed loop: schedule %s; connectionTimeout %d ms; SELECT pg_sleep(0.02)%n", schedule,
                CONNECTION_TIMEOUT_MS);
        List<Result> all = new ArrayList<>();
        try (LocalPostgres pg = new LocalPostgres("governor_bench_pool")) {
            for (String variant : variants) {
                Result r = run(variant, schedule, tailMillis, pg, root, results, quick);
                all.add(r);
                print(r);
                writeCsv(results.resolve("pool-" + variant + ".csv"), r);
            }
        }
        List<Plot.Series> series = new ArrayList<>();
        for (Result r : all) {
            List<double[]> points = new ArrayList<>();
            for (long[] s : r.samples()) {
                points.add(new double[] {s[0] / 1000.0, s[2]});
            }
            series.add(new Plot.Series(r.variant(), points));
        }
        double from = schedule.get(0).millis() / 1000.0;
        double to = from + schedule.get(1).millis() / 1000.0;
        Plot.write(results.resolve(quick ? "pool-quick.png" : "pool.png"),
                "Connections held (HikariCP total) - 4, then 32 (shaded), then 4 callers of 20 ms queries",
                "seconds", "connections", series, List.of(new double[] {from, to}));
    }

    private static DataSource[] open(String variant, LocalPostgres pg) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pg.url());
        config.setUsername(pg.user());
        String password = System.getenv("GOVERNOR_BENCH_PG_PASSWORD");
        if (password != null) {
            config.setPassword(password);
        }
        config.setPoolName("orders");
        // A static pool is a fixed-size one (minimumIdle = maximum), as HikariCP advises; the others start at 4.
        int max = variant.equals("static-32") ? 32 : 4;
        config.setMaximumPoolSize(max);
        config.setMinimumIdle(variant.startsWith("static") ? max : 4);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        HikariDataSource hikari = new HikariDataSource(config);
        if (!variant.equals("flexypool")) {
            return new DataSource[] {hikari, hikari};
        }
        FlexyPoolConfiguration<HikariDataSource> flexyConfig = new FlexyPoolConfiguration.Builder<>(
                "orders-flexy", hikari, HikariCPPoolAdapter.FACTORY).build();
        FlexyPoolDataSource<HikariDataSource> flexy = new FlexyPoolDataSource<>(flexyConfig,
                new IncrementPoolOnTimeoutConnectionAcquisitionStrategy.Factory<>(28),
                new RetryConnectionAcquisitionStrategy.Factory<>(2));
        flexy.start();
        return new DataSource[] {flexy, hikari};
    }

    /** The configuration of a Governor variant over the defaults, with @RULES@, @PLUGINS@, @STATE@ to fill in. */
    public static String governorYaml(String variant) {
        boolean tuned = variant.equals("governor-tuned");
        StringBuilder yaml = new StringBuilder();
        yaml.append("rules:\n  dir: @RULES@\n  reload: false\n");
        if (tuned) {
            // Tuned: grow after 3 s of waiting, in steps of 8, every 5 s; shrink after 20 s at most 60% busy.
            yaml.append("  params:\n    pool.grow.for: 3s\n    pool.grow.step: 8\n    pool.grow.retry: 5s\n    pool.retry: 5s\n"
                    + "    pool.shrink.for: 20s\n    pool.shrink.enter: 0.6\n    pool.shrink.exit: 0.75\n");
        }
        yaml.append("plugins: { dir: @PLUGINS@ }\nenvelope:\n  state: @STATE@\n  actions:\n    pool.resize:\n"
                + "      params:\n        max: { min: 4, max: 32" + (tuned ? ", maxStepUp: 8, maxStepDown: 28" : "") + " }\n");
        if (tuned) {
            yaml.append("      cooldown: { up: 5s, down: 5s }\n      stabilization: { down: 0s }\n");
        }
        return yaml.toString();
    }

    private static Result run(String variant, List<Phase> schedule, long tailMillis, LocalPostgres pg, Path root,
                              Path results, boolean quick) throws Exception {
        DataSource[] sources = open(variant, pg);
        DataSource callersUse = sources[0];
        HikariDataSource hikari = (HikariDataSource) sources[1];
        InProcessGovernor governor = null;
        if (variant.startsWith("governor")) {
            Registry.global().register(HikariDataSource.class, "orders", hikari);
            governor = new InProcessGovernor(root, Files.createTempDirectory("governor-bench-pool"), governorYaml(variant));
        } else if (!List.of("static-4", "static-32", "flexypool").contains(variant)) {
            hikari.close();
            throw new IllegalArgumentException("no such variant: " + variant
                    + "; expected static-4, static-32, flexypool, governor, governor-tuned");
        }
        HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
        // warm: the pool holds its 4 (or 32) connections before the clock starts
        long warmUntil = System.currentTimeMillis() + 5_000;
        while (pool.getTotalConnections() < hikari.getMinimumIdle() && System.currentTimeMillis() < warmUntil) {
            Thread.sleep(50);
        }
        ConcurrentHistogram waits = new ConcurrentHistogram(3);
        ConcurrentHistogram waitsAt32 = new ConcurrentHistogram(3);
        AtomicLong timeouts = new AtomicLong();
        AtomicLong queries = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Map<String, Long> errorKinds = new LinkedHashMap<>();
        volatileBox box = new volatileBox();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < MAX_CALLERS; i++) {
            int index = i;
            Thread t = new Thread(() -> {
                while (!box.stop) {
                    if (index >= box.callers) {
                        sleep(5);
                        continue;
                    }
                    long start = System.nanoTime();
                    Connection c;
                    try {
                        c = callersUse.getConnection();
                    } catch (SQLException e) {
                        long waited = (System.nanoTime() - start) / 1000;
                        waits.recordValue(waited);
                        if (box.callers == MAX_CALLERS) {
                            waitsAt32.recordValue(waited);
                        }
                        timeouts.incrementAndGet();
                        synchronized (errorKinds) {
                            errorKinds.merge(e.getClass().getSimpleName(), 1L, Long::sum);
                        }
                        continue;
                    }
                    long waited = (System.nanoTime() - start) / 1000;
                    waits.recordValue(waited);
                    if (box.callers == MAX_CALLERS) {
                        waitsAt32.recordValue(waited);
                    }
                    try (c; Statement s = c.createStatement()) {
                        s.execute("SELECT pg_sleep(0.02)");
                        queries.incrementAndGet();
                    } catch (SQLException e) {
                        errors.incrementAndGet();
                    }
                }
            }, "caller-" + i);
            t.setDaemon(true);
            t.start();
            callers.add(t);
        }
        List<long[]> samples = new CopyOnWriteArrayList<>();
        long t0 = System.currentTimeMillis();
        Thread sampler = new Thread(() -> {
            while (!box.stop) {
                samples.add(new long[] {System.currentTimeMillis() - t0, box.callers, pool.getTotalConnections(),
                        pool.getActiveConnections(), pool.getIdleConnections(), pool.getThreadsAwaitingConnection(),
                        hikari.getHikariConfigMXBean().getMaximumPoolSize()});
                sleep(100);
            }
        }, "pool-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long dropAt = 0;
        for (Phase phase : schedule) {
            if (phase.callers() < box.callers) {
                dropAt = System.currentTimeMillis() - t0;
            }
            box.callers = phase.callers();
            Thread.sleep(phase.millis());
        }
        String note = "";
        if (governor != null && tailMillis > 0) {
            long until = System.currentTimeMillis() + tailMillis;
            while (pool.getTotalConnections() > 6 && System.currentTimeMillis() < until) {
                Thread.sleep(500);
            }
            note = "kept 4 callers " + (System.currentTimeMillis() - t0 - schedule.stream().mapToLong(Phase::millis).sum()) / 1000
                    + " s more, until the pool held at most 6 connections (up to " + tailMillis / 60_000 + " min)";
        }
        double seconds = (System.currentTimeMillis() - t0) / 1000.0;
        box.stop = true;
        for (Thread t : callers) {
            t.join(5_000);
        }
        sampler.join(1_000);
        int peak = samples.stream().mapToInt(s -> (int) s[2]).max().orElse(0);
        int finalTotal = pool.getTotalConnections();
        Double backToSix = null;
        for (long[] s : samples) {
            if (s[0] >= dropAt && s[2] <= 6) {
                backToSix = (s[0] - dropAt) / 1000.0;
                break;
            }
        }
        if (!errorKinds.isEmpty()) {
            note = (note.isEmpty() ? "" : note + "; ") + "acquire failures: " + errorKinds;
        }
        if (governor != null) {
            long actions = Files.exists(governor.audit()) ? Files.readAllLines(governor.audit()).stream()
                    .filter(l -> l.contains("\"pool.resize\"")).count() : 0;
            note = (note.isEmpty() ? "" : note + "; ") + actions + " pool.resize action(s) in the audit";
            Files.copy(governor.audit(), results.resolve("pool-" + variant + "-audit.jsonl"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            governor.close();
            Registry.global().unregister(HikariDataSource.class, "orders");
        }
        if (callersUse instanceof FlexyPoolDataSource<?> flexy) {
            flexy.stop();
        }
        hikari.close();
        return new Result(variant, waits, waitsAt32, timeouts.get(), queries.get(), errors.get(), seconds, peak, finalTotal,
                backToSix, samples, note);
    }

    private static final class volatileBox {
        volatile int callers;
        volatile boolean stop;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void print(Result r) {
        System.out.printf(Locale.ROOT, "RESULT pool variant=%s acquire_p50_ms=%.2f acquire_p99_ms=%.2f acquire_p99_at32_ms=%.2f "
                        + "timeouts=%d queries=%d errors=%d throughput_qps=%.1f peak=%d final=%d back_to_6_after_s=%s seconds=%.0f%s%n",
                r.variant(), r.waits().getValueAtPercentile(50) / 1000.0, r.waits().getValueAtPercentile(99) / 1000.0,
                r.waitsAt32().getValueAtPercentile(99) / 1000.0, r.timeouts(), r.queries(), r.errors(),
                r.queries() / r.seconds(), r.peak(), r.finalTotal(),
                r.backToSixAfter() == null ? "never" : String.format(Locale.ROOT, "%.1f", r.backToSixAfter()), r.seconds(),
                r.note().isEmpty() ? "" : " note=\"" + r.note() + "\"");
    }

    private static void writeCsv(Path file, Result r) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            out.println("millis,callers,total,active,idle,waiting,max");
            for (long[] s : r.samples()) {
                out.printf("%d,%d,%d,%d,%d,%d,%d%n", s[0], s[1], s[2], s[3], s[4], s[5], s[6]);
            }
        }
    }
}
