package dev.governor.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Fact;
import dev.governor.api.GcPause;
import dev.governor.api.JvmSample;
import dev.governor.api.MemoryPoolSample;
import dev.governor.engine.json.FactCodec;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The JVM sampler against the JVM the tests run in: real MXBeans, real collections. */
class JvmSamplerTest {

    private static final int MIB = 1 << 20;

    private final Clock clock = Clock.systemUTC();

    @Test
    void aCollectionYieldsAPauseAndCountsIt() throws Exception {
        try (JvmSampler sampler = new JvmSampler(clock)) {
            JvmSample first = jvm(sampler.sample());
            assertThat(first.gcCount()).as("nothing to compare with yet").isZero();

            allocateGarbage();
            System.gc();
            List<Fact> facts = sampleUntilAPause(sampler);

            List<GcPause> pauses = pauses(facts);
            JvmSample sample = jvm(facts);
            assertThat(pauses).isNotEmpty().allSatisfy(pause -> {
                assertThat(pause.jvm()).isEqualTo("local");
                assertThat(pause.collector()).isNotBlank();
                assertThat(pause.action()).startsWith("end of");
                assertThat(pause.at()).isBefore(Instant.now().plusSeconds(1)).isAfter(Instant.now().minusSeconds(60));
            });
            assertThat(pauses).anySatisfy(pause -> assertThat(pause.cause()).isEqualTo("System.gc()"));
            assertThat(sample.gcMaxPauseSeconds())
                    .isEqualTo(pauses.stream().mapToDouble(GcPause::durationSeconds).max().orElseThrow());
            assertThat(sample.gcSeconds()).isGreaterThanOrEqualTo(0);

            assertThat(pauses(sampler.sample())).as("each pause is reported once").doesNotContainAnyElementsOf(pauses);
        }
    }

    @Test
    void theLiveSetIsTheOldGenerationAfterAFullCollection() throws Exception {
        try (JvmSampler sampler = new JvmSampler(clock)) {
            System.gc();
            List<Fact> facts = sampler.sample();

            JvmSample sample = jvm(facts);
            assertThat(sample.liveSetBytes()).isNotNull().isPositive().isLessThanOrEqualTo(sample.heapCommitted());
            MemoryPoolSample old = pools(facts).stream()
                    .filter(pool -> pool.pool().contains("Old Gen") || pool.pool().contains("Tenured")).findFirst()
                    .orElseThrow();
            assertThat(old.collectionUsed()).isEqualTo(sample.liveSetBytes());
        }
    }

    @Test
    void heapAndPoolFiguresAreConsistent() throws Exception {
        try (JvmSampler sampler = new JvmSampler(clock)) {
            List<Fact> facts = sampler.sample();

            JvmSample sample = jvm(facts);
            assertThat(sample.heapUsed()).isPositive().isLessThanOrEqualTo(sample.heapCommitted());
            if (sample.heapMax() > 0) {
                assertThat(sample.heapCommitted()).isLessThanOrEqualTo(sample.heapMax());
            }
            assertThat(sample.nonHeapUsed()).isPositive().isLessThanOrEqualTo(sample.nonHeapCommitted());
            List<MemoryPoolMXBean> beans = ManagementFactory.getMemoryPoolMXBeans();
            assertThat(pools(facts)).extracting(MemoryPoolSample::pool)
                    .containsExactlyElementsOf(beans.stream().map(MemoryPoolMXBean::getName).toList());
            assertThat(pools(facts)).allSatisfy(pool -> {
                assertThat(pool.jvm()).isEqualTo("local");
                assertThat(pool.used()).isLessThanOrEqualTo(pool.committed());
                if (!pool.heap()) {
                    assertThat(pool.collectionUsed()).as("non-heap pools have no collection usage").isNull();
                }
            });
            assertThat(pools(facts).stream().filter(MemoryPoolSample::heap).map(MemoryPoolSample::pool).toList())
                    .containsExactlyElementsOf(beans.stream().filter(bean -> bean.getType() == MemoryType.HEAP)
                            .map(MemoryPoolMXBean::getName).toList());
        }
    }

