package dev.governor.api;

import static dev.governor.api.Checks.requireField;
import static dev.governor.api.Checks.requireNonNegative;
import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Something that holds back PostgreSQL's xmin horizon, so VACUUM cannot remove rows that died after it
 * began: a session with an open snapshot or transaction ID, a prepared transaction, a replication slot,
 * or a standby's feedback. Sessions count only when they really pin: an idle READ COMMITTED transaction
 * that only read holds nothing and is not reported; one that wrote, or a REPEATABLE READ one, is.
 * Governor's own sessions and autovacuum workers (whose snapshots VACUUM ignores) are left out.
 *
 * @param database        the database's name in Governor (the server it was sampled through)
 * @param kind            {@code session}, {@code prepared}, {@code replication-slot} or {@code standby}
 * @param id              the session's pid, the prepared transaction's gid, the slot's name, or the standby's
 *                        application name
 * @param datname         the database it belongs to on the server; null for physical slots and standbys,
 *                        which hold the horizon of every database
 * @param pid             the session's process ID; null for other kinds
 * @param state           the session's state ({@code idle in transaction}, {@code active}, ...), the slot's
 *                        {@code active}/{@code inactive}, the standby's replication state; null for prepared
 * @param user            the role it runs as (the owner, for prepared transactions); null for slots
 * @param application     the session's {@code application_name}; the slot's plugin; null otherwise
 * @param clientAddress   the client's address for sessions and standbys ({@code local} for a Unix socket)
 * @param backendType     {@code client backend}, {@code walsender}, ... for sessions; null otherwise
 * @param xidAge          how old the transaction ID it holds is, transaction IDs
 * @param backendStart    when the session started (pins the exact session for {@code pg.cancel}/{@code pg.terminate}); null otherwise
 * @param xactStart       when its transaction started (sessions), or when it was prepared; null otherwise
 * @param heldSeconds     how long it has held: since its transaction started, or since it was prepared;
 *                        0 for slots and standbys, whose start is not known
 * @param inStateSeconds  how long the session has been in its current state, seconds; 0 for other kinds
 * @param detail          the first 120 characters of the session's query, or what else identifies it
 * @param at              when it was sampled
 */
public record PgHorizonHolder(
        @JsonProperty(required = true) String database,
        @JsonProperty(required = true) String kind,
        @JsonProperty(required = true) String id,
        String datname,
        Integer pid,
        String state,
        String user,
        String application,
        String clientAddress,
        String backendType,
        @JsonProperty(required = true) long xidAge,
        Instant backendStart,
        Instant xactStart,
        double heldSeconds,
        double inStateSeconds,
        String detail,
        Instant at) implements Fact {

    public static final String SESSION = "session";
    public static final String PREPARED = "prepared";
    public static final String REPLICATION_SLOT = "replication-slot";
    public static final String STANDBY = "standby";

    public PgHorizonHolder {
        requireText(database, "database");
        requireText(kind, "kind");
        requireText(id, "id");
        requireNonNegative(xidAge, "xidAge");
        requireNonNegative(heldSeconds, "heldSeconds");
        requireNonNegative(inStateSeconds, "inStateSeconds");
        detail = detail == null ? "" : detail;
        requireField(at, "at");
    }

    /** {@code DATABASE/PID}: the target that {@code pg.cancel} and {@code pg.terminate} take; null for other kinds. */
    public String target() {
        return pid == null ? null : database + "/" + pid;
    }

    /** True for a session that sits idle inside a transaction (also when the transaction failed). */
    public boolean idleInTransaction() {
        return state != null && state.startsWith("idle in transaction");
    }
}
