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
 * One host sample and one JVM sample, as the default routes take them every second: what Governor
 * costs the machine it watches. Target: at most 2 ms for both together.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HostJvmSampleBenchmark {

    private Sampler host;
    private Sampler jvm;
    private Sampler hostCoreOnly;

    @Setup
    public void setUp() throws Exception {
        var samplers = Samplers.builtIn(Clock.systemUTC());
        host = samplers.get("host").create(Map.of());
        hostCoreOnly = samplers.get("host").create(Map.of("network", "false", "tcp", "false"));
        jvm = samplers.get("jvm").create(Map.of());
        // The first host sample waits for a second CPU reading; take it here, not in the measurement.
        host.sample();
        hostCoreOnly.sample();
        jvm.sample();
    }

    @TearDown
    public void tearDown() {
        host.close();
        hostCoreOnly.close();
        jvm.close();
    }

    /** Everything the default routes read each second: host, network, TCP states, JVM, memory pools. */
    @Benchmark
    public int hostAndJvm() throws Exception {
        return host.sample().size() + jvm.sample().size();
    }

    /** The host alone, network interfaces and TCP states included. */
    @Benchmark
    public int host() throws Exception {
        return host.sample().size();
    }

    /** The host without network interfaces and TCP states ({@code network=false&tcp=false}). */
    @Benchmark
    public int hostWithoutNetwork() throws Exception {
        return hostCoreOnly.sample().size();
    }

    /** The JVM alone. */
    @Benchmark
    public int jvm() throws Exception {
        return jvm.sample().size();
    }
}
