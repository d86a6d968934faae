package dev.governor.demo;

import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.governor.engine.Governor;
import dev.governor.engine.config.ConfigLoader;
import dev.governor.engine.config.GovernorConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * One demo run: an embedded PostgreSQL 17, the {@link Workload} on it, and Governor with the default rules and the
 * demo's configuration ({@code governor.yaml} beside this class: durations of seconds, acts only on the demo's own
 * resources), narrated by a {@link Timeline}. {@link #run} lasts until {@link #stop} or the duration is over, then
 * stops Governor, the workload and the server, in that order, and returns the {@link Summary}.
 */
final class Demo {

    /** How often the demo prints what it sees, between Governor's decisions. */
    static final Duration STATUS_EVERY = Duration.ofSeconds(10);

    private final Path rules;
    private final Path work;
    private final Duration duration;
    private final Integer apiPort;
    private final PrintWriter out;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile Process postgres;

    /**
     * @param rules    the rules folder (the default rules)
     * @param work     where the configuration, routes, audit and envelope state are written
     * @param duration how long to run; null until {@link #stop}
     * @param apiPort  the port of the HTTP API and dashboard on 127.0.0.1 (a free one when taken, or for 0); null
     *                 for none
     */
    Demo(Path rules, Path work, Duration duration, Integer apiPort, PrintWriter out) {
        this.rules = rules;
        this.work = work;
        this.duration = duration;
        this.apiPort = apiPort;
        this.out = out;
    }

    /** Ends the run early (Ctrl-C): {@link #run} stops everything and returns. */
    void stop() {
        stop.countDown();
    }

    /** The embedded server's process once started, to check that it is gone after the run. */
    Process postgresProcess() {
        return postgres;
    }

    Summary run() throws Exception {
        quietLogs();
        long started = System.nanoTime();
        Timeline timeline = new Timeline(out, started);
        timeline.say("starting an embedded PostgreSQL 17 (the first time unpacks it: a few seconds)");
        try (EmbeddedPostgres server = EmbeddedPostgres.builder().setRegisterShutdownHook(false).start()) {
            postgres = server.getProcess();
            Workload workload = new Workload(server.getPort());
            try (workload) {
                workload.setUp();
                GovernorConfig config = writeConfig(server.getPort());
                timeline.say("PostgreSQL " + serverVersion(workload) + " on port " + server.getPort() + "; starting Governor");
                Summary summary;
                Duration ran;
                int poolStart;
                int limitStart;
                try (Governor governor = Governor.start(config, Clock.systemUTC(), Demo.class.getClassLoader(), timeline)) {
                    timeline.say("Governor started: " + governor.rules().ruleNames().size() + " rules from " + rules
                            + ", audit in " + config.audit().file());
                    if (governor.api() != null) {
                        String url = governor.api().url();
                        boolean dashboard = governor.api().servesDashboard();
                        timeline.say(dashboard
                                ? "dashboard: " + url + "/  (the HTTP API under " + url + "/api/; the token for changes is in "
                                + config.api().tokenFile() + ")"
                                : "HTTP API: " + url + "/api/  (docs/api.md; the token for changes is in " + config.api().tokenFile() + ")");
                    }
                    timeline.say("");
                    workload.start();
                    started = System.nanoTime();
                    timeline.restart();
                    poolStart = workload.poolMax();
                    limitStart = workload.reportsLimit();
                    timeline.note(String.format(Locale.ROOT, "the workload starts:%n"
                                    + "       pool %s: max %d connections for %d callers that hold one for 50 ms at a time%n"
                                    + "       table %s: %,d rows, 1,000 updated a second, autovacuum off for it%n"
                                    + "       session %s (pid %d): a REPEATABLE READ transaction left idle, pinning the horizon%n"
                                    + "       executor %s: %d workers of CPU-heavy tasks, from %s on",
                            Workload.POOL, poolStart, Workload.CALLERS, Workload.TABLE, Workload.TABLE_ROWS,
                            Workload.HOLDER_APPLICATION, workload.holderPid(), Workload.EXECUTOR, workload.workers(),
                            "00:" + String.format(Locale.ROOT, "%02d", Workload.CPU_START.toSeconds())));
                    try (Connection observer = observe(workload)) {
                        long deadline = duration == null ? Long.MAX_VALUE : started + duration.toNanos();
                        while (true) {
                            long left = deadline - System.nanoTime();
                            if (left <= 0 || stop.await(Math.min(left, STATUS_EVERY.toNanos()), TimeUnit.NANOSECONDS)) {
                                break;
                            }
                            timeline.note(status(workload, observer));
                        }
                    }
                    timeline.note("stopping: Governor (actions in flight finish), then the workload, then PostgreSQL");
                    ran = Duration.ofNanos(System.nanoTime() - started);
                }
                summary = timeline.summary(ran, poolStart, workload.poolMax(), limitStart, workload.reportsLimit());
                workload.close();
                summary.print(out);
                out.println("  audit              " + config.audit().file() + " (one JSON line per decision)");
                out.flush();
                return summary;
            }
        }
    }

    /** The demo's configuration and routes, written into the work folder, and loaded as {@code governor run} would. */
    private GovernorConfig writeConfig(int port) throws IOException {
        Files.createDirectories(work.resolve("routes"));
        String api = apiPort == null ? "api:\n  enabled: false\n"
                : "api:\n  enabled: true\n  bind: 127.0.0.1\n  port: " + freePortOr(apiPort) + "\n";
        String config = resource("governor.yaml").replace("@RULES@", rules.toAbsolutePath().toString())
                .replace("@PORT@", Integer.toString(port)).replace("@API@\n", api);
        Path file = work.resolve("governor.yaml");
        Files.writeString(file, config);
        Files.writeString(work.resolve("routes").resolve("sampling.yaml"), resource("routes.yaml"));
        return new ConfigLoader().load(file);
    }

    /** {@code port} when it is free on 127.0.0.1, else 0: the API server then picks a free one. */
    private static int freePortOr(int port) {
        if (port == 0) {
            return 0;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return port;
        } catch (IOException taken) {
            return 0;
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Demo.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("dev/governor/demo/" + name + " is missing from the demo's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A connection of the demo's own, to tell what it sees; its application name keeps Governor's hands off it. */
    private static Connection observe(Workload workload) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("ApplicationName", "governor-demo-observer");
        return DriverManager.getConnection(workload.databaseUrl(), properties);
    }

    private static String serverVersion(Workload workload) {
        try (Connection c = observe(workload); Statement s = c.createStatement();
             ResultSet version = s.executeQuery("SHOW server_version")) {
            version.next();
            return version.getString(1);
        } catch (SQLException e) {
            return "(version unknown: " + e.getMessage() + ")";
        }
    }

    private static String status(Workload workload, Connection observer) {
        HikariPoolMXBean pool = workload.poolStats();
        StringBuilder text = new StringBuilder("now: ");
        text.append(String.format(Locale.ROOT, "pool %s %d/%d in use, %d waiting", Workload.POOL, pool.getActiveConnections(),
                workload.poolMax(), pool.getThreadsAwaitingConnection()));
        try (Statement s = observer.createStatement()) {
            try (ResultSet dead = s.executeQuery("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = '" + Workload.TABLE + "'")) {
                if (dead.next()) {
                    text.append(String.format(Locale.ROOT, " | %s %,d dead rows", Workload.TABLE, dead.getLong(1)));
                }
            }
            try (ResultSet holder = s.executeQuery("SELECT pid, state, extract(epoch FROM now() - state_change)::int FROM pg_stat_activity "
                    + "WHERE application_name = '" + Workload.HOLDER_APPLICATION + "'")) {
                text.append(holder.next()
                        ? String.format(Locale.ROOT, " | pid %d %s for %d s", holder.getInt(1), holder.getString(2), holder.getInt(3))
                        : " | " + Workload.HOLDER_APPLICATION + " gone");
            }
        } catch (SQLException e) {
            text.append(" | database: ").append(e.getMessage());
        }
        double cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuLoad();
        text.append(String.format(Locale.ROOT, " | %s limit %d%s, CPU %.0f%%", Workload.EXECUTOR, workload.reportsLimit(),
                workload.reportsRunning() ? "" : " (not started)", Math.max(0, cpu) * 100));
        return text.toString();
    }

    /**
     * The timeline tells what Governor does; its own log lines would say it again on the same terminal. Warnings
     * and errors stay; GOVERNOR_LOG_LEVEL, when set, wins.
     */
    private static void quietLogs() {
        if (System.getenv("GOVERNOR_LOG_LEVEL") != null) {
            return;
        }
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        // notify.log's lines are in the timeline already
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("governor.notify")).setLevel(Level.OFF);
        // a caller waiting for a connection when the pool closes at the end is expected
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("com.zaxxer.hikari")).setLevel(Level.ERROR);
    }
}
