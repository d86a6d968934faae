package dev.governor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.engine.config.ConfigLoader;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.plugin.TestJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The whole loop, for real: Camel Main with YAML routes, DRL compiled by Drools, real plugins, the audit file. */
class GovernorIT {

    private static final String RULES = """
            package it;
            import dev.governor.api.Action;
            import dev.governor.api.ActionOutcome;
            import dev.governor.api.PoolSample;
            import java.util.Map;

            rule "Notify when callers wait"
            when
                $p : PoolSample( waiting > 0 )
            then
                insert( new Action( "notify.log", $p.pool(), Map.of( "message", $p.waiting() + " callers wait" ), "" ) );
            end

            rule "Follow up on an applied notification"
            when
                $o : ActionOutcome( status == ActionOutcome.Status.APPLIED, action.reason == "Notify when callers wait" )
            then
                insert( new Action( "notify.log", "follow-up:" + $o.target(), "" ) );
            end
            """;

    private static final String ROUTE = """
            - route:
                id: samples-in
                from:
                  uri: direct:samples
                  steps:
                    - to: governor:facts
            """;

    @TempDir
    Path dir;
    Path rules;
    Path routes;
    Path audit;
    Governor governor;
    ListAppender<ILoggingEvent> notifications;

    @BeforeEach
    void setUp() throws IOException {
        rules = Files.createDirectories(dir.resolve("rules"));
        routes = Files.createDirectories(dir.resolve("routes"));
        audit = dir.resolve("audit/audit.jsonl");
        Files.writeString(rules.resolve("it.drl"), RULES);
        Files.writeString(routes.resolve("in.yaml"), ROUTE);
        notifications = new ListAppender<>();
        notifications.start();
        ((Logger) LoggerFactory.getLogger("governor.notify")).addAppender(notifications);
    }

    @AfterEach
    void tearDown() {
        if (governor != null) {
            governor.close();
        }
        ((Logger) LoggerFactory.getLogger("governor.notify")).detachAppender(notifications);
    }

