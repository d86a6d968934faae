package dev.governor.benchmarks;

import dev.governor.engine.Governor;
import dev.governor.engine.config.ConfigLoader;
import io.micrometer.core.instrument.Counter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples in through {@code POST /api/samples} at a fixed rate, over real HTTP on the loopback address, into a
 * Governor started in this JVM with the API on a free port; then checks that none was lost: every sample the API
 * accepted (202) was taken by the rules engine ({@code governor_facts_in_total{source="api"}} and the engine's own
 * count of facts inserted), and reports the heap after a full GC at the start, the middle and the end.
 *
 * <pre>
 * benchmarks/ingest.sh [--rate 10000] [--seconds 60] [--batch 100] [--concurrency 16]
 * </pre>
 *
 * The rules are one rule on {@code PoolSample} that matches none of the samples sent, and {@code engine.factRetention}
 * is 10s, so the session holds about rate x 10 s facts; with the default 5m retention it would hold rate x 300 s and
 * the heap would grow for five minutes before it flattens. A refused batch (503: the engine's queue is full) is
 * counted and sent again after 50 ms, so it is late, not lost. Closed loop per slot: at most {@code concurrency}
 * requests are in flight; when the server falls behind, the send rate falls and the report says so.
 */
public final class IngestBenchmark {

    private static final String TOKEN = "ingest-benchmark-token-0123456789";

    private static final String RULE = """
            package bench;
            import dev.governor.api.Action;
            import dev.governor.api.PoolSample;

            rule "Never: nobody waits in the benchmark's samples"
            when
                $p : PoolSample( waiting > 1000000 )
            then
                insert( new Action( "notify.log", $p.pool(), "" ) );
            end
            """;

    public static void main(String[] args) throws Exception {
        int rate = intArg(args, "--rate", 10_000);
        int seconds = intArg(args, "--seconds", 60);
        int batch = intArg(args, "--batch", 100);
        int concurrency = intArg(args, "--concurrency", 16);

        Path dir = Files.createTempDirectory("governor-ingest-");
        Files.createDirectories(dir.resolve("rules"));
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("rules/bench.drl"), RULE);
        // No sampling route: only the API delivers. (Camel Main wants at least one route file.)
        Files.writeString(dir.resolve("routes/in.yaml"), """
                - route:
                    id: unused
                    from:
                      uri: direct:unused
                      steps:
                        - to: governor:facts
                """);
        Path file = Files.writeString(dir.resolve("governor.yaml"), """
                rules: { reload: false }
                engine: { factRetention: 10s }
                api: { enabled: true, port: 0, token: %s }
                """.formatted(TOKEN));

        try (Governor governor = Governor.start(new ConfigLoader().load(file))) {
            URI samples = URI.create(governor.api().url() + "/api/samples");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String[] bodies = new String[64];
            for (int b = 0; b < bodies.length; b++) {
                StringBuilder body = new StringBuilder("[");
                for (int i = 0; i < batch; i++) {
                    int pool = (b * batch + i) % 200;
                    body.append(i == 0 ? "" : ",").append("{\"type\":\"PoolSample\",\"pool\":\"bench-").append(pool)
                            .append("\",\"active\":").append(i % 10).append(",\"idle\":2,\"waiting\":0,\"max\":10}");
                }
                bodies[b] = body.append(']').toString();
            }

            warmUp(client, samples, bodies[0]);
            long heapStart = heapAfterGc();
            double factsBefore = apiFactsIn(governor);
            long engineBefore = governor.engine().factsIn();

            long requests = (long) rate * seconds / batch;
            long intervalNanos = 1_000_000_000L * batch / rate;
            Semaphore slots = new Semaphore(concurrency);
            AtomicLong accepted = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
            long heapMiddle = -1;
            long sessionMiddle = -1;
            long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long acceptedAtReport = 0;
            long cpuStarted = processCpuNanos();
            long started = System.nanoTime();
            List<CompletableFuture<Void>> pending = new ArrayList<>();
            for (long r = 0; r < requests; r++) {
                long due = started + r * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (heapMiddle < 0 && r >= requests / 2) {
                    heapMiddle = heapAfterGc();
                    sessionMiddle = governor.engine().factCount();
                }
                if (System.nanoTime() >= nextReport) {
                    long now = accepted.get();
                    System.out.printf("  %5.1f s: %,7d samples/s accepted, %,d facts in the session, %,d queued, heap %.0f MiB%n",
                            (System.nanoTime() - started) / 1e9, (now - acceptedAtReport) / 10, governor.engine().factCount(),
                            governor.engine().queued(),
                            ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0);
                    acceptedAtReport = now;
                    nextReport += TimeUnit.SECONDS.toNanos(10);
                }
                slots.acquire();
                String body = bodies[(int) (r % bodies.length)];
                CompletableFuture<Void> sent = send(client, samples, body, batch, accepted, refused, failed, latencies)
                        .whenComplete((ok, error) -> slots.release());
                pending.add(sent);
                if (pending.size() > 10_000) {
                    pending.removeIf(CompletableFuture::isDone);
                }
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
            double sendSeconds = (System.nanoTime() - started) / 1e9;

            // Every accepted sample must reach the rules: wait for the engine to drain its queue.
            long expected = engineBefore + accepted.get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (governor.engine().factsIn() < expected && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            double drainedSeconds = (System.nanoTime() - started) / 1e9;
            long cpu = processCpuNanos() - cpuStarted;
            long heapEnd = heapAfterGc();
            long sessionEnd = governor.engine().factCount();
            // The session keeps facts for engine.factRetention (10s): once it has passed, what is left is what leaks.
            Thread.sleep(12_000);
            long heapAfterRetention = heapAfterGc();
            double countedIn = apiFactsIn(governor) - factsBefore;
            long countedAsFacts = governor.engine().factsIn() - engineBefore;

            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            long sent = (long) requests * batch;
            System.out.printf("rate target          %,d samples/s in batches of %d, %d s, at most %d requests in flight%n",
                    rate, batch, seconds, concurrency);
            System.out.printf("sent                 %,d samples in %,d requests over %.1f s: %,.0f samples/s achieved%n",
                    sent, requests, sendSeconds, sent / sendSeconds);
            System.out.printf("accepted (202)       %,d; refused and sent again (503) %,d; failed %,d%n",
                    accepted.get(), refused.get(), failed.get());
            System.out.printf("counted in           %,.0f (governor_facts_in_total{source=\"api\"})%n", countedIn);
            System.out.printf("counted as facts     %,d (inserted into the rules session), all in after %.1f s%n",
                    countedAsFacts, drainedSeconds);
            System.out.printf("lost                 %,d%n", accepted.get() - countedAsFacts);
            System.out.printf("CPU                  %.1f s of CPU for the whole process (client included): %.1f us per sample, "
                    + "%.1f cores busy on average%n", cpu / 1e9, cpu / 1e3 / Math.max(1, accepted.get()), cpu / 1e9 / drainedSeconds);
            System.out.printf("request latency      p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
            System.out.printf("heap after full GC   start %.1f MiB, middle %.1f MiB (session: %,d facts), end %.1f MiB "
                            + "(session: %,d facts), 12 s later %.1f MiB (session: %,d facts)%n",
                    heapStart / 1048576.0, heapMiddle / 1048576.0, sessionMiddle, heapEnd / 1048576.0, sessionEnd,
                    heapAfterRetention / 1048576.0, governor.engine().factCount());
            boolean ok = accepted.get() == sent && countedAsFacts == accepted.get() && (long) countedIn == accepted.get()
                    && failed.get() == 0;
            System.out.println(ok ? "RESULT: OK, no sample lost" : "RESULT: FAILED, see above");
            if (!ok) {
                System.exit(1);
            }
        }
    }

    private static CompletableFuture<Void> send(HttpClient client, URI uri, String body, int batch, AtomicLong accepted,
                                                AtomicLong refused, AtomicLong failed, ConcurrentLinkedQueue<Long> latencies) {
        long started = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenCompose(response -> {
            latencies.add(System.nanoTime() - started);
            if (response.statusCode() == 202) {
                accepted.addAndGet(batch);
                return CompletableFuture.completedFuture(null);
            }
            if (response.statusCode() == 503) {
                refused.addAndGet(batch);
                return CompletableFuture.runAsync(() -> { },
                        CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS))
                        .thenCompose(ignored -> send(client, uri, body, batch, accepted, refused, failed, latencies));
            }
            failed.addAndGet(batch);
            System.err.println("unexpected status " + response.statusCode());
            return CompletableFuture.completedFuture(null);
        }).exceptionally(error -> {
            failed.addAndGet(batch);
            System.err.println("request failed: " + error);
            return null;
        });
    }

    private static void warmUp(HttpClient client, URI uri, String body) throws Exception {
        for (int i = 0; i < 200; i++) {
            HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            client.send(request, HttpResponse.BodyHandlers.discarding());
        }
        Thread.sleep(1000);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double apiFactsIn(Governor governor) {
        return governor.metrics().registry().find("governor_facts_in_total").tag("source", "api").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    private static int intArg(String[] args, String name, int fallback) {
        int at = Arrays.asList(args).indexOf(name);
        if (at < 0) {
            return fallback;
        }
        if (at + 1 >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return Integer.parseInt(args[at + 1]);
    }
}
