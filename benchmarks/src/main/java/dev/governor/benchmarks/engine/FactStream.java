package dev.governor.benchmarks.engine;

import dev.governor.api.Fact;
import dev.governor.api.HostSample;
import dev.governor.api.JvmSample;
import dev.governor.api.Metric;
import dev.governor.api.PoolSample;
import java.time.Instant;

/** An endless stream of facts with rising timestamps, the same for every run. */
public interface FactStream {

    /** 2026-01-01T00:00:00Z: where every stream starts. */
    long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    Fact next();

    /**
     * What the default routes send each second for one host, one JVM and one pool, on a 10-minute cycle that
     * takes every condition of the default pack these facts can reach through its band, "for" and action:
     * the pool saturated for 50 s (grows after 5 s, and every 5 s while the stream keeps it at its old size),
     * then idle (shrinks once idle for a minute); memory at 95% for 200 s (notify at 2 min); CPU at 97% from
     * 100 s to 450 s (notify at 5 min); GC taking 25% of the time from 250 s to 450 s; the live set at 90% from
     * 200 s to 560 s (notify at 5 min).
     */
    static FactStream defaultPack() {
        return new FactStream() {
            private static final long GIB = 1L << 30;
            private long second;
            private int index;

            @Override
            public Fact next() {
                long s = second % 600;
                Instant at = Instant.ofEpochMilli(START + second * 1000);
                Fact fact = switch (index) {
                    case 0 -> {
                        double cpu = s >= 100 && s < 450 ? 0.97 : 0.30;
                        long used = s < 200 ? (long) (16 * GIB * 0.95) : 8 * GIB;
                        yield new HostSample("host", cpu, 0.10, 2, 16 * GIB, used, 16 * GIB - used, at);
                    }
                    case 1 -> {
                        long live = s >= 200 && s < 560 ? (long) (GIB * 0.9) : (long) (GIB * 0.3);
                        double gc = s >= 250 && s < 450 ? 0.25 : 0.0;
                        yield new JvmSample("local", GIB / 2, GIB, GIB, 64L << 20, 80L << 20, live, second, gc, gc / 4,
                                40, 30, 42, 0, 0, 0, at);
                    }
                    default -> s < 50
                            ? new PoolSample("orders", 10, 0, 3, 10, at)
                            : new PoolSample("orders", 1, 3, 0, 10, at);
                };
                if (++index == 3) {
                    index = 0;
                    second++;
                }
                return fact;
            }
        };
    }

    /**
     * {@code names} metrics ({@code m0}, {@code m1}, ...), each sampled once a second; every {@code spikeEvery}-th
     * fact has value 95, the others 50 (so a threshold rule at 90 decides on those).
     */
    static FactStream metrics(String prefix, int names, long factsPerSecond, int spikeEvery) {
        return new FactStream() {
            private long count;

            @Override
            public Fact next() {
                long n = count++;
                Instant at = Instant.ofEpochMilli(START + n * 1000 / factsPerSecond);
                double value = spikeEvery > 0 && n % spikeEvery == spikeEvery - 1 ? 95.0 : 50.0 + (n % 7);
                return new Metric(prefix + (n % names), "bench", value, at);
            }
        };
    }
}
