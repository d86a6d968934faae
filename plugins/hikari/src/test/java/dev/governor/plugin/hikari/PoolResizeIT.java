package dev.governor.plugin.hikari;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.Registry;
import dev.governor.spi.ActionHandler;
import dev.governor.spi.Database;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.rmi.registry.LocateRegistry;
import java.rmi.server.UnicastRemoteObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** pool.resize on real HikariCP pools of the shared PostgreSQL server; every pool is closed afterwards. */
class PoolResizeIT {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final Database MAIN = new Database("main", URL, "postgres", null, "governor-test",
            Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1));

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void aRealPoolGrowsAndShrinksAndItsTotalConnectionsFollow() throws Exception {
        HikariDataSource dataSource = registered(pool("resize-grow", 2, 2, false));
        HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
        ActionHandler handler = handler(Map.of());

        ExecutorService callers = Executors.newFixedThreadPool(6);
        resources.add(callers::shutdownNow);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger borrowed = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            done.add(callers.submit(() -> {
                try (Connection connection = dataSource.getConnection()) {
                    borrowed.incrementAndGet();
                    release.await(30, TimeUnit.SECONDS);
                }
                return null;
            }));
        }
        await("4 callers waiting", () -> pool.getThreadsAwaitingConnection() == 4);

        long start = System.nanoTime();
        ActionOutcome grown = handler.handle(resize("resize-grow", 6));
        await("6 connections borrowed", () -> borrowed.get() == 6);
        long grewMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(grown.status()).isEqualTo(ActionOutcome.Status.APPLIED);
        assertThat(grown.message()).startsWith("resize-grow: max 2 -> 6, minIdle 2 (total 2 -> 6 after ");
        assertThat(pool.getTotalConnections()).isEqualTo(6);
        assertThat(pool.getThreadsAwaitingConnection()).isZero();
        assertThat(grewMillis).as("the 4 waiting callers were served within the settle time").isLessThan(2_000);

        release.countDown();
        for (Future<?> caller : done) {
            caller.get(10, TimeUnit.SECONDS);
        }
        assertThat(pool.getIdleConnections()).isEqualTo(6);

        start = System.nanoTime();
        ActionOutcome shrunk = handler.handle(resize("resize-grow", 2));
        await("at most 2 connections", () -> pool.getTotalConnections() <= 2);
        long shrankMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(shrunk.status()).isEqualTo(ActionOutcome.Status.APPLIED);
        assertThat(shrunk.message()).startsWith("resize-grow: max 6 -> 2, minIdle 2 (soft-evicted; total 6 -> ");
        assertThat(dataSource.getHikariConfigMXBean().getMaximumPoolSize()).isEqualTo(2);
        assertThat(shrankMillis).as("idle connections above the new max closed at once").isLessThan(3_000);
        System.out.printf("pool.resize figures: grow 2 -> 6 served 4 waiting callers in %d ms; shrink 6 -> 2 down to %d "
                + "connections in %d ms%n%s%n%s%n", grewMillis, pool.getTotalConnections(), shrankMillis, grown.message(),
                shrunk.message());
    }

    @Test
    void minIdleNeverExceedsMaxAndARaisedMinIdleFillsAtOnce() throws Exception {
        HikariDataSource dataSource = registered(pool("resize-min-idle", 4, 4, false));
        ActionHandler handler = handler(Map.of());
        assertThat(handler.current("resize-min-idle")).isEqualTo(Map.of("max", 4, "minIdle", 4));

        ActionOutcome lowered = handler.handle(resize("resize-min-idle", 2));
        assertThat(lowered.status()).isEqualTo(ActionOutcome.Status.APPLIED);
        assertThat(lowered.message())
                .startsWith("resize-min-idle: max 4 -> 2, minIdle 4 -> 2 (soft-evicted; total 4 -> ")
                .endsWith("; minIdle 4 lowered to 2 to stay within max");
        assertThat(handler.current("resize-min-idle")).isEqualTo(Map.of("max", 2, "minIdle", 2));

        ActionOutcome raised = handler.handle(new Action("pool.resize", "resize-min-idle", Map.of("max", 5, "minIdle", 3), "test"));
        assertThat(raised.status()).isEqualTo(ActionOutcome.Status.APPLIED);
        assertThat(raised.message()).startsWith("resize-min-idle: max 2 -> 5, minIdle 2 -> 3 (total ");
        assertThat(handler.current("resize-min-idle")).isEqualTo(Map.of("max", 5, "minIdle", 3));
        assertThat(dataSource.getHikariPoolMXBean().getTotalConnections())
                .as("the pool filled up to its new minIdle without waiting for HikariCP's 30 s house keeper")
                .isEqualTo(3);

        ActionOutcome same = handler.handle(new Action("pool.resize", "resize-min-idle", Map.of("max", 5), "test"));
        assertThat(same.status()).isEqualTo(ActionOutcome.Status.SKIPPED);
        assertThat(same.message()).isEqualTo("resize-min-idle: already max 5, minIdle 3");
    }

    @Test
    void aPoolVisibleOnlyAsAnMBeanInThisJvmIsResized() throws Exception {
        HikariDataSource dataSource = pool("resize-mbean", 3, 1, true);
        ActionHandler handler = handler(Map.of());
        assertThat(handler.current("resize-mbean")).isEqualTo(Map.of("max", 3, "minIdle", 1));

        ActionOutcome outcome = handler.handle(new Action("pool.resize", "resize-mbean", Map.of("max", 7, "minIdle", 2), "test"));
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.APPLIED);
        assertThat(outcome.message()).startsWith("resize-mbean (an MBean in this JVM): max 3 -> 7, minIdle 1 -> 2 (total ");
        assertThat(dataSource.getHikariConfigMXBean().getMaximumPoolSize()).isEqualTo(7);
        assertThat(dataSource.getHikariConfigMXBean().getMinimumIdle()).isEqualTo(2);
    }

    @Test
    void aPoolOfAnotherJvmIsResizedOverRemoteJmx() throws Exception {
        HikariDataSource dataSource = pool("resize-remote", 4, 2, true);
        await("2 connections", () -> dataSource.getHikariPoolMXBean().getTotalConnections() == 2);
        String url = jmxServer();
        ActionHandler handler = handler(Map.of("remotes", Map.of("app-1", Map.of("url", url, "timeout", "2s"))));
        String address = url.replaceAll(".*rmi://([^/]+)/jmxrmi", "$1");

        assertThat(handler.current("app-1/resize-remote")).isEqualTo(Map.of("max", 4, "minIdle", 2));
        ActionOutcome outcome = handler.handle(new Action("pool.resize", "app-1/resize-remote", Map.of("max", 1, "minIdle", 1), "test"));
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.APPLIED);
        assertThat(outcome.message()).startsWith("app-1/resize-remote (over JMX at " + address
                + " (remote app-1)): max 4 -> 1, minIdle 2 -> 1 (soft-evicted; total 2 -> ");
        assertThat(dataSource.getHikariConfigMXBean().getMaximumPoolSize()).isEqualTo(1);
        assertThat(dataSource.getHikariConfigMXBean().getMinimumIdle()).isEqualTo(1);
        await("at most 1 connection", () -> dataSource.getHikariPoolMXBean().getTotalConnections() <= 1);

        ActionOutcome missing = handler.handle(resize("app-1/no-such-pool", 3));
        assertThat(missing.status()).isEqualTo(ActionOutcome.Status.FAILED);
        assertThat(missing.message()).isEqualTo("no pool named 'no-such-pool' is visible over JMX at " + address + " (remote app-1)");
    }

    @Test
    void aRemoteThatDoesNotAnswerFailsTheActionWithinItsTimeout() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ActionHandler handler = handler(Map.of("remotes", Map.of("dead", Map.of(
                "url", "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi", "timeout", "1s"))));
        long start = System.nanoTime();
        ActionOutcome outcome = handler.handle(resize("resize-nowhere", 3));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.FAILED);
        assertThat(outcome.message()).startsWith("no pool named 'resize-nowhere' is registered in this JVM, and JMX at 127.0.0.1:" + port);
        assertThat(millis).isLessThan(3_000);
    }

    @Test
    void aRequestAboveTheDatabasesShareIsClampedToIt() throws Exception {
        int maxConnections;
        int reserved;
        try (Connection connection = DriverManager.getConnection(URL, "postgres", null);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("select current_setting('max_connections')::int,"
                     + " current_setting('superuser_reserved_connections')::int"
                     + " + coalesce(current_setting('reserved_connections', true), '0')::int")) {
            rs.next();
            maxConnections = rs.getInt(1);
            reserved = rs.getInt(2);
        }
        int ceiling = (maxConnections - reserved) / 3;
        HikariDataSource dataSource = registered(pool("resize-ceiling", 2, 1, false));
        ActionHandler handler = handler(Map.of("ceilingFromDatabase", Map.of("database", "main", "instances", 3)));

        ActionOutcome outcome = handler.handle(resize("resize-ceiling", ceiling + 20));
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.APPLIED);
        assertThat(outcome.message()).startsWith("resize-ceiling: max 2 -> " + ceiling + ", minIdle 1 (total ")
                .endsWith("; max " + (ceiling + 20) + " clamped to ceiling " + ceiling + " = (" + maxConnections + " - "
                        + reserved + ") / 3 instances (max_connections - reserved connections of database main)");
        assertThat(dataSource.getHikariConfigMXBean().getMaximumPoolSize()).isEqualTo(ceiling);
    }

    @Test
    void theLowestCeilingHoldsAndARequestToGrowNeverShrinks() throws Exception {
        HikariDataSource dataSource = registered(pool("resize-capped", 5, 1, false));
        ActionHandler handler = handler(Map.of("ceiling", 10, "ceilings", Map.of("resize-capped", 3),
                "ceilingFromDatabase", Map.of("database", "main")));

        ActionOutcome outcome = handler.handle(resize("resize-capped", 8));
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.SKIPPED);
        assertThat(outcome.message()).isEqualTo("resize-capped: max 8 asks to grow, but the ceiling is 3 (ceilings.resize-capped)"
                + " and max is 5 already; a request to grow does not shrink");
        assertThat(dataSource.getHikariConfigMXBean().getMaximumPoolSize()).isEqualTo(5);

        ActionOutcome shrunk = handler.handle(resize("resize-capped", 4));
        assertThat(shrunk.message()).startsWith("resize-capped: max 5 -> 3, minIdle 1 (")
                .endsWith("; max 4 clamped to ceiling 3 (ceilings.resize-capped)");
    }

    @Test
    void aCeilingThatCannotBeReadLeavesThePoolAlone() throws Exception {
        HikariDataSource dataSource = registered(pool("resize-no-ceiling", 2, 1, false));
        Database unreachable = new Database("main", "jdbc:postgresql://127.0.0.1:1/postgres", "postgres", null, "governor-test",
                Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(1));
        ActionHandler handler = new HikariPlugin().create(new TestContext(
                Map.of("ceilingFromDatabase", Map.of("database", "main", "instances", 2)), Map.of("main", unreachable)));
        resources.add(handler);

        ActionOutcome outcome = handler.handle(resize("resize-no-ceiling", 4));
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.FAILED);
        assertThat(outcome.message()).startsWith("resize-no-ceiling: not resized, the ceiling cannot be read: ");
        assertThat(dataSource.getHikariConfigMXBean().getMaximumPoolSize()).isEqualTo(2);
    }

    private ActionHandler handler(Map<String, Object> settings) {
        ActionHandler handler = new HikariPlugin().create(new TestContext(settings, Map.of("main", MAIN)));
        resources.add(handler);
        return handler;
    }

    private static Action resize(String target, int max) {
        return new Action("pool.resize", target, Map.of("max", max), "test");
    }

    private HikariDataSource pool(String name, int max, int minIdle, boolean mbeans) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setUsername("postgres");
        config.setPoolName(name);
        config.setMaximumPoolSize(max);
        config.setMinimumIdle(minIdle);
        config.setConnectionTimeout(20_000);
        config.setRegisterMbeans(mbeans);
        HikariDataSource dataSource = new HikariDataSource(config);
        resources.add(dataSource);
        await(minIdle + " connections in " + name, () -> dataSource.getHikariPoolMXBean().getTotalConnections() >= minIdle);
        return dataSource;
    }

    private HikariDataSource registered(HikariDataSource dataSource) {
        String name = dataSource.getPoolName();
        Registry.global().register(HikariDataSource.class, name, dataSource);
        resources.add(() -> Registry.global().unregister(HikariDataSource.class, name));
        return dataSource;
    }

    /** An RMI connector server for this JVM's platform MBean server, on a free port, as another JVM would run one. */
    private String jmxServer() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        java.rmi.registry.Registry rmi = LocateRegistry.createRegistry(port);
        resources.add(() -> UnicastRemoteObject.unexportObject(rmi, true));
        String url = "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi";
        JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(new JMXServiceURL(url), null,
                ManagementFactory.getPlatformMBeanServer());
        server.start();
        resources.add(server::stop);
        return url;
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 10 s waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
