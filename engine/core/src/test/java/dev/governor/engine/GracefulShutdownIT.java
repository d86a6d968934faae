package dev.governor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.engine.config.ConfigLoader;
import dev.governor.engine.plugin.TestJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping Governor while actions run: an action that finishes within {@code actions.timeout} is audited with its
 * own outcome, one that does not is interrupted and audited as {@code INTERRUPTED}, and the audit has both lines
 * when {@link Governor#close} returns.
 */
class GracefulShutdownIT {

    /** A plugin whose action sleeps for its target's number of milliseconds; an interrupt ends the sleep. */
    private static final String PLUGIN = """
            package example.sleep;
            import dev.governor.api.*;
            import dev.governor.spi.*;
            import java.util.Set;
            public final class SleepPlugin implements ActionPlugin {
                public String name() { return "sleep"; }
                public Set<String> actionTypes() { return Set.of("sleep.for"); }
                public ActionHandler create(PluginContext context) {
                    return action -> {
                        Thread.sleep(Long.parseLong(action.target()));
                        return ActionOutcome.applied(action, "slept " + action.target() + " ms", context.clock().instant());
                    };
                }
            }
            """;

    private static final String RULES = """
            package it.sleep;
            import dev.governor.api.Action;
            import dev.governor.api.Metric;
            rule "Sleep as long as the metric says"
            when
                $m : Metric( name == "sleep" )
            then
                insert( new Action( "sleep.for", String.valueOf( (long) $m.value() ), "" ) );
            end
            """;

    private static final String ROUTE = """
            - route:
                from:
                  uri: direct:samples
                  steps:
                    - to: governor:facts
            """;

    @Test
    void anActionThatFinishesIsAuditedAsItsOutcomeAndOneThatDoesNotAsInterrupted(@TempDir Path dir) throws Exception {
        TestJars.build(dir.resolve("plugins/sleep.jar"), Map.of("example.sleep.SleepPlugin", PLUGIN),
                Map.of("META-INF/services/dev.governor.spi.ActionPlugin", "example.sleep.SleepPlugin\n"));
        Files.writeString(Files.createDirectories(dir.resolve("rules")).resolve("sleep.drl"), RULES);
        Files.writeString(Files.createDirectories(dir.resolve("routes")).resolve("in.yaml"), ROUTE);
        Path audit = dir.resolve("audit.jsonl");
        Path file = Files.writeString(dir.resolve("governor.yaml"), """
                audit: { file: audit.jsonl }
                actions: { timeout: 2s }
                """);
        Governor governor = Governor.start(new ConfigLoader().load(file));
        try {
            var template = governor.routes().context().createProducerTemplate();
            template.sendBody("direct:samples", "[{\"type\":\"Metric\",\"name\":\"sleep\",\"source\":\"a\",\"value\":600},"
                    + "{\"type\":\"Metric\",\"name\":\"sleep\",\"source\":\"b\",\"value\":60000}]");
            long waited = System.nanoTime();
            while (governor.dispatcher().inFlight() < 2 && System.nanoTime() - waited < Duration.ofSeconds(10).toNanos()) {
                Thread.sleep(20);
            }
            assertThat(governor.dispatcher().inFlight()).as("both actions running").isEqualTo(2);
        } finally {
            long closing = System.nanoTime();
            governor.close();
            assertThat(Duration.ofNanos(System.nanoTime() - closing)).as("close waits about actions.timeout, not 60 s")
                    .isLessThan(Duration.ofSeconds(10));
        }

        List<JsonNode> lines = AuditFile.read(audit);
        assertThat(lines).hasSize(2);
        assertThat(lines).anySatisfy(line -> {
            assertThat(line.at("/action/target").asText()).isEqualTo("600");
            assertThat(line.get("status").asText()).isEqualTo("APPLIED");
            assertThat(line.get("message").asText()).isEqualTo("slept 600 ms");
        });
        assertThat(lines).anySatisfy(line -> {
            assertThat(line.at("/action/target").asText()).isEqualTo("60000");
            assertThat(line.get("status").asText()).isEqualTo("INTERRUPTED");
            assertThat(line.get("message").asText()).startsWith("interrupted: Governor stopped");
        });
    }
}
