package dev.governor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.engine.config.ConfigException;
import dev.governor.engine.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The safety envelope in the whole loop: real routes, real DRL, the real notify plugin, the audit file, a restart. */
class EnvelopeIT {

    private static final String RULES = """
            package it.envelope;
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

            rule "Escalate a notification the envelope held back"
            when
                $o : ActionOutcome( status == ActionOutcome.Status.SKIPPED, action.reason == "Notify when callers wait" )
            then
                insert( new Action( "notify.log", "escalation:" + $o.target(), Map.of( "message", $o.message() ), "" ) );
            end
            """;

    private static final String ROUTE = """
            - route:
                from:
                  uri: direct:samples
                  steps:
                    - to: governor:facts
            """;

    @TempDir
    Path dir;
    Path audit;
    Governor governor;
    ListAppender<ILoggingEvent> notifications;

    @BeforeEach
    void setUp() throws IOException {
        Files.writeString(Files.createDirectories(dir.resolve("rules")).resolve("it.drl"), RULES);
        Files.writeString(Files.createDirectories(dir.resolve("routes")).resolve("in.yaml"), ROUTE);
        audit = dir.resolve("audit/audit.jsonl");
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
        governor = Governor.start(new ConfigLoader().load(file));
        return governor;
    }

    private void send(String pool) {
        governor.routes().context().createProducerTemplate().sendBody("direct:samples",
                "{\"type\":\"PoolSample\",\"pool\":\"" + pool + "\",\"active\":10,\"idle\":0,\"waiting\":6,\"max\":10}");
    }

    @Test
    void aRuleThatKeepsFiringNotifiesOnceThenIsHeldBackByTheCooldownAndARuleSeesIt() throws Exception {
        start("");
        // As a rule that fires every second: each sample arrives after the last action has finished.
        send("orders");
        awaitAudit(l -> l.size() == 1);
        send("orders");
        awaitAudit(l -> l.size() >= 2);
        send("orders");
        List<JsonNode> lines = awaitAudit(l -> l.size() >= 5);
        List<JsonNode> notify = lines.stream().filter(l -> l.at("/action/target").asText().equals("orders")).toList();
        assertThat(notify).hasSize(3);
        assertThat(notify.get(0).get("status").asText()).isEqualTo("APPLIED");
        assertThat(notify.get(0).at("/verdict/kind").asText()).isEqualTo("ADMITTED");
        for (JsonNode held : notify.subList(1, 3)) {
            assertThat(held.get("status").asText()).isEqualTo("SKIPPED");
            assertThat(held.at("/verdict/kind").asText()).isEqualTo("SUPPRESSED");
            assertThat(held.at("/verdict/cause").asText()).isEqualTo("COOLDOWN");
            assertThat(held.get("message").asText()).startsWith("suppressed by cooldown until ")
                    .endsWith("cooldown 1m)");
        }
        // The SKIPPED outcomes went back into the session, where the escalation rule saw them.
        List<JsonNode> escalations = lines.stream().filter(l -> l.at("/action/target").asText().equals("escalation:orders")).toList();
        assertThat(escalations).extracting(l -> l.get("status").asText()).containsExactlyInAnyOrder("APPLIED", "SKIPPED");
        assertThat(notifications.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("[Notify when callers wait] orders: 6 callers wait",
                        "[Escalate a notification the envelope held back] escalation:orders: " + notify.get(1).get("message").asText());
        assertThat(dir.resolve("state/envelope.json")).as("beside governor.yaml by default").exists();
    }

    @Test
    void aRestartKeepsTheCooldownsAndTheSilences() throws Exception {
        start("envelope: { actions: { notify.log: { cooldown: 1h } } }\n");
        send("orders");
        awaitAudit(l -> l.size() == 1);
        governor.envelope().silence("*", "billing", Instant.now().plus(Duration.ofHours(1)), "pool migration", "dba");
        governor.close();
        governor = null;

        start("envelope: { actions: { notify.log: { cooldown: 1h } } }\n");
        send("orders");
        send("billing");
        List<JsonNode> lines = awaitAudit(l -> l.stream().filter(n -> n.at("/action/target").asText().matches("orders|billing")).count() >= 3);
        JsonNode again = lines.stream().filter(l -> l.at("/action/target").asText().equals("orders")).toList().get(1);
        assertThat(again.at("/verdict/cause").asText()).as("the cooldown of the first run").isEqualTo("COOLDOWN");
        JsonNode silenced = lines.stream().filter(l -> l.at("/action/target").asText().equals("billing")).findFirst().orElseThrow();
        assertThat(silenced.at("/verdict/kind").asText()).isEqualTo("SILENCED");
        assertThat(silenced.get("message").asText()).startsWith("silenced by dba until ").contains(": pool migration (silence s-");
        assertThat(notifications.list).extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(m -> m.startsWith("[Notify when callers wait]"))
                .as("one notification over both runs").hasSize(1);
    }

    @Test
    void envelopeRulesForATypeNoPluginHandlesStopStartUp() {
        assertThatThrownBy(() -> start("envelope: { actions: { pool.resiz: { enabled: true } } }\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("envelope.actions.pool.resiz: no plugin handles action type 'pool.resiz' (handled: ")
                .hasMessageEndingWith("); fix the name or add the plugin");
    }

    private List<JsonNode> awaitAudit(Predicate<List<JsonNode>> condition) throws Exception {
        return AuditFile.await(audit, Duration.ofSeconds(10), condition);
    }

    private List<JsonNode> readAudit() throws IOException {
        return AuditFile.read(audit);
    }
}
