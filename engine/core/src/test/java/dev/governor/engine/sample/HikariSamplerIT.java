package dev.governor.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.IMetricsTracker;
import dev.governor.api.PoolSample;
import dev.governor.api.Registry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against the shared PostgreSQL at 127.0.0.1:5432 (user postgres, trust). */
class HikariSamplerIT {

    static final String JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

    private final String prefix = "hikari-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private final List<String> registered = new ArrayList<>();
    private final List<HikariDataSource> dataSources = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        registered.forEach(name -> Registry.global().unregister(HikariDataSource.class, name));
        dataSources.forEach(HikariDataSource::close);
    }

    static HikariConfig config(String poolName, int max, int minIdle) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(JDBC_URL);
        config.setUsername("postgres");
        config.setPoolName(poolName);
        config.setMaximumPoolSize(max);
        config.setMinimumIdle(minIdle);
        config.setConnectionTimeout(1000);
        return config;
    }

    private HikariDataSource open(HikariConfig config) {
        HikariDataSource dataSource = new HikariDataSource(config);
        dataSources.add(dataSource);
        return dataSource;
    }

    private void register(String name, HikariDataSource dataSource) {
        Registry.global().register(HikariDataSource.class, name, dataSource);
        registered.add(name);
    }

    private Sampler sampler() throws Exception {
        return HikariSampler.factory(Clock.systemUTC()).create(Map.of("pools", prefix + "-*"));
    }

    private static Optional<PoolSample> find(List<?> samples, String pool) {
        return samples.stream().map(PoolSample.class::cast).filter(s -> s.pool().equals(pool)).findFirst();
    }

    @Test
    void aPoolUnderLoadShowsWaitingCallersThenTheirTimeoutsAndWaits() throws Exception {
        String name = prefix + "-orders";
        HikariConfig config = config(prefix + "-orders-pool", 2, 1);
        config.setRegisterMbeans(true);
        HikariDataSource dataSource = open(config);
        register(name, dataSource);
        Sampler sampler = sampler();

        PoolSample first = find(sampler.sample(), name).orElseThrow();
        assertThat(first.max()).isEqualTo(2);
        assertThat(first.minIdle()).isEqualTo(1);
        assertThat(first.waiting()).isZero();
        assertThat(first.acquireMillis()).as("nothing to compare with yet").isNull();
        assertThat(first.timeouts()).isZero();

        ExecutorService callers = Executors.newFixedThreadPool(6);
        CountDownLatch holding = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < 2; i++) {
                callers.submit(() -> {
                    try (Connection held = dataSource.getConnection()) {
                        holding.countDown();
                        release.await(20, TimeUnit.SECONDS);
                    }
                    return null;
                });
            }
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<Boolean>> waiters = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                waiters.add(callers.submit(() -> {
                    try (Connection ignored = dataSource.getConnection()) {
                        return false;
                    } catch (SQLException timedOut) {
                        return true;
                    }
                }));
            }
            long timeoutsSeen = 0;
            PoolSample loaded = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                loaded = find(sampler.sample(), name).orElseThrow();
                timeoutsSeen += loaded.timeouts();
                if (loaded.waiting() >= 1) {
                    break;
                }
                Thread.sleep(10);
            }
            assertThat(loaded.waiting()).isGreaterThanOrEqualTo(1);
            assertThat(loaded.active()).isEqualTo(2);
            assertThat(loaded.max()).isEqualTo(2);
            assertThat(loaded.utilization()).isEqualTo(1.0);

            for (Future<Boolean> waiter : waiters) {
                assertThat(waiter.get(10, TimeUnit.SECONDS)).as("timed out waiting for a connection").isTrue();
            }
            PoolSample afterTimeouts = find(sampler.sample(), name).orElseThrow();
            timeoutsSeen += afterTimeouts.timeouts();
            assertThat(afterTimeouts.timeouts()).isGreaterThanOrEqualTo(1);
            assertThat(timeoutsSeen).isEqualTo(4);
            assertThat(afterTimeouts.acquireMillis()).as("mean wait of callers that gave up after 1000 ms")
                    .isNotNull().isGreaterThanOrEqualTo(900.0);
            assertThat(afterTimeouts.waiting()).isZero();
        } finally {
            release.countDown();
            callers.shutdown();
            assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }

        PoolSample released = find(sampler.sample(), name).orElseThrow();
        assertThat(released.waiting()).isZero();
        assertThat(released.active()).isZero();
        assertThat(released.timeouts()).isZero();
        assertThat(released.acquireMillis()).as("no caller asked since").isNull();

        try (Connection quick = dataSource.getConnection()) {
            assertThat(quick.isValid(1)).isTrue();
        }
        PoolSample calm = find(sampler.sample(), name).orElseThrow();
        assertThat(calm.acquireMillis()).isNotNull().isLessThan(900.0);
        assertThat(calm.timeouts()).isZero();
        assertThat(calm.idle()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void withAcquireStatsOffNoTrackerIsInstalledAndTheApplicationMaySetItsOwnLater() throws Exception {
        HikariDataSource dataSource = open(config(prefix + "-own-metrics-later", 1, 0));
        register(prefix + "-own-metrics-later", dataSource);
        Sampler sampler = HikariSampler.factory(Clock.systemUTC())
                .create(Map.of("pools", prefix + "-*", "acquireStats", "false"));
        sampler.sample();
        PoolSample sample = find(sampler.sample(), prefix + "-own-metrics-later").orElseThrow();
        assertThat(sample.acquireMillis()).isNull();
        assertThat(sample.timeouts()).isNull();
        assertThat(dataSource.getMetricsTrackerFactory()).isNull();
        LongAdder applicationSaw = new LongAdder();
        dataSource.setMetricsTrackerFactory((pool, stats) -> new IMetricsTracker() {
            @Override
            public void recordConnectionAcquiredNanos(long nanos) {
                applicationSaw.increment();
            }
        });
        try (Connection c = dataSource.getConnection()) {
            assertThat(applicationSaw.sum()).isEqualTo(1);
        }
        assertThatThrownBy(() -> HikariSampler.factory(Clock.systemUTC()).validate(Map.of("acquireStats", "maybe")))
                .hasMessage("acquireStats: expected true or false, got 'maybe'");
    }

    @Test
    void poolsReportingElsewhereUnstartedPoolsAndMBeanOnlyPoolsAreHandledApart() throws Exception {
        LongAdder applicationSaw = new LongAdder();
        HikariConfig elsewhere = config(prefix + "-elsewhere-pool", 1, 0);
        elsewhere.setMetricsTrackerFactory((pool, stats) -> new IMetricsTracker() {
            @Override
            public void recordConnectionAcquiredNanos(long nanos) {
                applicationSaw.increment();
            }
        });
        HikariDataSource trackedElsewhere = open(elsewhere);
        register(prefix + "-tracked-elsewhere", trackedElsewhere);

        HikariDataSource lazy = new HikariDataSource();
        dataSources.add(lazy);
        lazy.setJdbcUrl(JDBC_URL);
        lazy.setUsername("postgres");
        register(prefix + "-not-started", lazy);

        HikariConfig mbeanOnly = config(prefix + "-mbean-only", 3, 1);
        mbeanOnly.setRegisterMbeans(true);
        HikariDataSource unregistered = open(mbeanOnly);

        Sampler sampler = sampler();
        sampler.sample();
        try (Connection c = trackedElsewhere.getConnection(); Connection d = unregistered.getConnection()) {
            List<?> samples = sampler.sample();
            assertThat(samples).extracting(s -> ((PoolSample) s).pool())
                    .containsExactly(prefix + "-tracked-elsewhere", prefix + "-mbean-only");

            PoolSample other = find(samples, prefix + "-tracked-elsewhere").orElseThrow();
            assertThat(other.active()).isEqualTo(1);
            assertThat(other.acquireMillis()).isNull();
            assertThat(other.timeouts()).isNull();
            assertThat(trackedElsewhere.getMetricsTrackerFactory()).isNotInstanceOf(AcquireTracker.class);
            assertThat(applicationSaw.sum()).as("the application's tracker still records").isEqualTo(1);

            PoolSample fromMBean = find(samples, prefix + "-mbean-only").orElseThrow();
            assertThat(fromMBean.active()).isEqualTo(1);
            assertThat(fromMBean.max()).isEqualTo(3);
            assertThat(fromMBean.minIdle()).isEqualTo(1);
            assertThat(fromMBean.waiting()).isZero();
            assertThat(fromMBean.acquireMillis()).isNull();
            assertThat(fromMBean.timeouts()).isNull();
        }
        assertThat(lazy.isRunning()).as("sampling does not start a pool").isFalse();
    }
}
