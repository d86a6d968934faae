package dev.governor.engine.sample.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.governor.api.Fact;
import dev.governor.api.PgServer;
import dev.governor.api.SourceDown;
import dev.governor.engine.camel.CamelRoutes;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.sample.Samplers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database that goes away and comes back, on an embedded PostgreSQL (15, 17 and 18: one subclass each)
 * kept in one data directory on one port: sampling fails with the driver's reason (never the password)
 * and recovers by itself, both when called directly and through a real Camel route.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PostgresSourceDownContract {

    /** The major version of PostgreSQL to run. */
    abstract int major();

    private static final String PASSWORD = "never-in-a-message-5f2c";

    /** One data directory and port for the class: initdb runs once, each test starts and stops the server. */
    private Path dir;
    private Path data;
    private int port;
    private EmbeddedPostgres postgres;

    @BeforeAll
    void initdb() throws Exception {
        dir = Files.createTempDirectory("governor-source-down-" + major() + "-");
        data = dir.resolve("data");
        port = freePort();
        start(data, port).close();
    }

    @AfterEach
    void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @AfterAll
    void removeDataDirectory() throws Exception {
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private EmbeddedPostgres start(Path data, int port) throws Exception {
        return EmbeddedServers.builder(major(), Map.of())
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static GovernorConfig.Database database(int port) {
        return new GovernorConfig.Database("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", PASSWORD,
                "governor-it", Duration.ofSeconds(2), Duration.ofSeconds(5), null);
    }

    @Test
    void samplingFailsWhileTheDatabaseIsDownAndRecoversWithoutANewSampler() throws Exception {
        postgres = start(data, port);
        try (PostgresSampler sampler = (PostgresSampler) new PostgresSamplerFactory(Clock.systemUTC(), Map.of("main", database(port)))
                .create(Map.of("facts", "server", "database", "main"))) {
            assertThat(sampler.sample()).singleElement().isInstanceOf(PgServer.class);

            postgres.close();
            postgres = null;
            Throwable broken = catchThrowable(sampler::sample);
            Throwable refused = catchThrowable(sampler::sample);

            assertThat(broken).isInstanceOf(SQLException.class);
            assertThat(refused).isInstanceOf(SQLException.class).hasMessageContaining("localhost:" + port)
                    .hasMessageContaining("refused");
            for (Throwable t : List.of(broken, refused)) {
                for (Throwable c = t; c != null; c = c.getCause()) {
                    assertThat(String.valueOf(c.getMessage())).doesNotContain(PASSWORD);
                }
            }

            postgres = start(data, port);
            List<Fact> facts = sampler.sample();

            assertThat(facts).singleElement().isInstanceOfSatisfying(PgServer.class,
                    s -> assertThat(s.majorVersion()).isEqualTo(major()));
        }
    }

    @Test
    void aCamelRouteSendsSourceDownWhileTheDatabaseIsDownAndSamplesOnceItIsBack(@TempDir Path routeDir) throws Exception {
        // The route starts while the database is down.
        Path routes = Files.createDirectories(routeDir.resolve("routes"));
        Files.writeString(routes.resolve("postgres.yaml"), """
                - route:
                    id: postgres-sampling
                    from:
                      uri: governor-sample:postgres
                      parameters: { database: main, facts: server, period: 200ms }
                      steps:
                        - to: governor:facts
                """);
        GovernorConfig config = GovernorConfig.defaults().withDatabases(Map.of("main", database(port)));
        List<Fact> received = new CopyOnWriteArrayList<>();

        try (CamelRoutes camel = CamelRoutes.start(routes, received::addAll, new FactCodec(Clock.systemUTC()),
                Samplers.builtIn(Clock.systemUTC(), config), false)) {
            PostgresSamplerContract.await(() -> received.stream().filter(SourceDown.class::isInstance).count(),
                    n -> n >= 3, Duration.ofSeconds(15));
            postgres = start(data, port);
            PostgresSamplerContract.await(() -> received.stream().filter(PgServer.class::isInstance).count(),
                    n -> n >= 2, Duration.ofSeconds(30));
        }

        List<SourceDown> downs = received.stream().filter(SourceDown.class::isInstance).map(SourceDown.class::cast).toList();
        assertThat(downs).allSatisfy(d -> {
            assertThat(d.source()).isEqualTo("postgres/main");
            assertThat(d.error()).contains("refused").doesNotContain(PASSWORD);
            assertThat(d.since()).isEqualTo(downs.get(0).since());
        });
        assertThat(downs).extracting(SourceDown::attempts).startsWith(1, 2, 3);
        int firstSample = received.indexOf(received.stream().filter(PgServer.class::isInstance).findFirst().orElseThrow());
        assertThat(received.subList(firstSample, received.size())).allSatisfy(f -> assertThat(f).isInstanceOf(PgServer.class));
    }
}
