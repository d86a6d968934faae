package dev.governor.plugin.postgres;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pg.vacuum} and {@code pg.analyze} of one table.
 *
 * <p>The table is resolved in the action's own session right before the command: by OID when the
 * action gives {@code relid} (it must still carry the target's name), else by name, trying every
 * split of {@code SCHEMA.TABLE} at a dot and acting only when exactly one (schema, table) pair exists.
 * The server quotes the name ({@code format('%I.%I', ...)}); option values come from a whitelist. The
 * command runs alone, in autocommit, with VERBOSE: its notices tell whether the server skipped the table
 * (lock or privilege: SKIPPED, the command "succeeds" with a WARNING) and what it removed.
 */
final class TableActions {

    private static final Logger LOG = LoggerFactory.getLogger(TableActions.class);

    /** Relation kinds VACUUM and ANALYZE accept: table, materialized view, partitioned table, TOAST table. */
    private static final String KINDS = "rmpt";

    private static final String BY_NAME = """
            SELECT c.oid, n.nspname::text, c.relname::text, c.relkind::text, pg_catalog.format('%I.%I', n.nspname, c.relname)
            FROM unnest(?::text[], ?::text[]) AS s(nsp, rel)
            JOIN pg_catalog.pg_namespace n ON n.nspname = s.nsp
            JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = s.rel""";

    private static final String BY_OID = """
            SELECT c.oid, n.nspname::text, c.relname::text, c.relkind::text, pg_catalog.format('%I.%I', n.nspname, c.relname)
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = ?::bigint::oid""";

    private final Sessions sessions;
    private final PostgresSettings settings;
    private final Clock clock;

    TableActions(Sessions sessions, PostgresSettings settings, Clock clock) {
        this.sessions = sessions;
        this.settings = settings;
        this.clock = clock;
    }

    /** A resolved table: its OID, its names as the catalogs spell them, and the server-quoted {@code schema.table}. */
    private record Resolved(long oid, String schema, String table, String kind, String quoted) {
    }

    ActionOutcome run(Action action, boolean vacuum) throws InterruptedException {
        Targets.Table target;
        MaintenanceOptions options;
        try {
            target = Targets.Table.parse(action.target());
            options = MaintenanceOptions.parse(action.params(), vacuum);
        } catch (IllegalArgumentException e) {
            return ActionOutcome.failed(action, e.getMessage(), clock.instant());
        }
        Sessions.Opened opened = sessions.open(action, target.database(), settings.lockTimeout(), database -> Duration.ZERO);
        if (opened.failure() != null) {
            return opened.failure();
        }
        try (ActionSession session = opened.session()) {
            return run(action, target, options, vacuum, session);
        } catch (SQLException e) {
            return failed(action, e, List.of());
        }
    }

    private ActionOutcome run(Action action, Targets.Table target, MaintenanceOptions options, boolean vacuum,
                              ActionSession session) throws SQLException, InterruptedException {
        List<Resolved> found = options.relid() != null ? byOid(session, options.relid()) : byName(session, target);
        String where = "in database " + target.database();
        if (found.isEmpty()) {
            return ActionOutcome.skipped(action, options.relid() != null
                    ? "no table has OID " + options.relid() + " " + where + " any more (dropped?); nothing done"
                    : "no table " + target.name() + " " + where + " (dropped or renamed?); nothing done", clock.instant());
        }
        if (found.size() > 1) {
            return ActionOutcome.failed(action, "target " + target.name() + " is ambiguous " + where + ": it names "
                    + found.stream().map(Resolved::quoted).collect(Collectors.joining(" and "))
                    + "; add params.relid (PgTable.relid) to say which", clock.instant());
        }
        Resolved table = found.get(0);
        if (options.relid() != null && !(table.schema() + "." + table.table()).equals(target.name())) {
            return ActionOutcome.skipped(action, "OID " + options.relid() + " is now " + table.quoted() + ", not " + target.name()
                    + " (renamed, or dropped and its OID reused); nothing done", clock.instant());
        }
        if (KINDS.indexOf(table.kind()) < 0) {
            return ActionOutcome.failed(action, table.quoted() + " is not a table (relkind '" + table.kind()
                    + "'); pg.vacuum and pg.analyze act on tables and materialized views", clock.instant());
        }
        List<String> notes = new ArrayList<>();
        List<String> clauses = vacuum ? options.vacuumOptions(session.version(), notes) : options.analyzeOptions();
        String command = (vacuum ? "VACUUM" : "ANALYZE") + " (" + String.join(", ", clauses) + ") " + table.quoted();
        session.unlimitStatements(settings.vacuumCostDelay());
        long started = System.nanoTime();
        List<VerboseReport.Notice> notices;
        try {
            notices = session.execute(command);
        } catch (SQLException e) {
            return failed(action, e, notes);
        }
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        VerboseReport report = VerboseReport.of(notices);
        String noteText = notes.isEmpty() ? "" : "; " + String.join("; ", notes);
        if (report.skipped() != null) {
            LOG.info("{} on {}: the server skipped {}: {}", action.type(), action.target(), table.quoted(), report.skipped());
            return ActionOutcome.skipped(action, "not " + (vacuum ? "vacuumed" : "analyzed") + ": the server said \""
                    + report.skipped() + "\"" + noteText, clock.instant());
        }
        String summary = vacuum ? report.tupleSummary() : report.analyze();
        String message = (vacuum ? "vacuumed " : "analyzed ") + table.quoted() + " (" + String.join(", ", clauses) + ") in "
                + tookMillis + " ms" + (summary == null ? "" : ": " + summary) + noteText;
        LOG.info("{} on {}: {}", action.type(), action.target(), message);
        return ActionOutcome.applied(action, message, clock.instant());
    }

    private static List<Resolved> byName(ActionSession session, Targets.Table target) throws SQLException, InterruptedException {
        List<String[]> splits = target.splits();
        try (PreparedStatement query = session.connection().prepareStatement(BY_NAME)) {
            Array schemas = session.connection().createArrayOf("text", splits.stream().map(s -> s[0]).toArray());
            Array tables = session.connection().createArrayOf("text", splits.stream().map(s -> s[1]).toArray());
            query.setArray(1, schemas);
            query.setArray(2, tables);
            return session.run(query, () -> read(query));
        }
    }

    private static List<Resolved> byOid(ActionSession session, long oid) throws SQLException, InterruptedException {
        try (PreparedStatement query = session.connection().prepareStatement(BY_OID)) {
            query.setLong(1, oid);
            return session.run(query, () -> read(query));
        }
    }

    private static List<Resolved> read(PreparedStatement query) throws SQLException {
        List<Resolved> out = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                out.add(new Resolved(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
            }
        }
        return out;
    }

    /**
     * A lock that could not be had within {@code lock_timeout} or a table that vanished between the lookup and
     * the command is SKIPPED (a normal condition, tried again later); any other error is FAILED with its SQLSTATE.
     */
    private ActionOutcome failed(Action action, SQLException e, List<String> notes) {
        String noteText = notes.isEmpty() ? "" : "; " + String.join("; ", notes);
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = String.valueOf(e.getMessage());
        return switch (state) {
            case "55P03" -> ActionOutcome.skipped(action, "lock not available within lock_timeout: the server said \""
                    + message + "\"; another session holds a conflicting lock" + noteText, clock.instant());
            case "42P01" -> ActionOutcome.skipped(action, "the table vanished just before the command (dropped or renamed): \""
                    + message + "\"" + noteText, clock.instant());
            default -> {
                LOG.warn("{} on {} failed: {} {}", action.type(), action.target(), state, message);
                yield ActionOutcome.failed(action, Sessions.describe(e) + noteText, clock.instant());
            }
        };
    }
}