    private Governor start(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("governor.yaml"), yaml);
        GovernorConfig config = new ConfigLoader().load(file);
        governor = Governor.start(config);
        return governor;
    }

    private ProducerTemplate template() {
        return governor.routes().context().createProducerTemplate();
    }

    private static String pool(String name, int waiting) {
        return "{\"type\":\"PoolSample\",\"pool\":\"" + name + "\",\"active\":10,\"idle\":0,\"waiting\":" + waiting + ",\"max\":10}";
    }

    @Test
    void aSampleFromARouteIsDecidedActedOnAndAudited() throws Exception {
        start("plugins: { dir: plugins }\n");
        template().sendBody("direct:samples", pool("orders", 6));

        List<JsonNode> lines = awaitAudit(l -> l.size() >= 2);
        JsonNode first = lines.stream().filter(l -> l.get("rule").asText().equals("Notify when callers wait")).findFirst().orElseThrow();
        assertThat(first.get("status").asText()).isEqualTo("APPLIED");
        assertThat(first.get("mode").asText()).isEqualTo("enforce");
        assertThat(first.at("/action/type").asText()).isEqualTo("notify.log");
        assertThat(first.at("/action/target").asText()).isEqualTo("orders");
        assertThat(first.at("/action/reason").asText()).isEqualTo("Notify when callers wait");
        assertThat(first.at("/facts/0/type").asText()).isEqualTo("PoolSample");
        assertThat(first.at("/facts/0/waiting").asInt()).isEqualTo(6);
        // The outcome went back into the session, where the second rule saw it.
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.get("rule").asText()).isEqualTo("Follow up on an applied notification");
            assertThat(l.at("/action/target").asText()).isEqualTo("follow-up:orders");
            assertThat(l.at("/facts/0/type").asText()).isEqualTo("ActionOutcome");
        });
        assertThat(notifications.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("[Notify when callers wait] orders: 6 callers wait");
    }

    @Test
    void aMalformedFactIsRejectedNamingTheFieldAndTheNextOneStillFlows() throws Exception {
        start("");
        assertThatThrownBy(() -> template().sendBody("direct:samples",
                "{\"type\":\"PoolSample\",\"pool\":\"orders\",\"active\":10,\"idle\":0,\"waiting\":\"six\",\"max\":10}"))
                .isInstanceOf(CamelExecutionException.class)
                .hasRootCauseMessage("rejected fact: PoolSample.waiting: expected an integer, got \"six\"");
        assertThatThrownBy(() -> template().sendBody("direct:samples", "{not json"))
                .hasRootCauseMessage("rejected fact: not valid JSON: Unexpected character ('n' (code 110)): "
                        + "was expecting double-quote to start field name at line 1, column 2");

        template().sendBody("direct:samples", "[" + pool("billing", 2) + "]");
        List<JsonNode> lines = awaitAudit(l -> l.stream().anyMatch(n -> n.at("/action/target").asText().equals("billing")));
        assertThat(lines).noneMatch(l -> l.toString().contains("six"));
        assertThat(governor.routes().context().getRouteController().getRouteStatus("samples-in").isStarted()).isTrue();
    }

    @Test
    void dryRunDecidesAndAuditsButExecutesNothing() throws Exception {
        start("mode: dry-run\n");
        template().sendBody("direct:samples", pool("orders", 3));
        List<JsonNode> lines = awaitAudit(l -> !l.isEmpty());
        assertThat(lines.get(0).get("status").asText()).isEqualTo("DRY_RUN");
        assertThat(lines.get(0).get("mode").asText()).isEqualTo("dry-run");
        Thread.sleep(300);
        assertThat(notifications.list).as("the notify plugin was never called").isEmpty();
        // A DRY_RUN outcome is not APPLIED, so the follow-up rule does not fire either.
        assertThat(readAudit()).hasSize(1);
    }

    @Test
    void aPluginJarInThePluginsFolderIsDiscoveredAndUsed() throws Exception {
        TestJars.echoPlugin(dir.resolve("plugins/echo.jar"), "echo", "echo.write");
        Files.writeString(rules.resolve("echo.drl"), """
                package it.echo;
                import dev.governor.api.Action;
                import dev.governor.api.Metric;
                rule "Echo every metric"
                when
                    $m : Metric( name == "echo.me" )
                then
                    insert( new Action( "echo.write", $m.source(), "" ) );
                end
                """);
        Path echoed = dir.resolve("echoed.txt");
        start("plugins:\n  dir: plugins\n  settings:\n    echo: { file: '" + echoed + "' }\n");
        template().sendBody("direct:samples", "{\"type\":\"Metric\",\"name\":\"echo.me\",\"source\":\"queue-7\",\"value\":1}");
        List<JsonNode> lines = awaitAudit(l -> l.stream().anyMatch(n -> n.at("/action/type").asText().equals("echo.write")));
        JsonNode line = lines.stream().filter(n -> n.at("/action/type").asText().equals("echo.write")).findFirst().orElseThrow();
        assertThat(line.get("status").asText()).isEqualTo("APPLIED");
        assertThat(line.get("message").asText()).isEqualTo("echoed queue-7 by echo; camel visible: false");
        assertThat(Files.readString(echoed).trim()).isEqualTo("queue-7");
    }

    @Test
    void theHostSamplingRouteFeedsRulesWithinSeconds() throws Exception {
        Files.writeString(routes.resolve("host.yaml"), """
                - route:
                    from:
                      uri: governor-sample:host
                      parameters:
                        period: 200ms
                      steps:
                        - to: governor:facts
                """);
        Files.writeString(rules.resolve("host.drl"), """
                package it.host;
                import dev.governor.api.Action;
                import dev.governor.api.HostSample;
                rule "Act on every host sample"
                when
                    $h : HostSample( memoryTotal > 0 )
                then
                    insert( new Action( "notify.log", $h.host(), "" ) );
                end
                """);
        // This test is about sampling: without the envelope's cooldown every sample reaches the plugin.
        start("envelope: { actions: { notify.log: { cooldown: 0s } } }\n");
        List<JsonNode> lines = awaitAudit(l -> l.size() >= 3);
        assertThat(lines).allSatisfy(l -> assertThat(l.get("status").asText()).isEqualTo("APPLIED"));
        assertThat(lines.get(0).at("/facts/0/type").asText()).isEqualTo("HostSample");
        assertThat(lines.get(0).at("/facts/0/cpuLoad").isNumber()).isTrue();
    }

    @Test
    void startUpFailsClearlyOnBrokenRulesAndKeepsNothingRunning() throws Exception {
        Files.writeString(rules.resolve("broken.drl"), "package x;\nrule \"b\" when\n  NoSuchFact()\nthen end\n");
        assertThatThrownBy(() -> start(""))
                .isInstanceOf(dev.governor.engine.rules.RuleCompilationException.class)
                .hasMessageContaining("broken.drl:3:");
    }

    @Test
    void startUpFailsOnABrokenRouteNamingTheFileAndLine() throws Exception {
        Path broken = Files.writeString(routes.resolve("broken.yaml"), """
                - route:
                    from:
                      uri: direct:x
                      steps:
                        - too: governor:facts
                """);
        assertThatThrownBy(() -> start(""))
                .isInstanceOf(dev.governor.engine.camel.RouteException.class)
                .satisfies(e -> assertThat(((dev.governor.engine.camel.RouteException) e).problems())
                        .singleElement().asString().startsWith(broken + ":5: Unknown node id: too"));
        assertThat(Files.exists(audit)).as("nothing was decided").isTrue();
        assertThat(readAudit()).isEmpty();
    }

    private List<JsonNode> awaitAudit(Predicate<List<JsonNode>> condition) throws Exception {
        return AuditFile.await(audit, Duration.ofSeconds(10), condition);
    }

    private List<JsonNode> readAudit() throws IOException {
        return AuditFile.read(audit);
    }
}
