package dev.governor.engine.camel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.Fact;
import dev.governor.api.Metric;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.sample.Sampler;
import dev.governor.engine.sample.SamplerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleComponentIT {

    @Test
    void aSamplerThatFailsLosesThatPollOnlyAndTheRouteGoesOn(@TempDir Path dir) throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("flaky.yaml"), """
                - route:
                    id: flaky
                    from:
                      uri: governor-sample:flaky
                      parameters: { period: 50ms }
                      steps:
                        - to: governor:facts
                """);
        AtomicInteger polls = new AtomicInteger();
        SamplerFactory flaky = options -> new Sampler() {
            @Override
            public List<? extends Fact> sample() {
                int n = polls.incrementAndGet();
                if (n % 2 == 1) {
                    throw new IllegalStateException("source went away (poll " + n + ")");
                }
                return List.of(new Metric("poll", "flaky", n, Instant.now()));
            }
        };
        List<Fact> received = new CopyOnWriteArrayList<>();
        try (CamelRoutes camel = CamelRoutes.start(routes, received::addAll, new FactCodec(Clock.systemUTC()),
                Map.of("flaky", flaky), false)) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (received.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(camel.context().getRouteController().getRouteStatus("flaky").isStarted()).isTrue();
        }
        assertThat(received).hasSizeGreaterThanOrEqualTo(3);
        assertThat(received).allSatisfy(f -> assertThat(((Metric) f).value() % 2).isZero());
    }

    @Test
    void unknownEndpointOptionsAreRefusedNamingThem(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("typo.yaml"), """
                - route:
                    from:
                      uri: governor-sample:host
                      parameters: { perod: 5s }
                      steps:
                        - to: governor:facts
                """);
        String problem = CamelRoutes.checkRoute(file, new FactCodec(Clock.systemUTC()),
                Map.of("host", options -> List::of));
        assertThat(problem).startsWith(file.toString()).contains("perod");
    }
}
