package dev.governor.plugin.postgres;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pg.cancel} and {@code pg.terminate} of one session that holds the xmin horizon back.
 *
 * <p>Right before signalling, the session is read again from {@code pg_stat_activity} and every check
 * below must pass, else the outcome is SKIPPED with the reason and nothing is signalled:
 * <ol>
 *   <li>the pid still exists; its {@code backend_start} equals {@code params.backendStart} and its
 *       {@code xact_start} equals {@code params.xactStart}, when given (to the microsecond): a pid reused by
 *       a new session, or a session that has since begun another transaction, is not touched; its role and
 *       {@code application_name} equal {@code params.role} and {@code params.application}, when given (the
 *       values the envelope's allow-lists were checked against);</li>
 *   <li>it is a {@code client backend} (never an autovacuum worker, WAL sender or background worker) and
 *       not this session;</li>
 *   <li>its {@code application_name} is not Governor's own and matches no {@code denyApplications} pattern;</li>
 *   <li>its role is not a superuser, unless {@code allowSuperuser};</li>
 *   <li>its role matches {@code allowRoles} (when set) and its application matches {@code allowApplications}
 *       (when set), at least one of them being set;</li>
 *   <li>its state is one the signal can end: {@code pg.cancel} needs a running statement ({@code active});
 *       {@code pg.terminate} needs a transaction or a statement ({@code active}, {@code idle in transaction},
 *       {@code idle in transaction (aborted)}).</li>
 * </ol>
 * The signal itself is one statement that selects the session again by pid and {@code backend_start} and
 * passes the pid as a bound integer. {@code pg.terminate} then waits up to {@code terminateTimeout} for the
 * session to be gone (14+: {@code pg_terminate_backend(pid, timeout)}; 13: by watching
 * {@code pg_stat_activity}), {@code pg.cancel} for the statement to stop; if it is still there, FAILED.
 */
final class SignalActions {

    private static final Logger LOG = LoggerFactory.getLogger(SignalActions.class);
    static final List<String> PARAMS = List.of("backendStart", "xactStart", "role", "application");
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration SOCKET_MARGIN = Duration.ofSeconds(10);

    private static final String LOOKUP = """
            SELECT a.backend_start, a.backend_type, a.usename::text, a.application_name, a.state, a.xact_start,
                   a.query_start, extract(epoch FROM pg_catalog.now() - a.state_change)::float8, r.rolsuper,
                   greatest(pg_catalog.age(a.backend_xid), pg_catalog.age(a.backend_xmin)), a.datname::text
            FROM pg_catalog.pg_stat_activity a LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.usesysid
            WHERE a.pid = ?""";

    private static final String SAME_SESSION = """
            FROM pg_catalog.pg_stat_activity a
            WHERE a.pid = ? AND a.backend_start = ? AND a.backend_type = 'client backend'""";

    private static final String TERMINATE_WAITING = "SELECT pg_catalog.pg_terminate_backend(a.pid, ?) " + SAME_SESSION;
    private static final String TERMINATE = "SELECT pg_catalog.pg_terminate_backend(a.pid) " + SAME_SESSION;
    private static final String CANCEL = "SELECT pg_catalog.pg_cancel_backend(a.pid) " + SAME_SESSION
            + " AND a.state = 'active' AND a.query_start IS NOT DISTINCT FROM ?";
    private static final String STILL_THERE = "SELECT a.state, a.query_start " + SAME_SESSION;

    private final Sessions sessions;
    private final PostgresSettings settings;
    private final Clock clock;

    SignalActions(Sessions sessions, PostgresSettings settings, Clock clock) {
        this.sessions = sessions;
        this.settings = settings;
        this.clock = clock;
    }

    /** The session as {@code pg_stat_activity} shows it right now. */
    private record Seen(int pid, OffsetDateTime backendStart, String backendType, String user, String application,
                        String state, OffsetDateTime xactStart, OffsetDateTime queryStart, double inStateSeconds,
                        Boolean superuser, Long xminAge, String datname) {

        String describe() {
            StringBuilder out = new StringBuilder("pid ").append(pid).append(" (user ").append(user)
                    .append(", application '").append(application == null ? "" : application).append("'");
            if (datname != null) {
                out.append(", database ").append(datname);
            }
            out.append(", ").append(state).append(" for ").append(Math.round(inStateSeconds)).append(" s");
            if (xactStart != null) {
                out.append(", transaction started ").append(xactStart.toInstant());
            }
            out.append(xminAge == null ? ", holding no xmin" : ", holding xmin age " + xminAge);
            return out.append(")").toString();
        }
    }

    ActionOutcome run(Action action, boolean terminate) throws InterruptedException {
        Targets.Session target;
        Instant backendStart;
        Instant xactStart;
        String role;
        String application;
        try {
            target = Targets.Session.parse(action.target());
            for (String key : action.params().keySet()) {
                if (!PARAMS.contains(key)) {
                    throw new IllegalArgumentException("unknown parameter '" + key + "'; " + action.type() + " takes: "
                            + String.join(", ", PARAMS));
                }
            }
            backendStart = instant(action.params().get("backendStart"), "backendStart");
            xactStart = instant(action.params().get("xactStart"), "xactStart");
            role = text(action.params().get("role"));
            application = text(action.params().get("application"));
        } catch (IllegalArgumentException e) {
            return ActionOutcome.failed(action, e.getMessage(), clock.instant());
        }
        if (!settings.signalsAllowed()) {
            return skipped(action, "refused: no allowRoles or allowApplications configured (plugins.settings.postgres), "
                    + "so " + action.type() + " ends no session");
        }
        // Lookups are bounded by statement_timeout, the signal by terminateTimeout; the margin covers the network.
        Sessions.Opened opened = sessions.open(action, target.database(), null,
                database -> database.queryTimeout().plus(settings.terminateTimeout()).plus(SOCKET_MARGIN));
        if (opened.failure() != null) {
            return opened.failure();
        }
        try (ActionSession session = opened.session()) {
            Seen seen = lookup(session, target.pid());
            String refusal = refusal(session, seen, target.pid(), backendStart, xactStart, terminate);
            if (refusal == null && seen != null) {
                refusal = mismatch(target.pid(), "role", role, seen.user());
            }
            if (refusal == null && seen != null) {
                refusal = mismatch(target.pid(), "application", application, seen.application() == null ? "" : seen.application());
            }
            if (refusal != null) {
                return skipped(action, refusal);
            }
            return terminate ? terminate(action, session, seen) : cancel(action, session, seen);
        } catch (SQLException e) {
            LOG.warn("{} on {} failed: {}", action.type(), action.target(), Sessions.describe(e));
            return ActionOutcome.failed(action, Sessions.describe(e), clock.instant());
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /** A refusal when the rule named a role or application the session no longer has. */
    private static String mismatch(int pid, String what, String expected, String actual) {
        if (expected == null || expected.equals(actual)) {
            return null;
        }
        return "pid " + pid + " runs with " + what + " '" + actual + "', not '" + expected + "' as the action says; not touched";
    }

    /** Why this session must not be signalled, or null when every check passes. */
    private String refusal(ActionSession session, Seen seen, int pid, Instant backendStart, Instant xactStart, boolean terminate) {
        if (seen == null) {
            return "pid " + pid + ": no such session (it already ended); nothing done";
        }
        if (seen.backendStart() == null) {
            return "pid " + pid + " is a " + seen.backendType() + " whose details are hidden from Governor's role; not touched";
        }
        if (backendStart != null && !sameMicros(backendStart, seen.backendStart().toInstant())) {
            return "pid " + pid + " now belongs to another session (started " + seen.backendStart().toInstant()
                    + ", expected " + backendStart + "); not touched";
        }
        if (xactStart != null && (seen.xactStart() == null || !sameMicros(xactStart, seen.xactStart().toInstant()))) {
            return "the transaction of pid " + pid + " that was meant (started " + xactStart + ") has ended"
                    + (seen.xactStart() == null ? "" : "; it is now in one started " + seen.xactStart().toInstant())
                    + "; not touched";
        }
        if (pid == session.backendPid()) {
            return "pid " + pid + " is this action's own session; not touched";
        }
        if (!"client backend".equals(seen.backendType())) {
            return "pid " + pid + " is a " + seen.backendType() + ", not a client backend; Governor never signals it";
        }
        String app = seen.application() == null ? "" : seen.application();
        String own = session.database().applicationName();
        if (app.equals(own) || app.startsWith(own + ":")) {
            return "pid " + pid + " is one of Governor's own sessions (application '" + app + "'); not touched";
        }
        String denied = settings.denyApplications().firstMatch(app);
        if (denied != null) {
            return "pid " + pid + " runs application '" + app + "', which matches denyApplications pattern '" + denied
                    + "'; never ended";
        }
        if (Boolean.TRUE.equals(seen.superuser()) && !settings.allowSuperuser()) {
            return "pid " + pid + " runs as superuser " + seen.user() + "; superuser sessions are never signalled"
                    + " (allowSuperuser is false)";
        }
        if (!settings.allowRoles().isEmpty() && !settings.allowRoles().matches(seen.user())) {
            return "pid " + pid + " runs as role " + seen.user() + ", which is not in allowRoles " + settings.allowRoles()
                    + "; not touched";
        }
        if (!settings.allowApplications().isEmpty() && !settings.allowApplications().matches(app)) {
            return "pid " + pid + " runs application '" + app + "', which is not in allowApplications "
                    + settings.allowApplications() + "; not touched";
        }
        return stateRefusal(seen, terminate);
    }

    private static String stateRefusal(Seen seen, boolean terminate) {
        String state = seen.state();
        if (state == null || state.equals("disabled")) {
            return "the state of pid " + seen.pid() + " is unknown (track_activities is off); not touched";
        }
        boolean active = state.equals("active") || state.equals("fastpath function call");
        boolean inTransaction = state.startsWith("idle in transaction");
        if (!terminate && inTransaction) {
            return "pid " + seen.pid() + " is " + state + ": pg.cancel cannot end an idle transaction (there is no"
                    + " statement to cancel); use pg.terminate";
        }
        if (!terminate && !active) {
            return "pid " + seen.pid() + " is " + state + ": no statement is running, nothing to cancel";
        }
        if (terminate && !active && !inTransaction) {
            return "pid " + seen.pid() + " is " + state + ", outside any transaction: it holds no snapshot; not terminated";
        }
        return null;
    }

    private Seen lookup(ActionSession session, int pid) throws SQLException, InterruptedException {
        try (PreparedStatement query = session.connection().prepareStatement(LOOKUP)) {
            query.setInt(1, pid);
            Seen seen = session.run(query, () -> {
                try (ResultSet rs = query.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    boolean superuserNull;
                    boolean superuser = rs.getBoolean(9);
                    superuserNull = rs.wasNull();
                    long xminAge = rs.getLong(10);
                    Long xmin = rs.wasNull() ? null : xminAge;
                    return new Seen(pid, rs.getObject(1, OffsetDateTime.class), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getObject(6, OffsetDateTime.class),
                            rs.getObject(7, OffsetDateTime.class), rs.getDouble(8), superuserNull ? null : superuser, xmin,
                            rs.getString(11));
                }
            });
            if (seen != null && seen.backendStart() == null && "client backend".equals(seen.backendType())) {
                throw new SQLException("cannot see the details of pid " + pid + " in pg_stat_activity: grant pg_monitor"
                        + " (or pg_read_all_stats) to " + session.database().user(), "42501");
            }
            return seen;
        }
    }

    private ActionOutcome terminate(Action action, ActionSession session, Seen seen) throws SQLException, InterruptedException {
        boolean waits = session.version() >= 140_000;
        Boolean signalled;
        String serverSaid;
        try (PreparedStatement signal = session.connection().prepareStatement(waits ? TERMINATE_WAITING : TERMINATE)) {
            int i = 1;
            if (waits) {
                signal.setLong(i++, settings.terminateTimeout().toMillis());
            }
            signal.setInt(i++, seen.pid());
            signal.setObject(i, seen.backendStart());
            signalled = session.run(signal, () -> single(signal));
            serverSaid = ActionSession.notices(signal.getWarnings()).stream()
                    .map(VerboseReport.Notice::text).reduce((a, b) -> a + "; " + b).orElse("");
        }
        if (signalled == null || (!signalled && !serverSaid.contains("did not terminate"))) {
            return skipped(action, "pid " + seen.pid() + " ended just before the signal; nothing done");
        }
        // 14+: the server waited (false: not gone in time); 13: watch pg_stat_activity for as long.
        boolean ended = waits ? signalled || stillThere(session, seen) == null
                : ended(session, seen, true, settings.terminateTimeout());
        if (!ended) {
            return failed(action, "sent SIGTERM to " + seen.describe() + " but it had not ended after "
                    + settings.terminateTimeout().toMillis() + " ms" + (serverSaid.isEmpty() ? "" : " (" + serverSaid + ")"));
        }
        LOG.info("{} on {}: terminated {}", action.type(), action.target(), seen.describe());
        return ActionOutcome.applied(action, "terminated " + seen.describe(), clock.instant());
    }

    private ActionOutcome cancel(Action action, ActionSession session, Seen seen) throws SQLException, InterruptedException {
        Boolean signalled;
        try (PreparedStatement signal = session.connection().prepareStatement(CANCEL)) {
            signal.setInt(1, seen.pid());
            signal.setObject(2, seen.backendStart());
            signal.setObject(3, seen.queryStart());
            signalled = session.run(signal, () -> single(signal));
        }
        if (signalled == null || !signalled) {
            return skipped(action, "the statement of pid " + seen.pid() + " ended just before the signal; nothing done");
        }
        if (!ended(session, seen, false, settings.terminateTimeout())) {
            return failed(action, "sent a cancel to " + seen.describe() + " but its statement still ran after "
                    + settings.terminateTimeout().toMillis() + " ms");
        }
        LOG.info("{} on {}: cancelled the statement of {}", action.type(), action.target(), seen.describe());
        return ActionOutcome.applied(action, "cancelled the running statement of " + seen.describe()
                + "; the session stays connected", clock.instant());
    }

    /**
     * Waits up to {@code timeout} for what was signalled to be over: the session gone ({@code sessionEnds}),
     * or no longer running the statement it ran (a cancel).
     */
    private static boolean ended(ActionSession session, Seen seen, boolean sessionEnds, Duration timeout)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Object[] now = stillThere(session, seen);
            if (now == null) {
                return true;
            }
            if (!sessionEnds && (!"active".equals(now[0]) || !Objects.equals(now[1], seen.queryStart()))) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** The session's state and query start when it is still there, else null. */
    private static Object[] stillThere(ActionSession session, Seen seen) throws SQLException, InterruptedException {
        try (PreparedStatement query = session.connection().prepareStatement(STILL_THERE)) {
            query.setInt(1, seen.pid());
            query.setObject(2, seen.backendStart());
            return session.run(query, () -> {
                try (ResultSet rs = query.executeQuery()) {
                    return rs.next() ? new Object[] {rs.getString(1), rs.getObject(2, OffsetDateTime.class)} : null;
                }
            });
        }
    }

    private static Boolean single(PreparedStatement signal) throws SQLException {
        try (ResultSet rs = signal.executeQuery()) {
            return rs.next() ? rs.getBoolean(1) : null;
        }
    }

    private static boolean sameMicros(Instant a, Instant b) {
        return a.truncatedTo(ChronoUnit.MICROS).equals(b.truncatedTo(ChronoUnit.MICROS));
    }

    /** An ISO time ({@code 2026-01-01T10:00:00.123456Z} or with an offset), or a time object from a rule. */
    static Instant instant(Object value, String key) {
        if (value == null) {
            return null;
        }
        if (value instanceof TemporalAccessor temporal && !(value instanceof String)) {
            try {
                return Instant.from(temporal);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("params." + key + " must be a point in time, was " + value);
            }
        }
        String text = value.toString().trim();
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notUtc) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("params." + key + " must be an ISO time such as 2026-01-01T10:00:00.123456Z,"
                        + " was '" + value + "'");
            }
        }
    }

    private ActionOutcome skipped(Action action, String message) {
        LOG.info("{} on {}: skipped: {}", action.type(), action.target(), message);
        return ActionOutcome.skipped(action, message, clock.instant());
    }

    private ActionOutcome failed(Action action, String message) {
        LOG.warn("{} on {}: {}", action.type(), action.target(), message);
        return ActionOutcome.failed(action, message, clock.instant());
    }
}
