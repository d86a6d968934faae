package dev.governor.plugin.hikari;

import java.io.IOException;

/** One HikariCP pool, reached in this JVM or over JMX. Every call is bounded in time. */
interface PoolAccess {

    /** The pool's name. */
    String name();

    /** Where the pool was found, for messages: {@code registered in this JVM}, {@code over JMX at host:port}. */
    String where();

    PoolState read() throws IOException, InterruptedException;

    void setMaximumPoolSize(int max) throws IOException, InterruptedException;

    void setMinimumIdle(int minIdle) throws IOException, InterruptedException;

    /** Retires every connection: idle ones close now, busy ones when they are returned. */
    void softEvictConnections() throws IOException, InterruptedException;

    /**
     * Asks the pool to open connections now for the callers already waiting, and up to its minimum idle,
     * within its maximum: HikariCP opens connections when a caller starts to wait, so callers that were
     * waiting when the maximum was raised are not served by the new room until another caller arrives.
     *
     * @return false when this pool cannot be asked (a pool reached through its MBeans)
     */
    boolean openConnectionsNow(PoolState state);
}
