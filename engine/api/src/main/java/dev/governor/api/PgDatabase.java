package dev.governor.api;

import static dev.governor.api.Checks.requireField;
import static dev.governor.api.Checks.requireNonNegative;
import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Transaction-ID wraparound health of one database on a PostgreSQL server (every database on the server
 * is reported, {@code template0} included, since autovacuum must freeze them all).
 *
 * @param database         the server's name in Governor
 * @param datname          the database's name on the server
 * @param xidAge           {@code age(datfrozenxid)}, transaction IDs
 * @param mxidAge          {@code mxid_age(datminmxid)}, multixact IDs
 * @param freezeMaxAge     the server's {@code autovacuum_freeze_max_age}
 * @param xidsUntilStop    transaction IDs left before the server stops assigning new ones
 *                         (2^31 - 1 minus 3 million on 14+, minus 1 million on 13, minus {@code xidAge})
 * @param mxidsUntilStop   multixact IDs left before the same stop, computed the same way
 * @param allowConnections false for databases that accept no connections ({@code template0})
 * @param connections      sessions connected to it now
 * @param at               when it was sampled
 */
public record PgDatabase(
        @JsonProperty(required = true) String database,
        @JsonProperty(required = true) String datname,
        @JsonProperty(required = true) long xidAge,
        long mxidAge,
        long freezeMaxAge,
        long xidsUntilStop,
        long mxidsUntilStop,
        boolean allowConnections,
        int connections,
        Instant at) implements Fact {

    /** Transaction IDs between a frozen value and wraparound: 2^31 - 1. */
    public static final long WRAPAROUND = 2_147_483_647L;

    public PgDatabase {
        requireText(database, "database");
        requireText(datname, "datname");
        requireNonNegative(xidAge, "xidAge");
        requireNonNegative(mxidAge, "mxidAge");
        requireNonNegative(freezeMaxAge, "freezeMaxAge");
        requireNonNegative(connections, "connections");
        requireField(at, "at");
    }

    /** {@code xidAge} as a share of the 2^31 wraparound distance, 0..1 ("transaction ID utilization"). */
    public double wraparoundRatio() {
        return Math.min(1.0, (double) xidAge / WRAPAROUND);
    }

    /** {@code mxidAge} as a share of the 2^31 wraparound distance, 0..1. */
    public double mxidWraparoundRatio() {
        return Math.min(1.0, (double) mxidAge / WRAPAROUND);
    }
}
