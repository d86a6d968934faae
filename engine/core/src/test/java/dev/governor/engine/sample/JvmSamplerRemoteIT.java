package dev.governor.engine.sample;

import static dev.governor.engine.sample.JvmSamplerTest.jvm;
import static dev.governor.engine.sample.JvmSamplerTest.pauses;
import static dev.governor.engine.sample.JvmSamplerTest.pools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Fact;
import dev.governor.api.GcPause;
import dev.governor.api.JvmSample;
import dev.governor.api.MemoryPoolSample;
import dev.governor.api.SourceDown;
import dev.governor.engine.camel.CamelRoutes;
import dev.governor.engine.json.FactCodec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JVM sampler over a real RMI JMX connector (to the test's own JVM, reached as a remote one). */
class JvmSamplerRemoteIT {

    private static final Clock CLOCK = Clock.systemUTC();

    private static Registry registry;
    private static int port;
    private static JMXConnectorServer server;

    @BeforeAll
    static void startConnector() throws Exception {
        port = freePort();
        registry = LocateRegistry.createRegistry(port);
        server = startConnectorServer();
    }

    @AfterAll
    static void stopConnector() throws Exception {
        server.stop();
        UnicastRemoteObject.unexportObject(registry, true);
    }

    @Test
    void samplesAnotherJvmOverJmx() throws Exception {
        try (JvmSampler sampler = remote("orders")) {
            List<Fact> facts = sampler.sample();

            JvmSample sample = jvm(facts);
            assertThat(sample.jvm()).isEqualTo("orders");
            assertThat(sampler.source()).isEqualTo("jvm/orders");
            assertThat(sample.heapUsed()).isPositive().isLessThanOrEqualTo(sample.heapCommitted());
            assertThat(sample.threads()).isPositive();
            assertThat(pools(facts)).extracting(MemoryPoolSample::pool).containsExactlyInAnyOrderElementsOf(
                    ManagementFactory.getMemoryPoolMXBeans().stream().map(MemoryPoolMXBean::getName).toList());

            CountDownLatch release = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Thread thread = new Thread(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                thread.start();
                threads.add(thread);
            }
            try {
                assertThat(jvm(sampler.sample()).threads()).isGreaterThanOrEqualTo(sample.threads() + 20);
            } finally {
                release.countDown();
                for (Thread thread : threads) {
                    thread.join();
                }
            }
        }
    }

    @Test
    void pausesArriveAsNotificationsOverTheConnection() throws Exception {
        try (JvmSampler sampler = remote("orders")) {
            sampler.sample();
            System.gc();

            List<Fact> facts = JvmSamplerTest.sampleUntilAPause(sampler);

            assertThat(pauses(facts)).anySatisfy(pause -> {
                assertThat(pause.jvm()).isEqualTo("orders");
                assertThat(pause.cause()).isEqualTo("System.gc()");
            });
            assertThat(jvm(facts).liveSetBytes()).isNotNull().isPositive();
        }
    }

    @Test
    void anUnreachableJvmFailsTheSampleNamingIt() throws Exception {
        String url = "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + freePort() + "/jmxrmi";
        try (JvmSampler sampler = new JvmSampler(CLOCK, JvmSampler.Options.parse(Map.of("name", "gone", "url", url)))) {
            assertThatThrownBy(sampler::sample).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("JVM gone at " + url + ": ");
        }
    }

    @Test
    void aJvmThatDoesNotAnswerTimesOutAndIsNotAskedAgainWhileStuck() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // and never answer
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + silent.getLocalPort() + "/jmxrmi";
            JvmSampler sampler = new JvmSampler(CLOCK,
                    JvmSampler.Options.parse(Map.of("name", "stuck", "url", url, "timeout", "500ms")));
            try {
                long start = System.nanoTime();
                assertThatThrownBy(sampler::sample).isInstanceOf(TimeoutException.class)
                        .hasMessage("JVM stuck at " + url + " did not answer within 500ms");
                assertThat((System.nanoTime() - start) / 1e9).isLessThan(5);

                long again = System.nanoTime();
                assertThatThrownBy(sampler::sample).isInstanceOf(TimeoutException.class)
                        .hasMessageContaining("the previous request has still not returned");
                assertThat((System.nanoTime() - again) / 1e9).as("no second wait").isLessThan(0.4);
            } finally {
                sampler.close();
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void reconnectsWhenTheJvmIsBack() throws Exception {
        try (JvmSampler sampler = remote("orders")) {
            assertThat(jvm(sampler.sample()).jvm()).isEqualTo("orders");
            server.stop();
            try {
                assertThatThrownBy(sampler::sample).isInstanceOf(IOException.class);
            } finally {
                server = startConnectorServer();
            }
            assertThat(jvm(sampler.sample()).jvm()).isEqualTo("orders");
        }
    }

    @Test
    void anEndpointOnAnUnreachableJvmReportsSourceDown(@TempDir Path dir) throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        int closedPort = freePort();
        Files.writeString(routes.resolve("jvm.yaml"), """
                - route:
                    id: remote-jvm
                    from:
                      uri: governor-sample:jvm
                      parameters:
                        period: 200ms
                        name: billing
                        url: "service:jmx:rmi:///jndi/rmi://127.0.0.1:%d/jmxrmi"
                      steps:
                        - to: governor:facts
                """.formatted(closedPort));
        List<Fact> received = new CopyOnWriteArrayList<>();
        try (CamelRoutes camel = CamelRoutes.start(routes, received::addAll, new FactCodec(CLOCK),
                Samplers.builtIn(CLOCK), false)) {
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (received.stream().noneMatch(SourceDown.class::isInstance) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        SourceDown down = received.stream().filter(SourceDown.class::isInstance).map(SourceDown.class::cast)
                .findFirst().orElseThrow();
        assertThat(down.source()).isEqualTo("jvm/billing");
        assertThat(down.error()).contains("JVM billing at service:jmx:rmi:///jndi/rmi://127.0.0.1:" + closedPort);
        assertThat(received).noneMatch(JvmSample.class::isInstance).noneMatch(GcPause.class::isInstance);
    }

    private static JvmSampler remote(String name) {
        return new JvmSampler(CLOCK, JvmSampler.Options.parse(Map.of("name", name, "url", url())));
    }

    private static String url() {
        return "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi";
    }

    private static JMXConnectorServer startConnectorServer() throws IOException {
        JMXConnectorServer started = JMXConnectorServerFactory.newJMXConnectorServer(new JMXServiceURL(url()), null,
                ManagementFactory.getPlatformMBeanServer());
        started.start();
        return started;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
