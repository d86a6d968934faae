package dev.governor.plugin.hikari;

import dev.governor.spi.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * Reads the connection limits of a database for a {@link Ceiling.DatabaseShare}: one short connection per
 * read, bounded by the database's {@code connectTimeout} and {@code queryTimeout}. Server settings are only
 * read, never changed.
 */
final class DatabaseCeiling {

    /** {@code reserved_connections} exists from PostgreSQL 16 on; {@code current_setting(name, true)} gives null before. */
    private static final String LIMITS = "select current_setting('max_connections')::int,"
            + " current_setting('superuser_reserved_connections')::int,"
            + " coalesce(current_setting('reserved_connections', true), '0')::int";

    private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();

    private DatabaseCeiling() {
    }

    /** The share's value now: {@code (max_connections - reserved) / instances}, rounded down. */
    static Ceiling.Value read(Ceiling.DatabaseShare share) throws SQLException {
        Database database = share.database();
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(seconds(database.queryTimeout()));
            try (ResultSet rs = statement.executeQuery(LIMITS)) {
                rs.next();
                int maxConnections = rs.getInt(1);
                int reserved = rs.getInt(2) + rs.getInt(3);
                int value = Math.max(0, maxConnections - reserved) / share.instances();
                return new Ceiling.Value(value, "= (" + maxConnections + " - " + reserved + ") / " + share.instances()
                        + (share.instances() == 1 ? " instance" : " instances")
                        + " (max_connections - reserved connections of database " + database.name() + ")");
            }
        }
    }

    private static Connection connect(Database database) throws SQLException {
        Properties props = new Properties();
        if (database.user() != null) {
            props.setProperty("user", database.user());
        }
        if (database.password() != null) {
            props.setProperty("password", database.password());
        }
        props.setProperty("ApplicationName", database.applicationName());
        props.setProperty("connectTimeout", Integer.toString(seconds(database.connectTimeout())));
        props.setProperty("loginTimeout", Integer.toString(seconds(database.connectTimeout())));
        props.setProperty("socketTimeout", Integer.toString(seconds(database.queryTimeout()) + 1));
        Connection connection = DRIVER.connect(database.url(), props);
        if (connection == null) {
            throw new SQLException("database " + database.name() + " has no PostgreSQL JDBC URL: " + database.url());
        }
        return connection;
    }

    /** Whole seconds, at least 1: the driver's timeouts count in seconds and take 0 as "no limit". */
    private static int seconds(Duration duration) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE - 1, (duration.toMillis() + 999) / 1000));
    }
}
