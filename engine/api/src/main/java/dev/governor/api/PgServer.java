package dev.governor.api;

import static dev.governor.api.Checks.requireField;
import static dev.governor.api.Checks.requireNonNegative;
import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;

/**
 * A PostgreSQL server as a whole: its version, connections by state, autovacuum workers, and the settings
 * rules need ({@code autovacuum_*}, {@code vacuum_*}, {@code idle_in_transaction_session_timeout},
 * {@code transaction_timeout}, {@code max_connections}, ...). Settings a version lacks are absent.
 *
 * @param database                  the server's name in Governor
 * @param version                   {@code server_version_num}, e.g. 170002
 * @param maxConnections            {@code max_connections}
 * @param reservedConnections       connections reserved for superusers and, on 16+, {@code pg_use_reserved_connections}
 * @param connections               client sessions connected now
 * @param active                    sessions running a statement
 * @param idle                      sessions idle outside a transaction
 * @param idleInTransaction         sessions idle inside a transaction (aborted ones included)
 * @param waitingOnLock             sessions waiting for a lock
 * @param autovacuumWorkers         autovacuum workers running now
 * @param autovacuumMaxWorkers      {@code autovacuum_max_workers}
 * @param settings                  the settings rules need, by name, as {@code pg_settings.setting} gives them
 *                                  (in the setting's own unit, e.g. {@code idle_in_transaction_session_timeout} in ms)
 * @param at                        when it was sampled
 */
public record PgServer(
        @JsonProperty(required = true) String database,
        @JsonProperty(required = true) int version,
        int maxConnections,
        int reservedConnections,
        int connections,
        int active,
        int idle,
        int idleInTransaction,
        int waitingOnLock,
        int autovacuumWorkers,
        int autovacuumMaxWorkers,
        Map<String, String> settings,
        Instant at) implements Fact {

    public PgServer {
        requireText(database, "database");
        requireNonNegative(version, "version");
        requireNonNegative(maxConnections, "maxConnections");
        requireNonNegative(reservedConnections, "reservedConnections");
        requireNonNegative(connections, "connections");
        requireNonNegative(active, "active");
        requireNonNegative(idle, "idle");
        requireNonNegative(idleInTransaction, "idleInTransaction");
        requireNonNegative(waitingOnLock, "waitingOnLock");
        requireNonNegative(autovacuumWorkers, "autovacuumWorkers");
        requireNonNegative(autovacuumMaxWorkers, "autovacuumMaxWorkers");
        settings = settings == null ? Map.of() : Map.copyOf(settings);
        requireField(at, "at");
    }

    /** The setting's value, or the empty string when this server has no such setting. */
    public String setting(String name) {
        return settings.getOrDefault(name, "");
    }

    /** The major version, e.g. 17 for 170002. */
    public int majorVersion() {
        return version / 10_000;
    }

    /** Connections ordinary roles may still open: max minus reserved minus connected, at least 0. */
    public int connectionsLeft() {
        return Math.max(0, maxConnections - reservedConnections - connections);
    }

    /** Autovacuum workers running as a share of the maximum, 0..1. */
    public double autovacuumSaturation() {
        return autovacuumMaxWorkers == 0 ? 0.0 : Math.min(1.0, (double) autovacuumWorkers / autovacuumMaxWorkers);
    }
}
