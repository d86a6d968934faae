package dev.governor.engine.sample.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The sampler against the shared PostgreSQL 15 at 127.0.0.1:5432 (user postgres, trust). Its settings
 * are not ours to change: autovacuum keeps its own naptime (and may be off), so the autovacuum
 * prediction is checked but not watched; prepared transactions and logical slots are tested on an
 * embedded PostgreSQL 15 started for them.
 */
class PostgresSampler15IT extends PostgresSamplerContract {

    private EmbeddedPostgres own;

    @Override
    Server startServer() {
        return new Server(15, "127.0.0.1", 5432, "postgres", false);
    }

    @Override
    void stopServer() throws Exception {
        if (own != null) {
            own.close();
        }
    }

    @Override
    OwnServer ownServer() throws Exception {
        if (own == null) {
            own = EmbeddedServers.start(15, EmbeddedServers.TEST_SETTINGS);
        }
        return new OwnServer(new Server(15, "localhost", own.getPort(), "postgres", true), "postgres");
    }
}
