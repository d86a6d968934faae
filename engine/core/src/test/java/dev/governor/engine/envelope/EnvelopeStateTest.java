package dev.governor.engine.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.engine.config.ConfigException;
import dev.governor.engine.config.Mode;
import dev.governor.engine.envelope.Verdict.Cause;
import dev.governor.engine.envelope.Verdict.Kind;
import dev.governor.engine.json.FactCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file: what survives a restart, a crash with actions in flight, and a corrupt file. */
class EnvelopeStateTest {

    @TempDir
    Path dir;

    @Test
    void aRestartKeepsCooldownsWindowsTheBreakerAndSilences() {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("""
                  breaker: { maxFailures: 1 }
                  actions:
                    notify.log: { cooldown: 1h }
                    pool.resize:
                      params: { max: { min: 2, max: 40, maxStepDown: 10 } }
                      cooldown: 0s
                      tolerance: 0
                """);
        assertThat(f.act("notify.log", "db-1").kind()).isEqualTo(Kind.ADMITTED);
        assertThat(f.resize("orders", 10, 12).cause()).isEqualTo(Cause.STABILIZATION);
        f.clock.advance(Duration.ofMinutes(3));
        assertThat(f.resize("orders", 10, 12).cause()).isEqualTo(Cause.STABILIZATION);
        Envelope.Ticket failing = f.start("echo.write", "x", Map.of());
        f.envelope.finished(failing, dev.governor.api.ActionOutcome.failed(failing.action(), "boom", f.clock.instant()));
        Silence silence = f.envelope.silence("*", "main/*", f.clock.instant().plus(Duration.ofHours(1)), "maintenance", "ops");
        f.envelope.close();

        f.clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        f.restart();
        assertThat(f.act("notify.log", "db-1").cause()).as("a cooldown of the last run").isEqualTo(Cause.COOLDOWN);
        assertThat(f.envelope.breakerOpen()).as("the breaker of the last run")
                .hasValueSatisfying(s -> assertThat(s).endsWith("1 failed action(s) in 10m, breaker.maxFailures 1"));
        assertThat(f.envelope.silences()).containsExactly(silence);
        assertThat(f.act("pg.vacuum", "main/public.t").kind()).isEqualTo(Kind.SILENCED);
        // The window of the last run: 12 has left it, the 10 recommended 2 minutes before the restart has not.
        // A fresh window would have held the decrease at the current 12 instead. The breaker (still open) holds
        // the action back, and its notification says what would have been done.
        Verdict decrease = f.resize("orders", 8, 12);
        assertThat(decrease.cause()).isEqualTo(Cause.BREAKER);
        assertThat(decrease.fallback().params().get("message").toString()).endsWith("would have run pool.resize on 'orders'"
                + " with {max=10}; clamped max from 8 to 10 (stabilization: the largest recommendation in the last 5m is 10)");
    }

    @Test
    void anActionInFlightWhenGovernorDiedIsTakenAsFinishedAtTheRestart() {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("""
                  actions:
                    echo.write: { cooldown: 10m }
                """);
        f.start("echo.write", "orders", Map.of());
        // No close(): the process died with the action running.
        f.clock.advance(Duration.ofMinutes(20));
        f.restart();
        f.clock.advance(Duration.ofMinutes(1));
        Verdict verdict = f.act("echo.write", "orders");
        assertThat(verdict.cause()).as("not in flight any more, but its cooldown starts again at the restart").isEqualTo(Cause.COOLDOWN);
        assertThat(verdict.message()).startsWith("suppressed by cooldown until 2026-12-01T06:30:00Z");
        f.clock.advance(Duration.ofMinutes(9));
        assertThat(f.act("echo.write", "orders").kind()).isEqualTo(Kind.ADMITTED);
    }

    @Test
    void aCorruptStateFileIsMovedAsideAndGovernorStartsNotifyOnlyForOneWindow() throws Exception {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        Files.createDirectories(f.stateFile.getParent());
        Files.writeString(f.stateFile, "{\"version\":1,\"cooldowns\":[{\"type\":\"pool.re");
        f.open("  breaker: { window: 10m }\n");

        Path aside = f.stateFile.resolveSibling("envelope.json.corrupt-20261201T060000Z");
        assertThat(aside).hasContent("{\"version\":1,\"cooldowns\":[{\"type\":\"pool.re");
        assertThat(f.envelope.breakerOpen()).hasValueSatisfying(s -> assertThat(s).isEqualTo("open until 2026-12-01T06:10:00Z: "
                + "the state file was unreadable and was moved to envelope.json.corrupt-20261201T060000Z; cooldowns were lost"));
        Verdict held = f.act("pg.vacuum", "main/public.orders");
        assertThat(held.cause()).isEqualTo(Cause.BREAKER);
        assertThat(held.fallback().params().get("message").toString()).contains("would have run pg.vacuum on 'main/public.orders'");
        assertThat(f.act("notify.log", "db-1").kind()).isEqualTo(Kind.ADMITTED);
        assertThat(FactCodec.mapper().readTree(f.stateFile.toFile()).at("/breaker/openUntil").asText())
                .as("a good file replaces it at once").isEqualTo("2026-12-01T06:10:00Z");

        f.clock.advance(Duration.ofMinutes(10));
        assertThat(f.act("pg.vacuum", "main/public.orders").kind()).isEqualTo(Kind.ADMITTED);
    }

    @Test
    void aStateFileFromANewerGovernorIsSetAsideToo() throws Exception {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        Files.createDirectories(f.stateFile.getParent());
        Files.writeString(f.stateFile, "{\"version\":2}");
        f.open("");
        assertThat(f.envelope.breakerOpen()).isPresent();
        assertThat(f.stateFile.resolveSibling("envelope.json.corrupt-20261201T060000Z")).exists();
    }

    @Test
    void expiredEntriesArePrunedFromTheFile() throws Exception {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("");
        f.act("notify.log", "db-1");
        f.act("pg.vacuum", "main/public.orders");
        JsonNode saved = FactCodec.mapper().readTree(f.stateFile.toFile());
        assertThat(saved.get("cooldowns")).hasSize(2);
        assertThat(saved.get("rates")).hasSize(2);

        f.clock.advance(Duration.ofMinutes(61));
        f.act("pager.page", "x");
        saved = FactCodec.mapper().readTree(f.stateFile.toFile());
        assertThat(saved.get("cooldowns")).singleElement().satisfies(c -> assertThat(c.get("type").asText()).isEqualTo("pager.page"));
        assertThat(saved.get("rates")).singleElement().satisfies(r -> assertThat(r.get("type").asText()).isEqualTo("pager.page"));
        assertThat(saved.get("inFlight")).isEmpty();
        try (var files = Files.list(f.stateFile.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("envelope.json", "envelope.json.lock");
        }
    }

    @Test
    void aStateFileThatCannotBeWrittenStopsStartUpNamingTheKey() throws Exception {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        Files.writeString(dir.resolve("state"), "a file where the folder should be");
        assertThatThrownBy(() -> f.open("", Mode.ENFORCE, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("envelope.state: ");
    }
}
