package dev.governor.plugin.hikari;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.util.ConcurrentBag;
import java.io.IOException;

/** A {@link HikariDataSource} of this JVM, changed through its own MXBean interfaces. */
final class LocalPool implements PoolAccess {

    private final String name;
    private final String where;
    private final HikariDataSource dataSource;

    LocalPool(String name, String where, HikariDataSource dataSource) {
        this.name = name;
        this.where = where;
        this.dataSource = dataSource;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String where() {
        return where;
    }

    @Override
    public PoolState read() throws IOException {
        HikariPoolMXBean pool = running();
        HikariConfigMXBean config = dataSource.getHikariConfigMXBean();
        return new PoolState(config.getMaximumPoolSize(), config.getMinimumIdle(), pool.getTotalConnections(),
                pool.getActiveConnections(), pool.getIdleConnections(), pool.getThreadsAwaitingConnection());
    }

    @Override
    public void setMaximumPoolSize(int max) throws IOException {
        running();
        dataSource.getHikariConfigMXBean().setMaximumPoolSize(max);
    }

    @Override
    public void setMinimumIdle(int minIdle) throws IOException {
        running();
        dataSource.getHikariConfigMXBean().setMinimumIdle(minIdle);
    }

    @Override
    public void softEvictConnections() throws IOException {
        running().softEvictConnections();
    }

    /**
     * HikariCP's pool is its own bag listener: {@code addBagItem(waiting)} queues one connection opener,
     * which opens one connection if the pool is below its maximum and has fewer idle connections than
     * waiting callers or than its minimum idle, and does nothing otherwise. Called again while the pool
     * settles, it serves every caller that waits.
     */
    @Override
    public boolean openConnectionsNow(PoolState state) {
        HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
        if (!(pool instanceof ConcurrentBag.IBagStateListener listener) || dataSource.isClosed()) {
            return false;
        }
        listener.addBagItem(Math.max(1, state.waiting()));
        return true;
    }

    private HikariPoolMXBean running() throws IOException {
        HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
        if (pool == null || dataSource.isClosed()) {
            throw new IOException("pool '" + name + "' was closed");
        }
        return pool;
    }
}
