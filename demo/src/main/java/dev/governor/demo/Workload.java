package dev.governor.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.governor.api.Registry;
import dev.governor.api.ThrottlingExecutor;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the demo governs: an application with four problems, on a database of its own ({@value #DATABASE}, role
 * {@value #ROLE}).
 * <ul>
 *   <li>a HikariCP pool {@value #POOL} of {@value #POOL_START} connections for {@value #CALLERS} callers that each
 *       hold a connection for a 50 ms query: callers keep waiting;</li>
 *   <li>a table {@value #TABLE} of {@value #TABLE_ROWS} rows updated all the time, with autovacuum turned off for
 *       it (as on a table someone tuned and forgot): dead rows pile up;</li>
 *   <li>a session ({@value #HOLDER_APPLICATION}) that opened a REPEATABLE READ transaction, read, and went idle
 *       without committing: it pins the xmin horizon, so no vacuum can remove the rows that died since;</li>
 *   <li>CPU-heavy report tasks on a registered executor {@value #EXECUTOR}, from {@link #CPU_START} on, behind a
 *       {@link ThrottlingExecutor} that Governor can turn down.</li>
 * </ul>
 * The pool and the executor are registered in {@link Registry#global()}, where Governor's samplers and plugins
 * find them. {@link #close} stops every thread it started and closes every connection, and unregisters both.
 */
final class Workload implements AutoCloseable {

    static final String ROLE = "demo";
    static final String DATABASE = "shop";
    static final String POOL = "orders";
    static final int POOL_START = 4;
    static final int CALLERS = 9;
    static final String TABLE = "inventory";
    static final int TABLE_ROWS = 10_000;
    static final String HOLDER_APPLICATION = "demo-holder";
    static final String EXECUTOR = "reports";
    static final Duration CPU_START = Duration.ofSeconds(20);

    private final String url;
    private final int workers = Math.max(2, Runtime.getRuntime().availableProcessors());
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong callerErrors = new AtomicLong();
    private final AtomicLong queries = new AtomicLong();
    private volatile boolean running;
    private boolean closed;
    private HikariDataSource pool;
    private ThreadPoolExecutor reports;
    private ThrottlingExecutor throttle;
    private Connection holder;
    private int holderPid;

    /** @param port the port of a PostgreSQL server where {@code postgres} is a superuser reachable without password */
    Workload(int port) {
        this.url = "jdbc:postgresql://127.0.0.1:" + port + "/";
    }

    /** Creates the role, the database and its tables. */
    void setUp() throws SQLException {
        try (Connection admin = connect("postgres", "postgres", "governor-demo-setup");
             Statement s = admin.createStatement()) {
            s.execute("CREATE ROLE " + ROLE + " LOGIN");
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + ROLE);
        }
        try (Connection c = connect(DATABASE, ROLE, "demo-setup"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id int PRIMARY KEY, amount bigint NOT NULL)");
            s.execute("INSERT INTO orders SELECT g, 0 FROM generate_series(1, 100) g");
            s.execute("CREATE TABLE " + TABLE + " (id int PRIMARY KEY, quantity bigint NOT NULL) WITH (autovacuum_enabled = false)");
            s.execute("INSERT INTO " + TABLE + " SELECT g, 0 FROM generate_series(1, " + TABLE_ROWS + ") g");
            s.execute("ANALYZE orders, " + TABLE);
        }
    }

    /** Starts every part: the pool and its callers, the updates, the idle transaction, and later the reports. */
    void start() throws SQLException {
        running = true;
        HikariConfig config = new HikariConfig();
        config.setPoolName(POOL);
        config.setJdbcUrl(url + DATABASE);
        config.setUsername(ROLE);
        config.setMaximumPoolSize(POOL_START);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(30_000);
        config.addDataSourceProperty("ApplicationName", "demo-orders");
        pool = new HikariDataSource(config);
        Registry.global().register(HikariDataSource.class, POOL, pool);
        for (int i = 1; i <= CALLERS; i++) {
            int caller = i;
            startThread("demo-orders-caller-" + i, () -> callOrders(caller));
        }

        holder = connect(DATABASE, ROLE, HOLDER_APPLICATION);
        try (Statement s = holder.createStatement(); ResultSet pid = s.executeQuery("SELECT pg_backend_pid()")) {
            pid.next();
            holderPid = pid.getInt(1);
        }
        holder.setAutoCommit(false);
        holder.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement s = holder.createStatement(); ResultSet count = s.executeQuery("SELECT count(*) FROM " + TABLE)) {
            count.next(); // then nothing: the transaction stays open, its snapshot pins the horizon
        }

        startThread("demo-churn", this::churn);

        AtomicInteger reportThreads = new AtomicInteger();
        reports = new ThreadPoolExecutor(workers, workers, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> new Thread(task, EXECUTOR + "-" + reportThreads.incrementAndGet()));
        throttle = new ThrottlingExecutor(reports, workers);
        Registry.global().register(ThreadPoolExecutor.class, EXECUTOR, reports);
        Registry.global().register(ThrottlingExecutor.class, EXECUTOR, throttle);
        startThread("demo-reports-feeder", this::feedReports);
    }

    private void callOrders(int caller) {
        while (running) {
            try (Connection c = pool.getConnection();
                 PreparedStatement work = c.prepareStatement("SELECT pg_sleep(0.05)");
                 PreparedStatement update = c.prepareStatement("UPDATE orders SET amount = amount + 1 WHERE id = ?")) {
                work.execute();
                update.setInt(1, 1 + caller % 100);
                update.executeUpdate();
                queries.incrementAndGet();
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                callerErrors.incrementAndGet();
                pause(100);
            }
        }
    }

    /** 50 rows every 50 ms, round the table: each update leaves a dead row version behind. */
    private void churn() {
        try (Connection c = connect(DATABASE, ROLE, "demo-churn");
             PreparedStatement update = c.prepareStatement("UPDATE " + TABLE + " SET quantity = quantity + 1 WHERE id BETWEEN ? AND ?")) {
            int from = 1;
            while (running) {
                update.setInt(1, from);
                update.setInt(2, from + 49);
                update.executeUpdate();
                from = from + 50 > TABLE_ROWS ? 1 : from + 50;
                pause(50);
            }
        } catch (SQLException e) {
            if (running) {
                System.err.println("demo: the updates of " + TABLE + " stopped: " + e.getMessage());
            }
        }
    }

    /** From {@link #CPU_START} on, keeps every report worker busy with 20 ms of arithmetic per task. */
    private void feedReports() {
        long startAt = System.nanoTime() + CPU_START.toNanos();
        while (running && System.nanoTime() < startAt) {
            pause(100);
        }
        while (running) {
            if (throttle.waiting() < workers) {
                throttle.execute(Workload::crunch);
            } else {
                pause(2);
            }
        }
    }

    private static void crunch() {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long x = 1;
        while (System.nanoTime() < until) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        if (x == 42) {
            System.out.print(""); // keeps the loop from being optimized away
        }
    }

    private void startThread(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        threads.add(thread);
        thread.start();
    }

    private Connection connect(String database, String user, String application) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("ApplicationName", application);
        return DriverManager.getConnection(url + database, properties);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The JDBC URL of the demo's database. */
    String databaseUrl() {
        return url + DATABASE;
    }

    int holderPid() {
        return holderPid;
    }

    int workers() {
        return workers;
    }

    /** The pool's maximum size now. */
    int poolMax() {
        return pool.getHikariConfigMXBean().getMaximumPoolSize();
    }

    HikariPoolMXBean poolStats() {
        return pool.getHikariPoolMXBean();
    }

    int reportsLimit() {
        return throttle.limit();
    }

    /** The CPU workers have started. */
    boolean reportsRunning() {
        return reports.getActiveCount() > 0 || reports.getCompletedTaskCount() > 0;
    }

    long callerErrors() {
        return callerErrors.get();
    }

    long queries() {
        return queries.get();
    }

    /** Stops every part and waits for its threads; a second call does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        Registry.global().unregister(HikariDataSource.class, POOL);
        Registry.global().unregister(ThreadPoolExecutor.class, EXECUTOR);
        Registry.global().unregister(ThrottlingExecutor.class, EXECUTOR);
        if (pool != null) {
            pool.close(); // callers waiting for a connection get an exception and see running == false
        }
        for (Thread thread : threads) {
            thread.interrupt();
        }
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (reports != null) {
            reports.shutdownNow();
            try {
                reports.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (holder != null) {
            try {
                holder.close();
            } catch (SQLException e) {
                // ended by Governor already: nothing to close
            }
        }
    }
}
