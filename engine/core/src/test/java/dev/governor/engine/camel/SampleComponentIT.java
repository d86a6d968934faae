package dev.governor.engine.camel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.Fact;
import dev.governor.api.Metric;
import dev.governor.api.SourceDown;
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
    void aSourceThatIsDownYieldsSourceDownBacksOffAndRecoversByItself(@TempDir Path dir) throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("flaky.yaml"), """
                - route:
                    id: flaky
                    from:
                      uri: governor-sample:flaky
                      parameters: { period: 100ms }
                      steps:
                        - to: governor:facts
                """);
        AtomicInteger polls = new AtomicInteger();
        List<Long> attemptTimes = new CopyOnWriteArrayList<>();
        SamplerFactory flaky = options -> new Sampler() {
            @Override
            public List<? extends Fact> sample() {
                attemptTimes.add(System.nanoTime());
                int n = polls.incrementAndGet();
                if (n <= 4) {
                    throw new IllegalStateException("Connection refused (attempt " + n + ")");
                }
                return List.of(new Metric("poll", "flaky", n, Instant.now()));
            }

            @Override
            public String source() {
                return "flaky/main";
            }
        };
        List<Fact> received = new CopyOnWriteArrayList<>();
        try (CamelRoutes camel = CamelRoutes.start(routes, received::addAll, new FactCodec(Clock.systemUTC()),
                Map.of("flaky", flaky), false)) {
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (received.stream().filter(Metric.class::isInstance).count() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(camel.context().getRouteController().getRouteStatus("flaky").isStarted()).isTrue();
        }
        List<SourceDown> downs = received.stream().filter(SourceDown.class::isInstance).map(SourceDown.class::cast).toList();
        assertThat(downs).extracting(SourceDown::attempts).containsExactly(1, 2, 3, 4);
        assertThat(downs).allSatisfy(d -> {
            assertThat(d.source()).isEqualTo("flaky/main");
            assertThat(d.since()).isEqualTo(downs.get(0).since());
            assertThat(d.error()).startsWith("Connection refused");
        });
        assertThat(downs.get(3).downSeconds()).isGreaterThan(downs.get(1).downSeconds());
        // Backing off: the pause before the 4th attempt (after 3 failures: 4 periods) is longer than before the 2nd (1 period).
        long firstGap = attemptTimes.get(1) - attemptTimes.get(0);
        long thirdGap = attemptTimes.get(3) - attemptTimes.get(2);
        assertThat(thirdGap).isGreaterThan(firstGap * 2);
        // Recovered: facts flow again, and every fact after the recovery is a sample.
        int firstMetric = received.indexOf(received.stream().filter(Metric.class::isInstance).findFirst().orElseThrow());
        assertThat(received.subList(firstMetric, received.size())).allSatisfy(f -> assertThat(f).isInstanceOf(Metric.class));
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
