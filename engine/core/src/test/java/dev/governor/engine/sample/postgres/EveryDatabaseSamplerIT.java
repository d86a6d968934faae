package dev.governor.engine.sample.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.Fact;
import dev.governor.api.PgServer;
import dev.governor.api.SourceDown;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.sample.Sampler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** One endpoint for every configured database: a database that is down does not hide the others. */
class EveryDatabaseSamplerIT {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-27T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Test
    void aDatabaseThatIsDownYieldsItsOwnSourceDownWhileTheOthersAreSampled() throws Exception {
        GovernorConfig.Database up = GovernorConfig.Database.at("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres");
        // Nothing listens on port 1: the connection is refused at once.
        GovernorConfig.Database down = new GovernorConfig.Database("jdbc:postgresql://127.0.0.1:1/postgres", "postgres",
                null, null, Duration.ofSeconds(2), null, null);
        PostgresSamplerFactory factory = new PostgresSamplerFactory(clock, Map.of("live", up, "gone", down));
        try (Sampler sampler = factory.create(Map.of("facts", "server"))) {
            List<? extends Fact> first = sampler.sample();
            assertThat(first).filteredOn(PgServer.class::isInstance).extracting(f -> ((PgServer) f).database())
                    .containsExactly("live");
            assertThat(first).filteredOn(SourceDown.class::isInstance).singleElement().satisfies(f -> {
                SourceDown d = (SourceDown) f;
                assertThat(d.source()).isEqualTo("postgres/gone");
                assertThat(d.attempts()).isEqualTo(1);
                assertThat(d.error()).containsIgnoringCase("refused");
            });

            // Half a second later the failed database waits out its pause; the live one is sampled.
            now.set(now.get().plusMillis(500));
            assertThat(sampler.sample()).hasSize(1).allMatch(PgServer.class::isInstance);

            // After the pause it is tried again, and its outage keeps its start.
            now.set(now.get().plusSeconds(1));
            List<? extends Fact> third = sampler.sample();
            assertThat(third).filteredOn(SourceDown.class::isInstance).singleElement().satisfies(f -> {
                SourceDown d = (SourceDown) f;
                assertThat(d.attempts()).isEqualTo(2);
                assertThat(d.since()).isEqualTo(Instant.parse("2026-11-27T00:00:00Z"));
            });
        }
    }
}
