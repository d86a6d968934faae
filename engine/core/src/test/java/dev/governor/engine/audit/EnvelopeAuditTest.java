package dev.governor.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.engine.config.Mode;
import dev.governor.engine.envelope.Verdict;
import dev.governor.engine.envelope.Verdict.Cause;
import dev.governor.engine.envelope.Verdict.Kind;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.rules.Decision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every audit line says what the envelope decided, and what the rule asked for when it differs. */
class EnvelopeAuditTest {

    private static final Instant AT = Instant.parse("2026-12-01T06:00:00Z");

    @Test
    void eachLineCarriesTheVerdictBesideTheFieldsItHadBefore(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Action requested = new Action("pool.resize", "orders", Map.of("max", 60), "Grow a pool");
        Action clamped = new Action("pool.resize", "orders", Map.of("max", 44), "Grow a pool");
        Decision decision = new Decision(7, requested, "Grow a pool", List.of(), AT);
        Action notify = new Action("notify.log", "db-1", "Warn");
        Decision second = new Decision(8, notify, "Warn", List.of(), AT);
        try (AuditLog audit = new AuditLog(file, new FactCodec(Clock.systemUTC()))) {
            audit.record(decision, new Verdict(Kind.CLAMPED, null, "clamped max from 60 to 44 (maxStepUp 4 from 40)", clamped, null),
                    ActionOutcome.applied(clamped, "max 40 -> 44", AT), Mode.ENFORCE, Duration.ofMillis(3));
            String cooldown = "suppressed by cooldown until 2026-12-01T06:01:00Z (last notify.log action on 'db-1' at "
                    + "2026-12-01T06:00:00Z; cooldown 1m)";
            audit.record(second, new Verdict(Kind.SUPPRESSED, Cause.COOLDOWN, cooldown, notify, null),
                    ActionOutcome.skipped(notify, cooldown, AT), Mode.ENFORCE, Duration.ZERO);
        }
        List<JsonNode> lines = Files.readAllLines(file).stream().map(EnvelopeAuditTest::json).toList();

        JsonNode first = lines.get(0);
        assertThat(first.at("/verdict/kind").asText()).isEqualTo("CLAMPED");
        assertThat(first.at("/verdict/cause").isMissingNode()).isTrue();
        assertThat(first.at("/verdict/message").asText()).isEqualTo("clamped max from 60 to 44 (maxStepUp 4 from 40)");
        assertThat(first.at("/action/params/max").asInt()).as("as carried out").isEqualTo(44);
        assertThat(first.at("/requested/params/max").asInt()).as("as the rule asked").isEqualTo(60);
        assertThat(first.get("status").asText()).isEqualTo("APPLIED");
        assertThat(first.get("message").asText()).isEqualTo("max 40 -> 44");
        assertThat(first.get("id").asLong()).isEqualTo(7);
        assertThat(first.get("rule").asText()).isEqualTo("Grow a pool");
        assertThat(first.get("mode").asText()).isEqualTo("enforce");

        JsonNode suppressed = lines.get(1);
        assertThat(suppressed.at("/verdict/kind").asText()).isEqualTo("SUPPRESSED");
        assertThat(suppressed.at("/verdict/cause").asText()).isEqualTo("COOLDOWN");
        assertThat(suppressed.get("status").asText()).isEqualTo("SKIPPED");
        assertThat(suppressed.get("message").asText()).startsWith("suppressed by cooldown until 2026-12-01T06:01:00Z");
        assertThat(suppressed.has("requested")).as("only when it differs").isFalse();
    }

    private static JsonNode json(String line) {
        try {
            return FactCodec.mapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }
}
