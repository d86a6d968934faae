package dev.governor.api;

import static dev.governor.api.Checks.requireField;
import static dev.governor.api.Checks.requireNonNegative;
import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One table (or materialized view) of a PostgreSQL database: its MVCC counters, its freeze ages, and
 * what autovacuum will decide for it, computed with autovacuum's own formula, the server's settings and
 * the table's storage parameters (including PostgreSQL 18's {@code autovacuum_vacuum_max_threshold}
 * and unfrozen-fraction insert threshold). Counters come from {@code pg_stat_all_tables} and lag
 * behind the truth by up to a second; act on what persists across samples.
 *
 * @param database           the database's name in Governor ({@code governor.yaml})
 * @param schema             the schema, as the catalog spells it
 * @param table              the table, as the catalog spells it
 * @param relid              the table's OID
 * @param liveTuples         estimated live rows ({@code n_live_tup})
 * @param deadTuples         estimated dead rows ({@code n_dead_tup})
 * @param modsSinceAnalyze   rows modified since the last analyze ({@code n_mod_since_analyze})
 * @param insertsSinceVacuum rows inserted since the last vacuum ({@code n_ins_since_vacuum})
 * @param reltuples          the planner's row estimate ({@code pg_class.reltuples}; 0 when never vacuumed or analyzed)
 * @param pages              pages on disk at the last vacuum or analyze ({@code relpages})
 * @param sizeBytes          estimated size of the main fork, {@code relpages * block_size}, bytes (no per-table size call)
 * @param xidAge             {@code age(relfrozenxid)}, transaction IDs
 * @param mxidAge            {@code mxid_age(relminmxid)}, multixact IDs
 * @param lastVacuum         last manual VACUUM, or null
 * @param lastAutovacuum     last autovacuum, or null
 * @param lastAnalyze        last manual ANALYZE, or null
 * @param lastAutoanalyze    last autoanalyze, or null
 * @param vacuumCount        manual vacuums since statistics were reset
 * @param autovacuumCount    autovacuums since statistics were reset
 * @param analyzeCount       manual analyzes since statistics were reset
 * @param autoanalyzeCount   autoanalyzes since statistics were reset
 * @param autovacuumEnabled  false when the table's {@code autovacuum_enabled} storage parameter or the server's
 *                           {@code autovacuum} setting turns it off
 * @param vacuumThreshold    dead rows above which autovacuum vacuums the table
 * @param insertThreshold    inserted rows above which autovacuum vacuums the table; null when insert-driven
 *                           vacuum is off for it
 * @param analyzeThreshold   modified rows above which autovacuum analyzes the table
 * @param freezeMaxAge       the effective {@code autovacuum_freeze_max_age} for this table, transaction IDs
 * @param vacuumDue          dead rows or inserts are over autovacuum's threshold, or wraparound is due: autovacuum
 *                           vacuums it at its next visit when {@code autovacuumEnabled} (wraparound: always); a
 *                           table due while autovacuum is off for it is one only Governor will vacuum
 * @param analyzeDue         modified rows are over autovacuum's analyze threshold: autovacuum analyzes it at its
 *                           next visit when {@code autovacuumEnabled}
 * @param wraparoundDue      {@code xidAge} or {@code mxidAge} is over its freeze limit: autovacuum will run an
 *                           anti-wraparound vacuum that cannot be skipped
 * @param at                 when it was sampled
 */
public record PgTable(
        @JsonProperty(required = true) String database,
        @JsonProperty(required = true) String schema,
        @JsonProperty(required = true) String table,
        long relid,
        long liveTuples,
        @JsonProperty(required = true) long deadTuples,
        long modsSinceAnalyze,
        long insertsSinceVacuum,
        double reltuples,
        long pages,
        long sizeBytes,
        long xidAge,
        long mxidAge,
        Instant lastVacuum,
        Instant lastAutovacuum,
        Instant lastAnalyze,
        Instant lastAutoanalyze,
        long vacuumCount,
        long autovacuumCount,
        long analyzeCount,
        long autoanalyzeCount,
        boolean autovacuumEnabled,
        double vacuumThreshold,
        Double insertThreshold,
        double analyzeThreshold,
        long freezeMaxAge,
        boolean vacuumDue,
        boolean analyzeDue,
        boolean wraparoundDue,
        Instant at) implements Fact {

    public PgTable {
        requireText(database, "database");
        requireText(schema, "schema");
        requireText(table, "table");
        requireNonNegative(liveTuples, "liveTuples");
        requireNonNegative(deadTuples, "deadTuples");
        requireNonNegative(modsSinceAnalyze, "modsSinceAnalyze");
        requireNonNegative(insertsSinceVacuum, "insertsSinceVacuum");
        requireNonNegative(reltuples, "reltuples");
        requireNonNegative(pages, "pages");
        requireNonNegative(sizeBytes, "sizeBytes");
        requireNonNegative(xidAge, "xidAge");
        requireNonNegative(mxidAge, "mxidAge");
        requireNonNegative(vacuumThreshold, "vacuumThreshold");
        requireNonNegative(insertThreshold, "insertThreshold");
        requireNonNegative(analyzeThreshold, "analyzeThreshold");
        requireField(at, "at");
    }

    /** {@code DATABASE/SCHEMA.TABLE}: the target that {@code pg.vacuum} and {@code pg.analyze} take. */
    public String target() {
        return database + "/" + schema + "." + table;
    }

    /** Dead rows as a share of all rows, 0..1. */
    public double deadRatio() {
        long all = liveTuples + deadTuples;
        return all == 0 ? 0.0 : (double) deadTuples / all;
    }

    /** {@code xidAge} as a share of {@code freezeMaxAge}: at 1.0 an anti-wraparound vacuum is due. */
    public double freezeAgeRatio() {
        return freezeMaxAge == 0 ? 0.0 : (double) xidAge / freezeMaxAge;
    }

    /** The time of the latest vacuum, manual or auto, or null when it was never vacuumed. */
    public Instant lastAnyVacuum() {
        return latest(lastVacuum, lastAutovacuum);
    }

    /** The time of the latest analyze, manual or auto, or null when it was never analyzed. */
    public Instant lastAnyAnalyze() {
        return latest(lastAnalyze, lastAutoanalyze);
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