    @Test
    void threadCountRisesWithTwentyParkedThreads() throws Exception {
        try (JvmSampler sampler = new JvmSampler(clock)) {
            int before = jvm(sampler.sample()).threads();
            CountDownLatch release = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Thread thread = new Thread(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "parked-" + i);
                thread.setDaemon(i % 2 == 0);
                thread.start();
                threads.add(thread);
            }
            try {
                JvmSample during = jvm(sampler.sample());

                assertThat(during.threads()).isGreaterThanOrEqualTo(before + 20);
                assertThat(during.daemonThreads()).isGreaterThanOrEqualTo(10).isLessThan(during.threads());
                assertThat(during.peakThreads()).isGreaterThanOrEqualTo(during.threads());
            } finally {
                release.countDown();
                for (Thread thread : threads) {
                    thread.join();
                }
            }
        }
    }

    @Test
    void directBufferUsageRisesByAHeldAllocation() throws Exception {
        try (JvmSampler sampler = new JvmSampler(clock)) {
            JvmSample before = jvm(sampler.sample());
            ByteBuffer buffer = ByteBuffer.allocateDirect(8 * MIB);

            JvmSample during = jvm(sampler.sample());

            assertThat(during.directBufferUsed()).isGreaterThanOrEqualTo(before.directBufferUsed() + 8 * MIB);
            assertThat(during.directBufferCapacity()).isGreaterThanOrEqualTo(before.directBufferCapacity() + 8 * MIB);
            assertThat(during.mappedBufferUsed()).isGreaterThanOrEqualTo(0);
            Reference.reachabilityFence(buffer);
        }
    }

    @Test
    void everyFactReadsBackEqualFromItsJsonLine() throws Exception {
        FactCodec codec = new FactCodec(clock);
        try (JvmSampler sampler = new JvmSampler(clock, JvmSampler.Options.parse(Map.of("name", "orders")))) {
            sampler.sample();
            System.gc();
            List<Fact> facts = sampleUntilAPause(sampler);

            assertThat(facts).hasAtLeastOneElementOfType(JvmSample.class)
                    .hasAtLeastOneElementOfType(MemoryPoolSample.class).hasAtLeastOneElementOfType(GcPause.class);
            assertThat(jvm(facts).jvm()).isEqualTo("orders");
            for (Fact fact : facts) {
                String line = codec.write(fact);
                assertThat(line).doesNotContain("\n");
                assertThat(codec.read(line)).containsExactly(fact);
            }
        }
    }

    @Test
    void pausesBeyondTheBoundDropTheOldest() throws Exception {
        try (JvmSampler sampler = new JvmSampler(clock)) {
            sampler.sample();
            int extra = 5;
            for (int i = 0; i < JvmSampler.MAX_BUFFERED_PAUSES + extra; i++) {
                sampler.onPause(new GcPause("local", "test", "end of minor GC", "test", i / 1e6, Instant.now()));
            }

            List<GcPause> kept = pauses(sampler.sample()).stream().filter(p -> p.collector().equals("test")).toList();

            assertThat(kept).hasSize(JvmSampler.MAX_BUFFERED_PAUSES);
            assertThat(kept.get(0).durationSeconds()).isEqualTo(extra / 1e6);
            assertThat(sampler.droppedPauses()).isEqualTo(extra);
        }
    }

    @Test
    void afterCloseNoPausesAreCollected() throws Exception {
        JvmSampler sampler = new JvmSampler(clock);
        sampler.sample();
        sampler.close();

        System.gc();
        Thread.sleep(200);

        assertThat(sampler.bufferedPauses()).isZero();
    }

    @Test
    void optionsNameTheJvmAndCheckTheUrlAndTimeout() {
        SamplerFactory factory = Samplers.builtIn(clock).get("jvm");

        assertThat(factory.optionNames()).containsExactlyInAnyOrder("name", "url", "timeout");
        assertThat(JvmSampler.Options.parse(Map.of()))
                .isEqualTo(new JvmSampler.Options("local", null, Duration.ofSeconds(5)));
        assertThat(JvmSampler.Options.parse(Map.of("name", "orders", "timeout", "2s",
                "url", "service:jmx:rmi:///jndi/rmi://db-1:9010/jmxrmi")))
                .isEqualTo(new JvmSampler.Options("orders", "service:jmx:rmi:///jndi/rmi://db-1:9010/jmxrmi",
                        Duration.ofSeconds(2)));
        assertThatThrownBy(() -> factory.validate(Map.of("url", "http://db-1:9010")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("jvm: option url='http://db-1:9010' is not a JMX service URL")
                .hasMessageEndingWith("expected e.g. service:jmx:rmi:///jndi/rmi://host:9010/jmxrmi");
        assertThatThrownBy(() -> factory.validate(Map.of("timeout", "soon")))
                .hasMessage("jvm: option timeout: expected a duration such as 500ms, 30s, 5m or 1h, got 'soon'");
        assertThatThrownBy(() -> factory.validate(Map.of("timeout", "0s")))
                .hasMessage("jvm: option timeout='0s' must be longer than 0");
        assertThatThrownBy(() -> factory.validate(Map.of("name", " ")))
                .hasMessageStartingWith("jvm: option name is empty");
    }

    @Test
    void findsTheOldGenerationOfEachCollector() {
        assertThat(JvmSampler.oldGeneration(List.of(
                heap("G1 Eden Space", "G1 Old Generation", "G1 Young Generation"),
                heap("G1 Old Gen", "G1 Old Generation", "G1 Young Generation"),
                heap("G1 Survivor Space", "G1 Old Generation", "G1 Young Generation"),
                nonHeap("Metaspace")))).isEqualTo("G1 Old Gen");
        assertThat(JvmSampler.oldGeneration(List.of(
                heap("PS Eden Space", "PS MarkSweep", "PS Scavenge"),
                heap("PS Survivor Space", "PS MarkSweep", "PS Scavenge"),
                heap("PS Old Gen", "PS MarkSweep")))).isEqualTo("PS Old Gen");
        assertThat(JvmSampler.oldGeneration(List.of(
                heap("Eden Space", "Copy", "MarkSweepCompact"),
                heap("Tenured Gen", "MarkSweepCompact")))).isEqualTo("Tenured Gen");
        assertThat(JvmSampler.oldGeneration(List.of(
                nonHeap("Metaspace"), heap("ZHeap", "ZGC Cycles", "ZGC Pauses")))).isEqualTo("ZHeap");
        assertThat(JvmSampler.oldGeneration(List.of(
                heap("ZGC Young Generation", "ZGC Minor Cycles", "ZGC Minor Pauses", "ZGC Major Cycles"),
                heap("ZGC Old Generation", "ZGC Major Cycles", "ZGC Major Pauses")))).isEqualTo("ZGC Old Generation");
        assertThat(JvmSampler.oldGeneration(List.of(heap("Shenandoah", "Shenandoah Pauses", "Shenandoah Cycles"))))
                .isEqualTo("Shenandoah");
        assertThat(JvmSampler.oldGeneration(List.of(
                heap("Nursery", "Scavenger", "Global"), heap("Mature", "Global")))).as("structural fallback")
                .isEqualTo("Mature");
        assertThat(JvmSampler.oldGeneration(List.of(heap("A", "X"), heap("B", "Y")))).as("ambiguous").isNull();
    }

    @Test
    void concurrentCyclesAreNotPauses() {
        assertThat(JvmSampler.concurrent("ZGC Cycles", "Proactive")).isTrue();
        assertThat(JvmSampler.concurrent("Shenandoah Cycles", null)).isTrue();
        assertThat(JvmSampler.concurrent("G1 Concurrent GC", "G1 Remark")).isTrue();
        assertThat(JvmSampler.concurrent("ConcurrentMarkSweep", "No GC")).isTrue();
        assertThat(JvmSampler.concurrent("G1 Young Generation", "G1 Evacuation Pause")).isFalse();
        assertThat(JvmSampler.concurrent("ZGC Pauses", "Proactive")).isFalse();
    }

    private static JvmSampler.PoolShape heap(String name, String... managers) {
        return new JvmSampler.PoolShape(name, true, List.of(managers));
    }

    private static JvmSampler.PoolShape nonHeap(String name) {
        return new JvmSampler.PoolShape(name, false, List.of("Metaspace Manager"));
    }

    /** Notifications arrive on the JVM's own thread shortly after a collection: sample until one is in. */
    static List<Fact> sampleUntilAPause(JvmSampler sampler) throws Exception {
        List<Fact> facts = sampler.sample();
        long gcCount = jvm(facts).gcCount();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (pauses(facts).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            facts = sampler.sample();
            gcCount += jvm(facts).gcCount();
        }
        assertThat(pauses(facts)).as("a GC notification within 10 s").isNotEmpty();
        assertThat(gcCount).isGreaterThanOrEqualTo(1);
        return facts;
    }

    private static void allocateGarbage() {
        List<byte[]> garbage = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            garbage.add(new byte[256 * 1024]);
        }
        Reference.reachabilityFence(garbage);
    }

    static JvmSample jvm(List<Fact> facts) {
        return facts.stream().filter(JvmSample.class::isInstance).map(JvmSample.class::cast).findFirst().orElseThrow();
    }

    static List<GcPause> pauses(List<Fact> facts) {
        return facts.stream().filter(GcPause.class::isInstance).map(GcPause.class::cast).toList();
    }

    static List<MemoryPoolSample> pools(List<Fact> facts) {
        return facts.stream().filter(MemoryPoolSample.class::isInstance).map(MemoryPoolSample.class::cast).toList();
    }
}
