package dev.governor.plugin.postgres;

import ch.qos.logback.classic.Level;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.LoggerFactory;

/**
 * The plugin against an embedded PostgreSQL 17 (from the binaries BOM): the MAINTAIN privilege and
 * {@code pg_maintain}, the reworded privilege warnings, {@code buffer_usage_limit} sent. Autovacuum is off
 * so that only the tests' own VACUUMs touch their tables.
 */
class PostgresPlugin17IT extends PostgresPluginContract {

    static {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.zonky")).setLevel(Level.WARN);
    }

    private EmbeddedPostgres server;

    @Override
    Server startServer() throws Exception {
        server = EmbeddedPostgres.builder().setServerConfig("autovacuum", "off").start();
        return new Server("localhost", server.getPort(), "postgres");
    }

    @Override
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }
}
