package dev.governor.examples.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.governor.api.ThrottlingExecutor;
import dev.governor.engine.Governor;
import dev.governor.engine.GovernorBuilder;
import dev.governor.spi.Durations;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application that governs itself: a HikariCP pool ({@code orders}, 2 connections to start with), an
 * executor ({@code workers}, 8 threads behind a {@link ThrottlingExecutor}) and a workload that steps up and
 * then down, with Governor embedded ({@link Governor#embedded()}) and the rules of {@code rules/}. As the load
 * rises the rules grow the pool to its ceiling, then throttle the workers to the pool's size; once it falls
 * they release the workers. The application prints each change as it sees it in its own pool and executor.
 *
 * <pre>
 * examples/embedded/run [--url jdbc:postgresql://127.0.0.1:5432/] [--user postgres] [--database NAME]
 *                       [--duration 50s] [--keep]
 * </pre>
 * The database (default {@code governor_embedded_example}) is created when missing, and dropped at the end if
 * this run created it, unless {@code --keep}. The password comes from {@code PGPASSWORD}.
 */
public final class App {

    /** How the run is set up; every field has a default but the folder of governor.yaml. */
    record Options(String server, String user, String password, String database, Duration duration, boolean keep,
                   Path home, Path audit, Path state) {

        static Options parse(String[] args, Path home) {
            Map<String, String> values = new TreeMap<>();
            boolean keep = false;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--keep" -> keep = true;
                    case "--url", "--user", "--database", "--duration" -> {
                        if (i + 1 == args.length) {
                            throw new IllegalArgumentException(arg + " needs a value");
                        }
                        values.put(arg, args[++i]);
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + arg
                            + "'; options: --url URL, --user NAME, --database NAME, --duration 50s, --keep");
                }
            }
            String server = values.getOrDefault("--url", "jdbc:postgresql://127.0.0.1:5432/");
            if (!server.startsWith("jdbc:postgresql://") || !server.endsWith("/")) {
                throw new IllegalArgumentException("--url must be a server URL ending in '/', e.g. jdbc:postgresql://127.0.0.1:5432/,"
                        + " was '" + server + "'");
            }
            String database = values.getOrDefault("--database", "governor_embedded_example");
            if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("--database must be lower-case letters, digits and '_', was '" + database + "'");
            }
            Duration duration = Durations.parse(values.getOrDefault("--duration", "50s"));
            if (duration.compareTo(Duration.ofSeconds(20)) < 0) {
                throw new IllegalArgumentException("--duration must be at least 20s (the load needs time to step up and down)");
            }
            return new Options(server, values.getOrDefault("--user", "postgres"), System.getenv("PGPASSWORD"), database,
                    duration, keep, home, null, null);
        }

        Options withFiles(Path newAudit, Path newState) {
            return new Options(server, user, password, database, duration, keep, home, newAudit, newState);
        }
    }

    /** What the run saw: each change of the pool's max and the throttle's limit, and the audit's counts. */
    record Result(List<String> changes, Map<String, Integer> applied, long tasks, long failedTasks) {
    }

    private final Options options;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();

    App(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args, Path.of(System.getProperty("example.dir", "examples/embedded")));
        } catch (IllegalArgumentException e) {
            System.err.println("embedded-example: " + e.getMessage());
            System.exit(2);
            return;
        }
        Result result = new App(options, System.out).run();
        boolean governed = result.applied().getOrDefault("pool.resize", 0) > 0
                && result.applied().getOrDefault("executor.throttle", 0) > 0;
        System.exit(governed ? 0 : 1);
    }

    Result run() throws Exception {
        boolean created = createDatabaseIfMissing();
        try {
            return runOn(options.server() + options.database());
        } finally {
            if (created && !options.keep()) {
                dropDatabase();
            }
        }
    }

    private Result runOn(String url) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(options.user());
        config.setPassword(options.password());
        config.setPoolName("orders");
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, placed_at timestamptz NOT NULL DEFAULT now())");
            }
            ThreadPoolExecutor threads = new ThreadPoolExecutor(8, 8, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
            ThrottlingExecutor workers = new ThrottlingExecutor(threads, 8);
            GovernorBuilder builder = Governor.embedded()
                    .config(options.home().resolve("governor.yaml"))
                    .pool("orders", pool)
                    .executor("workers", threads, workers)
                    .samplePeriod(Duration.ofMillis(500));
            if (options.audit() != null) {
                builder.audit(options.audit()).state(options.state());
            }
            Path audit = builder.toConfig().audit().file();
            long auditBefore = Files.exists(audit) ? Files.readAllLines(audit).size() : 0;
            Load load = new Load(pool, workers);
            List<String> changes = new ArrayList<>();
            try (Governor governor = builder.start()) {
                print("Governor embedded: rules in %s, audit in %s; pool orders max %d, workers limit %d",
                        governor.config().rules().dir(), audit, max(pool), workers.limit());
                Duration light = options.duration().multipliedBy(10).dividedBy(100);
                Duration heavy = options.duration().multipliedBy(55).dividedBy(100);
                Phase[] phases = {new Phase("light", 1, light), new Phase("heavy", 32, heavy),
                        new Phase("light", 1, options.duration().minus(light).minus(heavy))};
                int lastMax = max(pool);
                int lastLimit = workers.limit();
                for (Phase phase : phases) {
                    print("load: %s (%s)", phase.name(), phase.inFlight() == 1 ? "about 5 orders a second"
                            : "as many orders as 8 workers take, " + phase.inFlight() + " in flight");
                    long end = System.nanoTime() + phase.length().toNanos();
                    while (System.nanoTime() < end) {
                        load.step(phase.inFlight());
                        int nowMax = max(pool);
                        int nowLimit = workers.limit();
                        if (nowMax != lastMax) {
                            changes.add(print("pool orders: max %d -> %d (%d active, %d waiting)", lastMax, nowMax,
                                    pool.getHikariPoolMXBean().getActiveConnections(),
                                    pool.getHikariPoolMXBean().getThreadsAwaitingConnection()));
                            lastMax = nowMax;
                        }
                        if (nowLimit != lastLimit) {
                            changes.add(print("workers: limit %d -> %d (%d orders waiting in the throttle)", lastLimit, nowLimit,
                                    workers.waiting()));
                            lastLimit = nowLimit;
                        }
                    }
                }
                load.drain(Duration.ofSeconds(30));
            } finally {
                threads.shutdown();
                threads.awaitTermination(30, TimeUnit.SECONDS);
            }
            Map<String, Integer> applied = appliedSince(audit, auditBefore);
            print("done: %d orders (%d failed), pool orders max %d, workers limit %d; actions applied: %s",
                    load.completed.get(), load.failed.get(), max(pool), workers.limit(), applied);
            return new Result(changes, applied, load.completed.get(), load.failed.get());
        }
    }

    private record Phase(String name, int inFlight, Duration length) {
    }

    /** Orders: each inserts a row and holds its connection for 100 ms, as a short transaction with some work does. */
    private final class Load {
        private final HikariDataSource pool;
        private final ThrottlingExecutor workers;
        private final AtomicInteger pending = new AtomicInteger();
        private final AtomicLong completed = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();

        Load(HikariDataSource pool, ThrottlingExecutor workers) {
            this.pool = pool;
            this.workers = workers;
        }

        /** Submits while fewer than {@code inFlight} orders are pending; light load paces itself at 5 a second. */
        void step(int inFlight) throws InterruptedException {
            if (pending.get() < inFlight) {
                pending.incrementAndGet();
                workers.execute(this::order);
                Thread.sleep(inFlight == 1 ? 200 : 1);
            } else {
                Thread.sleep(5);
            }
        }

        private void order() {
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO orders DEFAULT VALUES; SELECT pg_sleep(0.1)");
                completed.incrementAndGet();
            } catch (SQLException e) {
                if (failed.incrementAndGet() <= 3) {
                    print("order failed: %s", e.getMessage());
                }
            } finally {
                pending.decrementAndGet();
            }
        }

        void drain(Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (pending.get() > 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
        }
    }

    private static int max(HikariDataSource pool) {
        return pool.getHikariConfigMXBean().getMaximumPoolSize();
    }

    private String print(String format, Object... args) {
        String line = String.format(format, args);
        synchronized (out) {
            out.printf("[%5.1fs] %s%n", (System.nanoTime() - startNanos) / 1e9, line);
            out.flush();
        }
        return line;
    }

    /** APPLIED actions by type in the audit lines written by this run. */
    private static Map<String, Integer> appliedSince(Path audit, long linesBefore) throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        if (!Files.exists(audit)) {
            return counts;
        }
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(audit);
        for (String line : lines.subList((int) Math.min(linesBefore, lines.size()), lines.size())) {
            JsonNode node = json.readTree(line);
            if (node.path("status").asText().equals("APPLIED")) {
                counts.merge(node.path("action").path("type").asText(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private Connection admin() throws SQLException {
        return DriverManager.getConnection(options.server() + "postgres", options.user(), options.password());
    }

    private boolean createDatabaseIfMissing() throws SQLException {
        try (Connection connection = admin()) {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, options.database());
                try (ResultSet rows = exists.executeQuery()) {
                    if (rows.next()) {
                        return false;
                    }
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + quote(options.database()));
            }
            print("created database %s", options.database());
            return true;
        }
    }

    private void dropDatabase() throws SQLException {
        try (Connection connection = admin(); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + quote(options.database()) + " WITH (FORCE)");
        }
        print("dropped database %s", options.database());
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
