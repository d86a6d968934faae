package dev.governor.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.PoolSample;
import dev.governor.engine.config.Mode;
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

class AuditLogTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void writesOneFlushedLinePerActionWithRuleFactsAndOutcome(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("nested/audit.jsonl");
        PoolSample sample = new PoolSample("orders", 10, 0, 6, 10, AT);
        Action action = new Action("pool.resize", "orders", Map.of("max", 12), "Grow a pool");
        Decision decision = new Decision(7, action, "Grow a pool", List.of(sample, 3L), AT);
        try (AuditLog audit = new AuditLog(file, new FactCodec(Clock.systemUTC()))) {
            audit.record(decision, ActionOutcome.applied(action, "max 10 -> 12", AT.plusMillis(40)), Mode.ENFORCE, Duration.ofMillis(40));
            // Flushed per line: readable while the log is still open.
            List<String> lines = Files.readAllLines(file);
            assertThat(lines).hasSize(1);
            JsonNode line = FactCodec.mapper().readTree(lines.get(0));
            assertThat(line.get("time").asText()).isEqualTo("2026-01-01T00:00:00.040Z");
            assertThat(line.get("id").asLong()).isEqualTo(7);
            assertThat(line.get("rule").asText()).isEqualTo("Grow a pool");
            assertThat(line.get("mode").asText()).isEqualTo("enforce");
            assertThat(line.at("/action/type").asText()).isEqualTo("pool.resize");
            assertThat(line.at("/action/params/max").asInt()).isEqualTo(12);
            assertThat(line.at("/facts/0/type").asText()).isEqualTo("PoolSample");
            assertThat(line.at("/facts/0/waiting").asInt()).isEqualTo(6);
            assertThat(line.at("/facts/1/type").asText()).isEqualTo("Long");
            assertThat(line.at("/facts/1/value").asLong()).isEqualTo(3);
            assertThat(line.get("status").asText()).isEqualTo("APPLIED");
            assertThat(line.get("message").asText()).isEqualTo("max 10 -> 12");
            assertThat(line.get("durationMs").asLong()).isEqualTo(40);
        }
        try (AuditLog again = new AuditLog(file, new FactCodec(Clock.systemUTC()))) {
            again.record(decision, ActionOutcome.dryRun(action, "dry-run", AT), Mode.DRY_RUN, Duration.ZERO);
        }
        assertThat(Files.readAllLines(file)).as("appends, never truncates").hasSize(2);
    }

    @Test
    void keepsTheLatestLinesInMemoryMaskedAndReadsThemBackAtStart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.jsonl");
        PoolSample sample = new PoolSample("orders", 10, 0, 6, 10, AT);
        try (AuditLog audit = new AuditLog(file, new FactCodec(Clock.systemUTC()))) {
            for (int i = 1; i <= 3; i++) {
                Action action = new Action("notify.log", "pool-" + i, Map.of("message", "m", "password", "hunter2"), "r");
                audit.record(new Decision(i, action, "Rule " + i, List.of(sample), AT),
                        ActionOutcome.applied(action, "ok", AT.plusSeconds(i)), Mode.ENFORCE, Duration.ZERO);
            }
            List<AuditLog.Entry> recent = audit.recent(entry -> true, 10);
            assertThat(recent).extracting(AuditLog.Entry::target).containsExactly("pool-3", "pool-2", "pool-1");
            assertThat(recent).extracting(AuditLog.Entry::seq).containsExactly(3L, 2L, 1L);
            assertThat(recent.get(0).json()).contains("\"password\":\"***\"").doesNotContain("hunter2");
            assertThat(audit.recent(entry -> entry.rule().equals("Rule 2"), 10)).hasSize(1);
        }
        assertThat(Files.readString(file)).doesNotContain("hunter2");
        Files.writeString(file, "not an audit line\n", java.nio.file.StandardOpenOption.APPEND);
        try (AuditLog again = new AuditLog(file, new FactCodec(Clock.systemUTC()))) {
            List<AuditLog.Entry> recent = again.recent(entry -> true, 10);
            assertThat(recent).extracting(AuditLog.Entry::target).containsExactly("pool-3", "pool-2", "pool-1");
            assertThat(recent.get(0).status()).isEqualTo("APPLIED");
            assertThat(recent.get(0).time()).isEqualTo(AT.plusSeconds(3));
            assertThat(again.kept()).isEqualTo(3);
        }
    }
}
