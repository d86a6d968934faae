package dev.governor.engine.sample.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.Map;

/** The sampler against an embedded PostgreSQL 18, with a 1 s autovacuum naptime and prepared transactions. */
class PostgresSampler18IT extends PostgresSamplerContract {

    private EmbeddedPostgres postgres;

    @Override
    Server startServer() throws Exception {
        postgres = EmbeddedServers.start(18, Map.of(
                "autovacuum_naptime", "1s",
                "max_prepared_transactions", "5",
                "track_counts", "on",
                "track_cost_delay_timing", "on"));
        return new Server(18, "localhost", postgres.getPort(), "postgres", true);
    }

    @Override
    void stopServer() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }
}
