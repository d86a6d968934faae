package dev.governor.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code governor replay}: recorded facts through real DRL and the real envelope, on the facts' own time. */
class ReplayCommandTest {

    private static final String RULES = """
            package t;
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

    @TempDir
    Path dir;
    Path rules;
    Path config;

    @BeforeEach
    void files() throws Exception {
        rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("pool.drl"), RULES);
        config = Files.writeString(dir.resolve("governor.yaml"), "");
    }

    private static String pool(String name, int waiting, String at) {
        return "{\"type\":\"PoolSample\",\"pool\":\"" + name + "\",\"active\":10,\"idle\":0,\"waiting\":" + waiting
                + ",\"max\":10,\"at\":\"" + at + "\"}";
    }

    @Test
    void printsEachDecisionInTimeOrderWithItsRuleAndVerdict() throws Exception {
        Path recording = Files.writeString(dir.resolve("facts.jsonl"), String.join("\n",
                pool("orders", 2, "2026-03-01T10:00:10Z"),
                pool("orders", 3, "2026-03-01T10:00:00Z"),       // out of order: replayed first
                "",
                pool("billing", 0, "2026-03-01T10:00:20Z"),
                pool("orders", 1, "2026-03-01T10:01:05Z")) + "\n");
        CliRun run = CliRun.of("replay", recording.toString(), "--rules", rules.toString(), "--config", config.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("""
                2026-03-01T10:00:00Z  rule "Tell when callers wait"  notify.log on 'orders' {"message":"3 callers wait"}  ADMITTED
                2026-03-01T10:00:10Z  rule "Tell when callers wait"  notify.log on 'orders' {"message":"2 callers wait"}  \
                SUPPRESSED/COOLDOWN: suppressed by cooldown until 2026-03-01T10:01:00Z (last notify.log action on 'orders' at \
                2026-03-01T10:00:00Z; cooldown 1m)
                2026-03-01T10:01:05Z  rule "Tell when callers wait"  notify.log on 'orders' {"message":"1 callers wait"}  ADMITTED
                replayed 4 facts from %s (2026-03-01T10:00:00Z to 2026-03-01T10:01:05Z, 1m5s): 3 decisions, 2 dispatched, \
                1 held back by the envelope
                """.formatted(recording));
    }

    @Test
    void malformedLinesAreReportedWithTheirLineSkippedAndCounted() throws Exception {
        Path recording = Files.writeString(dir.resolve("facts.jsonl"), String.join("\n",
                pool("orders", 2, "2026-03-01T10:00:00Z"),
                "{\"type\":\"PoolSample\",\"pool\":\"orders\",\"active\":10,\"idle\":0,\"waiting\":\"six\",\"max\":10,\"at\":\"2026-03-01T10:00:01Z\"}",
                "{not json",
                "{\"type\":\"PoolSample\",\"pool\":\"orders\",\"active\":10,\"idle\":0,\"waiting\":1,\"max\":10}",
                pool("billing", 4, "2026-03-01T10:00:02Z")) + "\n");
        CliRun run = CliRun.of("replay", recording.toString(), "--rules", rules.toString(), "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(
                recording + ":2: PoolSample.waiting: expected an integer, got \"six\"\n",
                recording + ":3: not valid JSON: ",
                recording + ":4: no \"at\": a replayed fact needs the time it was sampled\n");
        assertThat(run.out()).contains("notify.log on 'orders'", "notify.log on 'billing'",
                ": 2 decisions, 2 dispatched, 0 held back by the envelope; 3 malformed lines skipped\n");
    }

    @Test
    void theConfigurationsEnvelopeAndModeApply() throws Exception {
        Path recording = Files.writeString(dir.resolve("facts.jsonl"),
                pool("orders", 2, "2026-03-01T10:00:00Z") + "\n" + pool("orders", 2, "2026-03-01T10:00:01Z") + "\n");
        Files.writeString(config, "envelope: { actions: { notify.log: { cooldown: 0s } } }\n");
        CliRun noCooldown = CliRun.of("replay", recording.toString(), "--rules", rules.toString(), "--config", config.toString());
        assertThat(noCooldown.out()).contains("2 decisions, 2 dispatched, 0 held back");

        CliRun dryRun = CliRun.of("replay", recording.toString(), "--rules", rules.toString(), "--config", config.toString(),
                "--mode", "dry-run");
        assertThat(dryRun.out()).contains("  DRY_RUN: dry-run (mode: dry-run): would run notify.log on 'orders'",
                "2 decisions, 0 dispatched, 2 held back");
    }

    @Test
    void rulesThatDoNotCompileAreReportedWithFileAndLine() throws Exception {
        Files.writeString(rules.resolve("broken.drl"), "package t;\nrule \"b\"\nwhen\n    PoolSample( waiting > )\nthen\nend\n");
        Path recording = Files.writeString(dir.resolve("facts.jsonl"), pool("orders", 2, "2026-03-01T10:00:00Z") + "\n");
        CliRun run = CliRun.of("replay", recording.toString(), "--rules", rules.toString(), "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(rules.resolve("broken.drl") + ":4: ");
    }

    @Test
    void aFileThatDoesNotExistIsAnError() {
        CliRun run = CliRun.of("replay", dir.resolve("nothing.jsonl").toString(), "--rules", rules.toString(),
                "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("nothing.jsonl: no such file");
    }
}
