package dev.governor.benchmarks;

import dev.governor.engine.config.ConfigLoader;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.sample.Sampler;
import dev.governor.engine.sample.Samplers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One full PostgreSQL sample (server, databases, every table, horizon holders, vacuum progress) of a
 * database with 1,000 or 10,000 tables, over the sampler's persistent connection. Target: at most
 * 250 ms at 10,000 tables. The benchmark creates its own database, with tables that each have rows,
 * dead rows and statistics, and drops it afterwards.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PostgresSampleBenchmark {

    private static final int BATCH = 250;

    @Param({"1000", "10000"})
    public int tables;

    private String adminUrl;
    private String user;
    private String database;
    private Sampler everything;
    private Sampler top100;
    private Sampler holdersOnly;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        adminUrl = System.getenv().getOrDefault("GOVERNOR_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        user = System.getenv().getOrDefault("GOVERNOR_BENCH_PG_USER", "postgres");
        database = "governor_bench_" + tables + "_" + ProcessHandle.current().pid();
        try (Connection admin = connect(adminUrl); Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database);
        }
        String url = adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + database;
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA bench");
            // Batches keep each transaction's locks well under max_locks_per_transaction.
            for (int from = 1; from <= tables; from += BATCH) {
                int to = Math.min(tables, from + BATCH - 1);
                s.execute("DO $$ BEGIN FOR i IN " + from + ".." + to + " LOOP "
                        + "EXECUTE format('CREATE TABLE bench.t%s (id int PRIMARY KEY, v int)', i); "
                        + "EXECUTE format('INSERT INTO bench.t%s SELECT g, 0 FROM generate_series(1, 20) g', i); "
                        + "EXECUTE format('UPDATE bench.t%s SET v = 1 WHERE id <= %s', i, i % 20); "
                        + "END LOOP; END $$");
            }
            s.execute("ANALYZE");
        }
        String yaml = "databases:\n  bench:\n    url: " + url + "\n    user: " + user + "\n";
        GovernorConfig config = new ConfigLoader().parse(yaml, "benchmark");
        var factory = Samplers.builtIn(Clock.systemUTC(), config).get("postgres");
        everything = factory.create(Map.of("database", "bench"));
        top100 = factory.create(Map.of("database", "bench", "facts", "tables", "top", "100"));
        holdersOnly = factory.create(Map.of("database", "bench", "facts", "server,holders,vacuum"));
        // Connect, and let the statistics of the set-up reach the shared counters.
        Thread.sleep(1_500);
        int seen = everything.sample().size();
        if (seen < tables) {
            throw new IllegalStateException("expected at least " + tables + " facts, the sample had " + seen);
        }
        top100.sample();
        holdersOnly.sample();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        everything.close();
        top100.close();
        holdersOnly.close();
        try (Connection admin = connect(adminUrl); Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    /** Every fact the postgres sampler gives: server, databases, all tables, holders, vacuum progress. */
    @Benchmark
    public int fullSample() throws Exception {
        return everything.sample().size();
    }

    /** Tables only, the 100 with the most dead rows ({@code facts=tables&top=100}): filtered in SQL. */
    @Benchmark
    public int top100Tables() throws Exception {
        return top100.sample().size();
    }

    /** What the default activity route reads every 5 s ({@code facts=server,holders,vacuum}). */
    @Benchmark
    public int activityOnly() throws Exception {
        return holdersOnly.sample().size();
    }

    private Connection connect(String url) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        String password = System.getenv("GOVERNOR_BENCH_PG_PASSWORD");
        if (password != null) {
            props.setProperty("password", password);
        }
        Connection c = DriverManager.getConnection(url, props);
        c.setAutoCommit(true);
        return c;
    }
}
