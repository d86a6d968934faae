package dev.governor.plugin.postgres;

import dev.governor.spi.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

/**
 * A database and roles of the tests' own on a PostgreSQL server, all with a unique suffix, removed at
 * the end: the database with {@code DROP DATABASE ... WITH (FORCE)}, then the roles. Server settings are
 * never changed. Roles: {@code agent} (what Governor connects as: pg_monitor and pg_signal_backend, owner
 * of the tables the tests vacuum), {@code app} and {@code other} (ordinary login roles).
 */
final class TestCluster implements AutoCloseable {

    /** Governor's name for the test database in targets: {@code it/public.t}, {@code it/4242}. */
    static final String NAME = "it";

    final String host;
    final int port;
    final String superuser;
    final String db;
    final String agent;
    final String app;
    final String other;
    final int version;
    private final List<Connection> opened = new ArrayList<>();

    private TestCluster(String host, int port, String superuser) throws SQLException {
        this.host = host;
        this.port = port;
        this.superuser = superuser;
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10).toLowerCase(Locale.ROOT);
        this.db = "gov_plugin_" + suffix;
        this.agent = "gov_" + suffix + "_agent";
        this.app = "gov_" + suffix + "_app";
        this.other = "gov_" + suffix + "_other";
        try (Connection c = connectTo("postgres", superuser, "governor-test"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
            s.execute("CREATE ROLE " + agent + " LOGIN");
            s.execute("GRANT pg_monitor, pg_signal_backend TO " + agent);
            s.execute("CREATE ROLE " + app + " LOGIN");
            s.execute("CREATE ROLE " + other + " LOGIN");
            try (ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
                rs.next();
                this.version = rs.getInt(1);
            }
        }
    }

    static TestCluster create(String host, int port, String superuser) throws SQLException {
        return new TestCluster(host, port, superuser);
    }

    String url() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + db;
    }

    /** The test database as Governor's plugin receives it, connecting as {@code role}. */
    Database database(String role) {
        return new Database(NAME, url(), role, null, "governor", Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(1));
    }

    /** A session in the test database as {@code role}; closed at {@link #closeSessions()} at the latest. */
    Connection connect(String role, String applicationName) throws SQLException {
        Connection c = connectTo(db, role, applicationName);
        synchronized (opened) {
            opened.add(c);
        }
        return c;
    }

    /** A superuser session in the test database. */
    Connection admin() throws SQLException {
        return connect(superuser, "governor-test");
    }

    private Connection connectTo(String database, String role, String applicationName) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", role);
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, props);
    }

    /** Runs statements as the superuser in the test database. */
    void sql(String... statements) throws SQLException {
        try (Connection c = connectTo(db, superuser, "governor-test"); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /** The first column of the first row, or null when there is no row. */
    Object value(String query) throws SQLException {
        try (Connection c = connectTo(db, superuser, "governor-test"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }

    /** A session's pid and {@code backend_start}, read by the session itself. */
    record Backend(int pid, Instant backendStart) {
    }

    static Backend backend(Connection session) throws SQLException {
        try (Statement s = session.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")) {
            rs.next();
            return new Backend(rs.getInt(1), rs.getObject(2, OffsetDateTime.class).toInstant());
        }
    }

    /** True while {@code pid} is a session of the server. */
    boolean alive(int pid) throws SQLException {
        return value("SELECT 1 FROM pg_stat_activity WHERE pid = " + pid) != null;
    }

    void closeSessions() {
        synchronized (opened) {
            for (Connection c : opened) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // a session the test terminated: already gone
                }
            }
            opened.clear();
        }
    }

    @Override
    public void close() throws SQLException {
        closeSessions();
        try (Connection c = connectTo("postgres", superuser, "governor-test"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            for (String role : List.of(agent, app, other)) {
                s.execute("DROP ROLE IF EXISTS " + role);
            }
        }
    }
}
