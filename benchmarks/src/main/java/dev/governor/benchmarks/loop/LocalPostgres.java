package dev.governor.benchmarks.loop;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A database of its own on the shared server (GOVERNOR_BENCH_PG_URL, default 127.0.0.1:5432, user
 * GOVERNOR_BENCH_PG_USER, default postgres), created on open and dropped, sessions and all, on close.
 */
public final class LocalPostgres implements AutoCloseable {

    private final String adminUrl;
    private final String user;
    private final String database;

    public LocalPostgres(String prefix) throws SQLException {
        this.adminUrl = System.getenv().getOrDefault("GOVERNOR_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        this.user = System.getenv().getOrDefault("GOVERNOR_BENCH_PG_USER", "postgres");
        this.database = prefix + "_" + ProcessHandle.current().pid() + "_" + Long.toString(System.nanoTime() % 1_000_000, 36);
        try (Connection admin = connect(adminUrl); Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
    }

    public String url() {
        return adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + database;
    }

    public String user() {
        return user;
    }

    public String database() {
        return database;
    }

    public Connection connect() throws SQLException {
        return connect(url());
    }

    private Connection connect(String url) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        String password = System.getenv("GOVERNOR_BENCH_PG_PASSWORD");
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(url, props);
    }

    @Override
    public void close() throws SQLException {
        try (Connection admin = connect(adminUrl); Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }
}
