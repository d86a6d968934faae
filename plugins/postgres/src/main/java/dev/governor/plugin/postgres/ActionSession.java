package dev.governor.plugin.postgres;

import dev.governor.spi.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.postgresql.Driver;
import org.postgresql.util.PSQLWarning;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One short-lived connection for one action: autocommit, {@code application_name}
 * {@code <applicationName>:<action type>}, {@code lock_timeout}, {@code statement_timeout} = the
 * database's query timeout (VACUUM and ANALYZE lift it, see {@link #unlimitStatements}), and an empty
 * {@code search_path} (as autovacuum runs), so nothing unqualified resolves to a user's object.
 *
 * <p>Every statement runs on a helper thread while the action's worker waits for it: when Governor
 * interrupts the worker (the action timed out), the statement is cancelled on the server with
 * {@link Statement#cancel()}, and the connection is aborted if it does not stop within
 * {@link #CANCEL_GRACE}. Not thread-safe: one action uses it, then closes it.
 */
final class ActionSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ActionSession.class);
    private static final Driver DRIVER = new Driver();

    /** The oldest server the plugin supports. */
    static final int MIN_VERSION = 130_000;
    /** How long a cancelled statement may take to stop before the connection is aborted. */
    static final Duration CANCEL_GRACE = Duration.ofSeconds(5);

    private static final String SETUP = """
            SELECT pg_catalog.set_config('statement_timeout', ?, false),
                   pg_catalog.set_config('lock_timeout', ?, false),
                   pg_catalog.set_config('search_path', '', false),
                   pg_catalog.current_setting('server_version_num')::int,
                   pg_catalog.pg_backend_pid()""";

    /** A statement's work, run on the helper thread. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    private final Connection connection;
    private final ExecutorService statements;
    private final Database database;
    private final int version;
    private final int backendPid;

    private ActionSession(Connection connection, ExecutorService statements, Database database, int version, int backendPid) {
        this.connection = connection;
        this.statements = statements;
        this.database = database;
        this.version = version;
        this.backendPid = backendPid;
    }

    /**
     * Connects for one action. {@code socketTimeout} bounds how long the driver waits on the network
     * ({@link Duration#ZERO}: no bound, for VACUUM, which the server is allowed to run for long).
     */
    static ActionSession open(Database database, String actionType, Duration lockTimeout, Duration socketTimeout,
                              ExecutorService statements) throws SQLException, InterruptedException {
        Properties props = new Properties();
        if (database.user() != null) {
            props.setProperty("user", database.user());
        }
        if (database.password() != null) {
            props.setProperty("password", database.password());
        }
        props.setProperty("ApplicationName", database.applicationName() + ":" + actionType);
        props.setProperty("connectTimeout", Long.toString(ceilSeconds(database.connectTimeout())));
        props.setProperty("loginTimeout", Long.toString(ceilSeconds(database.connectTimeout())));
        props.setProperty("socketTimeout", Long.toString(ceilSeconds(socketTimeout)));
        props.setProperty("tcpKeepAlive", "true");
        Connection connection = DRIVER.connect(database.url(), props);
        if (connection == null) {
            throw new SQLException("url of database " + database.name() + " is not a PostgreSQL JDBC URL: " + database.url(), "08001");
        }
        try {
            connection.setAutoCommit(true);
            ActionSession session;
            try (PreparedStatement setup = connection.prepareStatement(SETUP)) {
                setup.setString(1, database.queryTimeout().toMillis() + "ms");
                setup.setString(2, lockTimeout.toMillis() + "ms");
                session = runOn(connection, statements, setup, () -> {
                    try (ResultSet rs = setup.executeQuery()) {
                        rs.next();
                        return new ActionSession(connection, statements, database, rs.getInt(4), rs.getInt(5));
                    }
                });
            }
            if (session.version < MIN_VERSION) {
                throw new SQLException("PostgreSQL " + MaintenanceOptions.major(session.version) + " (server_version_num "
                        + session.version + ") is not supported: the postgres plugin needs PostgreSQL 13 or newer", "0A000");
            }
            return session;
        } catch (SQLException | InterruptedException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** {@code server_version_num}, e.g. 150020. */
    int version() {
        return version;
    }

    /** This session's own process ID. */
    int backendPid() {
        return backendPid;
    }

    Database database() {
        return database;
    }

    Connection connection() {
        return connection;
    }

    /**
     * Lifts {@code statement_timeout} for a VACUUM or ANALYZE that is about to run (the action's timeout
     * ends it instead), and sets {@code vacuum_cost_delay} when one is configured.
     */
    void unlimitStatements(Duration vacuumCostDelay) throws SQLException, InterruptedException {
        try (PreparedStatement set = connection.prepareStatement(
                "SELECT pg_catalog.set_config('statement_timeout', '0', false),"
                        + " pg_catalog.set_config('vacuum_cost_delay', coalesce(?, pg_catalog.current_setting('vacuum_cost_delay')), false)")) {
            set.setString(1, vacuumCostDelay == null ? null : vacuumCostDelay.toMillis() + "ms");
            run(set, set::execute);
        }
    }

    /** Runs {@code work} on {@code statement}, cancelling it on the server if this thread is interrupted. */
    <T> T run(Statement statement, Work<T> work) throws SQLException, InterruptedException {
        return runOn(connection, statements, statement, work);
    }

    /** Runs one utility statement (VACUUM, ANALYZE) and returns the notices it raised, in order. */
    List<VerboseReport.Notice> execute(String sql) throws SQLException, InterruptedException {
        try (Statement statement = connection.createStatement()) {
            run(statement, () -> statement.execute(sql));
            return notices(statement.getWarnings());
        }
    }

    /** The server notices in a warning chain, with severity and detail when the driver gives them. */
    static List<VerboseReport.Notice> notices(SQLWarning warning) {
        List<VerboseReport.Notice> out = new ArrayList<>();
        for (SQLWarning w = warning; w != null; w = w.getNextWarning()) {
            ServerErrorMessage server = w instanceof PSQLWarning p ? p.getServerErrorMessage() : null;
            if (server != null && server.getMessage() != null) {
                String text = server.getDetail() == null ? server.getMessage() : server.getMessage() + "\n" + server.getDetail();
                out.add(new VerboseReport.Notice(server.getSeverity(), text));
            } else {
                String state = w.getSQLState();
                out.add(new VerboseReport.Notice(state != null && state.startsWith("01") ? "WARNING" : "INFO",
                        String.valueOf(w.getMessage())));
            }
        }
        return out;
    }

    private static <T> T runOn(Connection connection, ExecutorService statements, Statement statement, Work<T> work)
            throws SQLException, InterruptedException {
        Future<T> result = statements.submit(work::run);
        try {
            return result.get();
        } catch (InterruptedException e) {
            cancel(connection, statement, result);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new SQLException(cause);
        }
    }

    /** Cancels a statement whose worker was interrupted; aborts the connection when it does not stop in time. */
    private static void cancel(Connection connection, Statement statement, Future<?> result) {
        try {
            statement.cancel();
        } catch (SQLException e) {
            LOG.debug("Cancelling a statement failed: {}", e.getMessage());
        }
        try {
            result.get(CANCEL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("A cancelled statement did not stop within {} ms; aborting its connection", CANCEL_GRACE.toMillis());
            try {
                connection.abort(Runnable::run);
            } catch (SQLException abortFailed) {
                LOG.debug("Aborting a connection failed: {}", abortFailed.getMessage());
            }
        } catch (ExecutionException expected) {
            // the statement ended with "canceling statement due to user request"
        } catch (InterruptedException again) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("Closing a PostgreSQL connection failed: {}", e.getMessage());
        }
    }

    private static long ceilSeconds(Duration d) {
        if (d.isZero()) {
            return 0;
        }
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
