package dev.governor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.engine.config.ConfigLoader;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.simulate.Replay;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code record:} in a real run (Camel route, Drools, envelope, notify plugin, audit), then {@code governor replay} of
 * what it recorded: the replay decides what the run decided, rule by rule, with the same verdicts.
 */
class RecordReplayIT {

    private static final String RULES = """
            package it.record;
            import dev.governor.api.Action;
            import dev.governor.api.PoolSample;
            import java.util.Map;

            rule "Tell when callers wait"
            when
                $p : PoolSample( waiting > 0 )
            then
                insert( new Action( "notify.log", $p.pool(), Map.of( "message", $p.waiting() + " callers wait" ), "" ) );
            end
            """;

    private static final String ROUTE = """
            - route:
                from:
                  uri: direct:samples
                  steps:
                    - to: governor:facts
            """;

    private static final Pattern REPLAYED = Pattern.compile(
            "^\\S+  rule \"([^\"]+)\"  (\\S+) on '([^']*)' (\\{.*?})  ([A-Z_]+(?:/[A-Z_]+)?)(?::.*)?$");

    @TempDir
    Path dir;
    Governor governor;

    @AfterEach
    void stop() {
        if (governor != null) {
            governor.close();
        }
    }

    @Test
    void replayingARecordedRunMakesTheSameDecisions() throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("pool.drl"), RULES);
        Files.writeString(Files.createDirectories(dir.resolve("routes")).resolve("in.yaml"), ROUTE);
        Path file = Files.writeString(dir.resolve("governor.yaml"), "record: recordings/facts.jsonl\n");
        GovernorConfig config = new ConfigLoader().load(file);
        Path audit = config.audit().file();

        governor = Governor.start(config);
        ProducerTemplate template = governor.routes().context().createProducerTemplate();
        // One at a time, each decided before the next arrives, so no action is still in flight when the next comes.
        String[][] samples = {{"orders", "3"}, {"billing", "2"}, {"orders", "5"}, {"reports", "0"}, {"billing", "1"}, {"search", "4"}};
        int decided = 0;
        for (String[] sample : samples) {
            template.sendBody("direct:samples", "{\"type\":\"PoolSample\",\"pool\":\"" + sample[0]
                    + "\",\"active\":10,\"idle\":0,\"waiting\":" + sample[1] + ",\"max\":10}");
            if (!sample[1].equals("0")) {
                decided++;
            }
            int expected = decided;
            awaitAudit(audit, expected);
        }
        governor.close();
        governor = null;

        Path recording = dir.resolve("recordings/facts.jsonl");
        assertThat(Files.readAllLines(recording)).hasSize(samples.length)
                .allSatisfy(line -> assertThat(line).startsWith("{\"type\":\"PoolSample\",\"pool\":").contains("\"at\":\""));

        List<String> run = new ArrayList<>();
        for (JsonNode line : readAudit(audit)) {
            String verdict = line.at("/verdict/kind").asText() + (line.at("/verdict/cause").isMissingNode() ? ""
                    : "/" + line.at("/verdict/cause").asText());
            run.add(line.get("rule").asText() + " | " + line.at("/action/type").asText() + " " + line.at("/action/target").asText()
                    + " " + line.at("/action/params").toString() + " | " + verdict);
        }

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Replay.Summary summary = Replay.run(recording, config, getClass().getClassLoader(), new PrintWriter(out), new PrintWriter(err));
        assertThat(summary.ok()).as(err.toString()).isTrue();
        List<String> replayed = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            Matcher matcher = REPLAYED.matcher(line);
            if (matcher.matches()) {
                replayed.add(matcher.group(1) + " | " + matcher.group(2) + " " + matcher.group(3) + " " + matcher.group(4)
                        + " | " + matcher.group(5));
            }
        }
        assertThat(run).containsExactly(
                "Tell when callers wait | notify.log orders {\"message\":\"3 callers wait\"} | ADMITTED",
                "Tell when callers wait | notify.log billing {\"message\":\"2 callers wait\"} | ADMITTED",
                "Tell when callers wait | notify.log orders {\"message\":\"5 callers wait\"} | SUPPRESSED/COOLDOWN",
                "Tell when callers wait | notify.log billing {\"message\":\"1 callers wait\"} | SUPPRESSED/COOLDOWN",
                "Tell when callers wait | notify.log search {\"message\":\"4 callers wait\"} | ADMITTED");
        assertThat(replayed).as(out.toString()).isEqualTo(run);
        assertThat(out.toString()).contains("replayed 6 facts from " + recording, ": 5 decisions, 3 dispatched, 2 held back by the envelope");
    }

    private static void awaitAudit(Path audit, int lines) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(audit) && readAudit(audit).size() >= lines) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("fewer than " + lines + " audit lines within 20s");
    }

    private static List<JsonNode> readAudit(Path audit) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(audit)) {
            if (!line.isBlank()) {
                nodes.add(FactCodec.mapper().readTree(line));
            }
        }
        return nodes;
    }
}
