package dev.governor.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.ExecutorSample;
import dev.governor.api.Fact;
import dev.governor.api.Registry;
import dev.governor.engine.camel.CamelRoutes;
import dev.governor.engine.json.FactCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorSamplerIT {

    @Test
    void aRouteSamplesTheExecutorsItNamesAndNoOthers(@TempDir Path dir) throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("executors.yaml"), """
                - route:
                    id: executors
                    from:
                      uri: governor-sample:executor
                      parameters: { period: 100ms, executors: "orders-*" }
                      steps:
                        - to: governor:facts
                """);
        String suffix = ProcessHandle.current().pid() + "-" + System.nanoTime();
        String orders = "orders-" + suffix;
        String billing = "billing-" + suffix;
        ThreadPoolExecutor ordersExecutor = new ThreadPoolExecutor(2, 4, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(50));
        ThreadPoolExecutor billingExecutor = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        Registry.global().register(ThreadPoolExecutor.class, orders, ordersExecutor);
        Registry.global().register(ThreadPoolExecutor.class, billing, billingExecutor);
        List<Fact> received = new CopyOnWriteArrayList<>();
        try (CamelRoutes camel = CamelRoutes.start(routes, received::addAll, new FactCodec(Clock.systemUTC()),
                Samplers.builtIn(Clock.systemUTC()), false)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (samplesOf(received, orders).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            Registry.global().unregister(ThreadPoolExecutor.class, orders);
            Registry.global().unregister(ThreadPoolExecutor.class, billing);
            ordersExecutor.shutdownNow();
            billingExecutor.shutdownNow();
        }
        List<ExecutorSample> samples = samplesOf(received, orders);
        assertThat(samples).hasSizeGreaterThanOrEqualTo(2);
        assertThat(samples.get(0).core()).isEqualTo(2);
        assertThat(samples.get(0).max()).isEqualTo(4);
        assertThat(samples.get(0).queueCapacity()).isEqualTo(50);
        assertThat(received).allSatisfy(fact -> assertThat(fact).isInstanceOf(ExecutorSample.class));
        assertThat(received).extracting(fact -> ((ExecutorSample) fact).executor()).allMatch(name -> name.startsWith("orders-"));
    }

    private static List<ExecutorSample> samplesOf(List<Fact> facts, String executor) {
        return facts.stream().filter(ExecutorSample.class::isInstance).map(ExecutorSample.class::cast)
                .filter(s -> s.executor().equals(executor)).toList();
    }
}
