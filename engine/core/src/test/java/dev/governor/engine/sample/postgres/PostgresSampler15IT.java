package dev.governor.engine.sample.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.Map;

/**
 * The sampler against the shared PostgreSQL 15 at 127.0.0.1:5432 (user postgres, trust). Its settings
 * are not ours to change: autovacuum keeps its own naptime (and may be off), so the autovacuum
 * prediction is checked but not watched; it allows no prepared transactions, so that test runs on an
 * embedded PostgreSQL 15 of its own.
 */
class PostgresSampler15IT extends PostgresSamplerContract {

    @Override
    Server startServer() {
        return new Server(15, "127.0.0.1", 5432, "postgres", false);
    }

    @Override
    void stopServer() {
    }

    @Override
    PreparedTransactions preparedTransactions() throws Exception {
        if (queryLong("SELECT current_setting('max_prepared_transactions')::int") > 0) {
            return super.preparedTransactions();
        }
        EmbeddedPostgres postgres = EmbeddedServers.start(15, Map.of("max_prepared_transactions", "5"));
        return new PreparedTransactions(new Server(15, "localhost", postgres.getPort(), "postgres", true), "postgres",
                postgres);
    }
}
