package dev.governor.api;

import static dev.governor.api.Checks.requireField;
import static dev.governor.api.Checks.requireNonNegative;
import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A VACUUM running now, manual or autovacuum, from {@code pg_stat_progress_vacuum}. Its dead-tuple
 * columns changed in PostgreSQL 17 (tuples became bytes and item IDs); fields a version lacks are null.
 *
 * @param database          the server's name in Governor
 * @param datname           the database it runs in
 * @param pid               the process running it
 * @param schema            the table's schema; null if the table is in another database
 * @param table             the table's name; null if the table is in another database
 * @param relid             the table's OID
 * @param phase             the phase, e.g. {@code scanning heap}, {@code vacuuming indexes}
 * @param autovacuum        true for an autovacuum worker
 * @param forWraparound     true for an anti-wraparound autovacuum (it cannot be cancelled by lock conflicts)
 * @param runningSeconds    how long it has been running, seconds
 * @param heapBlksTotal     heap blocks in the table
 * @param heapBlksScanned   heap blocks scanned so far
 * @param heapBlksVacuumed  heap blocks vacuumed so far
 * @param indexVacuumCount  index-vacuum cycles completed (more than one means the dead-tuple memory ran out)
 * @param maxDeadTuples     dead tuples that fit in memory before an index cycle (PostgreSQL 13 to 16)
 * @param numDeadTuples     dead tuples collected since the last index cycle (13 to 16)
 * @param maxDeadTupleBytes dead-tuple memory available, bytes (17+)
 * @param deadTupleBytes    dead-tuple memory used, bytes (17+)
 * @param numDeadItemIds    dead item IDs collected since the last index cycle (17+)
 * @param indexesTotal      indexes to vacuum or clean up (17+)
 * @param indexesProcessed  indexes done in the current phase (17+)
 * @param delaySeconds      time slept in cost-based delay, seconds (18+, with {@code track_cost_delay_timing})
 * @param waitEvent         what it waits for now, e.g. {@code Timeout:VacuumDelay}; null when running
 * @param at                when it was sampled
 */
public record PgVacuumProgress(
        @JsonProperty(required = true) String database,
        @JsonProperty(required = true) String datname,
        @JsonProperty(required = true) int pid,
        String schema,
        String table,
        long relid,
        @JsonProperty(required = true) String phase,
        boolean autovacuum,
        boolean forWraparound,
        double runningSeconds,
        long heapBlksTotal,
        long heapBlksScanned,
        long heapBlksVacuumed,
        long indexVacuumCount,
        Long maxDeadTuples,
        Long numDeadTuples,
        Long maxDeadTupleBytes,
        Long deadTupleBytes,
        Long numDeadItemIds,
        Long indexesTotal,
        Long indexesProcessed,
        Double delaySeconds,
        String waitEvent,
        Instant at) implements Fact {

    public PgVacuumProgress {
        requireText(database, "database");
        requireText(datname, "datname");
        requireText(phase, "phase");
        requireNonNegative(runningSeconds, "runningSeconds");
        requireNonNegative(heapBlksTotal, "heapBlksTotal");
        requireNonNegative(heapBlksScanned, "heapBlksScanned");
        requireNonNegative(heapBlksVacuumed, "heapBlksVacuumed");
        requireNonNegative(indexVacuumCount, "indexVacuumCount");
        requireField(at, "at");
    }

    /** Heap blocks scanned as a share of the table, 0..1. */
    public double scannedRatio() {
        return heapBlksTotal == 0 ? 0.0 : Math.min(1.0, (double) heapBlksScanned / heapBlksTotal);
    }
}
