package dev.governor.benchmarks.engine;

import java.util.Locale;

/**
 * Runs one pack of the engine benchmark in a plain loop for a while, for a profiler (JFR) to look at, and prints
 * facts per second per 5 s stretch. Usage: {@code EngineProfile PACK SECONDS}.
 */
public final class EngineProfile {

    public static void main(String[] args) throws Exception {
        String pack = args.length > 0 ? args[0] : "default-rules";
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 30;
        try (EngineLoop loop = new EngineLoop(dev.governor.benchmarks.EngineBenchmark.deciderFor(pack),
                dev.governor.benchmarks.EngineBenchmark.streamFor(pack), false)) {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                long from = loop.facts();
                long start = System.nanoTime();
                while (System.nanoTime() - start < 5_000_000_000L) {
                    loop.step();
                }
                System.out.printf(Locale.ROOT, "%s: %.0f facts/s%n", pack, (loop.facts() - from) / ((System.nanoTime() - start) / 1e9));
            }
        }
    }
}
