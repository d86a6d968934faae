package dev.governor.engine.sample.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** The sampler against an embedded PostgreSQL 17 with {@link EmbeddedServers#TEST_SETTINGS}. */
class PostgresSampler17IT extends PostgresSamplerContract {

    private EmbeddedPostgres postgres;

    @Override
    Server startServer() throws Exception {
        postgres = EmbeddedServers.start(17, EmbeddedServers.TEST_SETTINGS);
        return new Server(17, "localhost", postgres.getPort(), "postgres", true);
    }

    @Override
    void stopServer() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }
}
