package dev.governor.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as the README runs it, for 90 seconds, in this JVM: within that time Governor must have grown the
 * pool, vacuumed the table and ended the session that pins the horizon, through the real plugins on a real
 * PostgreSQL; and afterwards nothing the demo started may still run.
 */
class DemoIT {

    @Test
    void growsThePoolVacuumsAndEndsTheHolderWithinNinetySecondsThenStopsEverything(@TempDir Path work) throws Exception {
        Set<Thread> before = nonDaemonThreads();
        StringWriter printed = new StringWriter();
        PrintWriter out = new PrintWriter(new Tee(printed), true);
        Demo demo = new Demo(DemoCommand.defaultRules(), work, Duration.ofSeconds(90), 0, out);
        AtomicInteger health = new AtomicInteger();
        Thread probe = new Thread(() -> health.set(probeHealth(printed)), "demo-it-probe");
        probe.setDaemon(true);
        probe.start();

        Summary summary = demo.run();
        probe.join(TimeUnit.SECONDS.toMillis(5));

        String text = printed.toString();
        assertThat(summary.count("pool.resize", "APPLIED")).as(text).isGreaterThanOrEqualTo(1);
        assertThat(summary.poolEnd()).as(text).isGreaterThan(summary.poolStart());
        assertThat(summary.count("pg.vacuum", "APPLIED")).as(text).isGreaterThanOrEqualTo(1);
        assertThat(summary.vacuums()).as(text).anySatisfy(vacuum -> {
            assertThat(vacuum.target()).isEqualTo("shop/public.inventory");
            assertThat(vacuum.removed()).isPositive();
        });
        assertThat(summary.count("pg.terminate", "APPLIED")).as(text).isGreaterThanOrEqualTo(1);
        assertThat(summary.ended()).as(text).anySatisfy(session -> assertThat(session.application()).isEqualTo(Workload.HOLDER_APPLICATION));
        assertThat(text).contains("Summary after 90s", "rule \"Grow a pool whose callers keep waiting\"",
                "rule \"End a session idle in a transaction\"", "horizon holders    ended pid");
        assertThat(health.get()).as("GET /api/health at the dashboard address the demo printed").isEqualTo(200);
        assertThat(Files.readAllLines(work.resolve("audit.jsonl"))).as("the audit has a line per decision")
                .anyMatch(line -> line.contains("\"type\":\"pg.terminate\"") && line.contains("\"status\":\"APPLIED\""));

        assertThat(demo.postgresProcess().waitFor(10, TimeUnit.SECONDS)).as("the embedded PostgreSQL has stopped").isTrue();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Set<Thread> left = nonDaemonThreads();
        left.removeAll(before);
        while (!left.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(100);
            left = nonDaemonThreads();
            left.removeAll(before);
        }
        assertThat(left.stream().map(Thread::getName).collect(Collectors.toList())).as("threads the demo left running").isEmpty();
    }

    /** Waits for the demo to print its dashboard (or, without the dashboard, API) address, then asks the API there for its health; the status code. */
    private static int probeHealth(StringWriter printed) {
        Pattern address = Pattern.compile("(?:dashboard|HTTP API): (http://127\\.0\\.0\\.1:\\d+)/");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < until) {
            Matcher m = address.matcher(printed.toString());
            if (m.find()) {
                try {
                    HttpResponse<String> response = HttpClient.newHttpClient().send(
                            HttpRequest.newBuilder(URI.create(m.group(1) + "/api/health")).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    return response.statusCode();
                } catch (Exception e) {
                    return -1;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return -2;
            }
        }
        return -3;
    }

    private static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && !thread.isDaemon())
                .collect(Collectors.toSet());
    }

    /** What the demo prints goes to the test's output too, to read when it fails. */
    private static final class Tee extends Writer {
        private final StringWriter copy;

        Tee(StringWriter copy) {
            this.copy = copy;
        }

        @Override
        public void write(char[] buffer, int offset, int length) {
            copy.write(buffer, offset, length);
            System.out.print(new String(buffer, offset, length));
        }

        @Override
        public void flush() {
            System.out.flush();
        }

        @Override
        public void close() {
        }
    }
}
