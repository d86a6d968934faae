package dev.governor.plugin.postgres;

/**
 * The plugin against the shared PostgreSQL 15 at 127.0.0.1:5432 (user postgres, trust): owner-only
 * VACUUM, {@code buffer_usage_limit} dropped with a note. Its settings are not ours to change.
 */
class PostgresPlugin15IT extends PostgresPluginContract {

    @Override
    Server startServer() {
        return new Server("127.0.0.1", 5432, "postgres");
    }

    @Override
    void stopServer() {
    }
}
