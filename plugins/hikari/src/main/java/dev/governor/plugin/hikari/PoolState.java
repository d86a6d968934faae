package dev.governor.plugin.hikari;

/**
 * A pool's sizes and counts at one moment, as HikariCP reports them: {@code max} and {@code minIdle} from
 * its configuration, the connection counts from the pool (point-in-time, and racy with each other).
 */
record PoolState(int max, int minIdle, int total, int active, int idle, int waiting) {
}
