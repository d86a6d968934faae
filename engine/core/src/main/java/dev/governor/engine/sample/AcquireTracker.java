package dev.governor.engine.sample;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.PoolStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts, for one HikariCP pool, the callers that asked for a connection, how long they waited
 * (nanoseconds, timed-out callers included, as HikariCP reports it) and how many gave up after the
 * pool's {@code connectionTimeout}. HikariCP calls it on every {@code getConnection()}, so it only adds to
 * counters. Serves as its own factory: a pool creates one tracker. Thread-safe.
 */
final class AcquireTracker implements MetricsTrackerFactory, IMetricsTracker {

    private static final Object INSTALL_LOCK = new Object();

    private final LongAdder attempts = new LongAdder();
    private final LongAdder waitedNanos = new LongAdder();
    private final LongAdder timeouts = new LongAdder();

    /** What the tracker has counted since it was installed. */
    record Counts(long attempts, long waitedNanos, long timeouts) {
    }

    /**
     * The pool's Governor tracker, installed now if the pool reports to no tracker and no metric
     * registry; null if it reports to someone else's, which Governor leaves alone. HikariCP accepts a
     * tracker on a running pool once; after this, the application can no longer set one of its own.
     */
    static AcquireTracker installOn(HikariDataSource dataSource) {
        synchronized (INSTALL_LOCK) {
            MetricsTrackerFactory current = dataSource.getMetricsTrackerFactory();
            if (current instanceof AcquireTracker tracker) {
                return tracker;
            }
            if (current != null || dataSource.getMetricRegistry() != null) {
                return null;
            }
            AcquireTracker tracker = new AcquireTracker();
            try {
                dataSource.setMetricsTrackerFactory(tracker);
            } catch (IllegalStateException e) {
                // The application set a tracker or a metric registry in the meantime.
                return null;
            }
            return tracker;
        }
    }

    @Override
    public IMetricsTracker create(String poolName, PoolStats poolStats) {
        return this;
    }

    @Override
    public void recordConnectionAcquiredNanos(long elapsedAcquiredNanos) {
        attempts.increment();
        waitedNanos.add(elapsedAcquiredNanos);
    }

    @Override
    public void recordConnectionTimeout() {
        timeouts.increment();
    }

    Counts counts() {
        return new Counts(attempts.sum(), waitedNanos.sum(), timeouts.sum());
    }
}
