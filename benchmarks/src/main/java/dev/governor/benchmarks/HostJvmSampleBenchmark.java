package dev.governor.benchmarks;

import dev.governor.engine.sample.Sampler;
import dev.governor.engine.sample.Samplers;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One host sample and one JVM sample, as the default routes ({@code routes/sampling.yaml}) take them every
 * second: the host without TCP connections ({@code facts=host,network}) and the JVM. What Governor costs the
 * machine it watches; target: at most 2 ms for both together. {@link #tcp} is the other host route, the TCP
 * connections alone ({@code facts=tcp}), which the default routes take every 30 s: no target of its own.
 *
 * <p>Each benchmark sets up only the samplers it reads (their first host sample waits half a second for a
 * second CPU reading), through the sampler factory, with the options a route would give.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HostJvmSampleBenchmark {

    /** A sampler made as {@code governor-sample:NAME} with these options makes it, its first sample taken. */
    public abstract static class OneSampler {

        Sampler sampler;

        abstract String name();

        abstract Map<String, String> options();

        @Setup
        public void setUp() throws Exception {
            sampler = Samplers.builtIn(Clock.systemUTC()).get(name()).create(options());
            // The first host sample waits for a second CPU reading; take it here, not in the measurement.
            sampler.sample();
        }

        @TearDown
        public void tearDown() {
            sampler.close();
        }
    }

    /** The host as the every-second route samples it: host figures and network interfaces, no TCP. */
    @State(Scope.Benchmark)
    public static class HostEverySecond extends OneSampler {
        @Override
        String name() {
            return "host";
        }

        @Override
        Map<String, String> options() {
            return Map.of("facts", "host,network");
        }
    }

    /** The host figures alone ({@code facts=host}). */
    @State(Scope.Benchmark)
    public static class HostFiguresOnly extends OneSampler {
        @Override
        String name() {
            return "host";
        }

        @Override
        Map<String, String> options() {
            return Map.of("facts", "host");
        }
    }

    /** The host's TCP connections alone, as the 30-second route samples them ({@code facts=tcp}). */
    @State(Scope.Benchmark)
    public static class TcpEveryThirtySeconds extends OneSampler {
        @Override
        String name() {
            return "host";
        }

        @Override
        Map<String, String> options() {
            return Map.of("facts", "tcp");
        }
    }

    /** This JVM and its memory pools. */
    @State(Scope.Benchmark)
    public static class Jvm extends OneSampler {
        @Override
        String name() {
            return "jvm";
        }

        @Override
        Map<String, String> options() {
            return Map.of();
        }
    }

    /** Everything the default routes read each second: host, network interfaces, JVM, memory pools. Target: 2 ms. */
    @Benchmark
    public int hostAndJvm(HostEverySecond host, Jvm jvm) throws Exception {
        return host.sampler.sample().size() + jvm.sampler.sample().size();
    }

    /** The host part of it: host figures and network interfaces ({@code facts=host,network}). */
    @Benchmark
    public int host(HostEverySecond host) throws Exception {
        return host.sampler.sample().size();
    }

    /** The host figures without network interfaces ({@code facts=host}). */
    @Benchmark
    public int hostWithoutNetwork(HostFiguresOnly host) throws Exception {
        return host.sampler.sample().size();
    }

    /** The JVM alone. */
    @Benchmark
    public int jvm(Jvm jvm) throws Exception {
        return jvm.sampler.sample().size();
    }

    /** TCP connections by state ({@code facts=tcp}), which the default routes count every 30 s; no target. */
    @Benchmark
    public int tcp(TcpEveryThirtySeconds tcp) throws Exception {
        return tcp.sampler.sample().size();
    }
}
