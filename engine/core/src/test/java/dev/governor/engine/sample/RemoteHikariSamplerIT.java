package dev.governor.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.governor.api.PoolSample;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.rmi.server.UnicastRemoteObject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.MBeanServer;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.MBeanServerForwarder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Samples a HikariCP pool that lives in another JVM, through a real JMX connector server over RMI. */
class RemoteHikariSamplerIT {

    @Test
    void aPoolInAnotherJvmIsSampledGoesDownWithItsConnectorAndComesBack(@TempDir Path dir) throws Exception {
        String poolName = "remote-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (Child child = Child.start(poolName, dir.resolve("child.log"))) {
            int port = Integer.parseInt(child.expect("ready "));
            String url = "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi";
            try (Sampler sampler = HikariSampler.factory(Clock.systemUTC()).create(Map.of("url", url, "timeout", "2s"))) {
                assertThat(sampler.source()).isEqualTo("hikari/127.0.0.1:" + port);

                PoolSample seen = only(sampler.sample(), poolName);
                assertThat(seen).usingRecursiveComparison().comparingOnlyFields("active", "idle", "waiting", "max", "minIdle")
                        .isEqualTo(child.counts(poolName));
                assertThat(seen.active()).isEqualTo(2);
                assertThat(seen.max()).isEqualTo(4);
                assertThat(seen.acquireMillis()).isNull();
                assertThat(seen.timeouts()).isNull();

                child.command("stop", "stopped");
                for (int attempt = 0; attempt < 2; attempt++) {
                    long started = System.nanoTime();
                    assertThatThrownBy(sampler::sample).isInstanceOf(IOException.class)
                            .hasMessageContaining("127.0.0.1:" + port);
                    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                            .as("fails within a few seconds").isLessThan(5_000);
                }

                child.command("start", "started");
                PoolSample back = only(sampler.sample(), poolName);
                assertThat(back).usingRecursiveComparison().comparingOnlyFields("active", "idle", "waiting", "max", "minIdle")
                        .isEqualTo(child.counts(poolName));
            }
        }
    }

    @Test
    void aRegistryThatNeverAnswersFailsEachSampleWithinTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + silent.getLocalPort();
            try (Sampler sampler = HikariSampler.factory(Clock.systemUTC()).create(Map.of(
                    "url", "service:jmx:rmi:///jndi/rmi://" + address + "/jmxrmi", "timeout", "1s"))) {
                for (int attempt = 0; attempt < 3; attempt++) {
                    long started = System.nanoTime();
                    assertThatThrownBy(sampler::sample).isInstanceOf(IOException.class).hasMessageContaining(address);
                    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(3_000);
                }
            }
        }
    }

    @Test
    void aServerThatHangsCostsAtMostTwoBlockedCallsAndIsSampledAgainOnceItAnswers() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String poolName = "hanging-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        String address = "127.0.0.1:" + port;
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + address + "/jmxrmi");
        java.rmi.registry.Registry registry = LocateRegistry.createRegistry(port);
        JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(url, null,
                ManagementFactory.getPlatformMBeanServer());
        CountDownLatch answering = new CountDownLatch(1);
        server.setMBeanServerForwarder(hangingQueries(answering));
        HikariConfig config = HikariSamplerIT.config(poolName, 2, 1);
        config.setRegisterMbeans(true);
        try (HikariDataSource pool = new HikariDataSource(config);
             Sampler sampler = HikariSampler.factory(Clock.systemUTC()).create(Map.of(
                     "url", url.toString(), "timeout", "1s", "pools", poolName))) {
            server.start();
            for (int attempt = 0; attempt < 2; attempt++) {
                long started = System.nanoTime();
                assertThatThrownBy(sampler::sample).isInstanceOf(IOException.class)
                        .hasMessage("no answer from JMX at " + address + " within 1s");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(3_000);
            }
            long started = System.nanoTime();
            assertThatThrownBy(sampler::sample).hasMessage("2 earlier JMX calls to " + address
                    + " are still blocked; not trying again until one returns");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("fails at once").isLessThan(500);
            assertThat(workers(address, JmxConnection.MAX_BLOCKED)).isEqualTo(JmxConnection.MAX_BLOCKED);

            answering.countDown();
            List<?> samples = List.of();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (samples.isEmpty() && System.nanoTime() < deadline) {
                try {
                    samples = sampler.sample();
                } catch (IOException stillBlocked) {
                    Thread.sleep(50);
                }
            }
            assertThat(only(samples, poolName).max()).isEqualTo(2);
            assertThat(workers(address, 1)).as("abandoned workers end once their calls return").isEqualTo(1);
        } finally {
            answering.countDown();
            server.stop();
            UnicastRemoteObject.unexportObject(registry, true);
        }
    }

    /** The live worker threads of connections to this address, once their count settles at {@code expected} or 2 s pass. */
    private static long workers(String address, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long alive = countWorkers(address);
        while (alive != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            alive = countWorkers(address);
        }
        return alive;
    }

    private static long countWorkers(String address) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("governor-jmx-" + address) && t.isAlive()).count();
    }

    /** An MBean server in front of the platform one whose queries wait until {@code answering} opens: a peer that hangs. */
    private static MBeanServerForwarder hangingQueries(CountDownLatch answering) {
        AtomicReference<MBeanServer> target = new AtomicReference<>();
        return (MBeanServerForwarder) Proxy.newProxyInstance(MBeanServerForwarder.class.getClassLoader(),
                new Class<?>[] {MBeanServerForwarder.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getMBeanServer":
                            return target.get();
                        case "setMBeanServer":
                            target.set((MBeanServer) args[0]);
                            return null;
                        case "queryNames":
                            answering.await();
                            break;
                        default:
                            break;
                    }
                    try {
                        return method.invoke(target.get(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static PoolSample only(List<?> samples, String pool) {
        assertThat(samples).hasSize(1);
        PoolSample sample = (PoolSample) samples.get(0);
        assertThat(sample.pool()).isEqualTo(pool);
        return sample;
    }

    /** The other JVM, running {@link RemotePoolMain}. */
    private static final class Child implements AutoCloseable {

        private final Process process;
        private final Writer commands;
        private final Path log;
        private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

        private Child(Process process, Path log) {
            this.process = process;
            this.log = log;
            this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        if (line.startsWith(RemotePoolMain.REPLY)) {
                            replies.add(line.substring(RemotePoolMain.REPLY.length()));
                        }
                    }
                } catch (IOException e) {
                    // the child is gone
                }
            }, "remote-pool-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(String poolName, Path log) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), RemotePoolMain.class.getName(), poolName)
                    .redirectError(log.toFile())
                    .start();
            return new Child(process, log);
        }

        /** The rest of the next reply that starts with {@code prefix}. */
        String expect(String prefix) throws Exception {
            String reply = replies.poll(20, TimeUnit.SECONDS);
            if (reply == null || !reply.startsWith(prefix)) {
                throw new AssertionError("expected '" + prefix + "' from the other JVM, got " + reply + "; its log:\n"
                        + (Files.exists(log) ? Files.readString(log) : ""));
            }
            return reply.substring(prefix.length());
        }

        void command(String command, String reply) throws Exception {
            commands.write(command + "\n");
            commands.flush();
            expect(reply);
        }

        PoolSample counts(String poolName) throws Exception {
            commands.write("counts\n");
            commands.flush();
            String[] n = expect("counts ").split(" ");
            return new PoolSample(poolName, Integer.parseInt(n[0]), Integer.parseInt(n[1]), Integer.parseInt(n[2]),
                    Integer.parseInt(n[3]), Integer.parseInt(n[4]), null, null, java.time.Instant.EPOCH);
        }

        @Override
        public void close() throws Exception {
            try {
                commands.write("exit\n");
                commands.flush();
            } catch (IOException e) {
                // already gone
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
