package dev.governor.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.Action;
import dev.governor.engine.config.ConfigLoader;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.config.Mode;
import dev.governor.engine.envelope.Envelope;
import dev.governor.engine.envelope.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code governor silence add|list|remove}, and a running envelope seeing what it changed. */
class EnvelopeSilenceCommandTest {

    private static final Pattern ID = Pattern.compile("^(s-[0-9a-f]{8}): ");

    @TempDir
    Path dir;

    private String config() throws Exception {
        return Files.writeString(dir.resolve("governor.yaml"), """
                envelope:
                  state: var/envelope.json
                  silences:
                    - { type: "cpu.*", until: 2099-01-01T00:00:00Z, reason: "not on this host", by: ops }
                """).toString();
    }

    @Test
    void addListAndRemoveASilence() throws Exception {
        String config = config();
        CliRun added = CliRun.of("silence", "add", "--config", config, "--type", "pg.*", "--target", "main/*",
                "--for", "2h", "--reason", "db maintenance", "--by", "ops-oncall");
        assertThat(added.exitCode()).as(added.err()).isZero();
        Matcher id = ID.matcher(added.out());
        assertThat(id.find()).as(added.out()).isTrue();
        assertThat(added.out()).contains("silenced type pg.*, target main/*, until ").endsWith(", by ops-oncall: db maintenance\n");
        assertThat(dir.resolve("var/envelope.json")).as("relative to the configuration file").exists();

        CliRun listed = CliRun.of("silence", "list", "--config", config);
        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out().lines().toList()).hasSize(3)
                .satisfies(lines -> assertThat(lines.get(0)).startsWith("ID "))
                .satisfies(lines -> assertThat(lines.get(1)).startsWith("config-1").contains("cpu.*").contains("not on this host"))
                .satisfies(lines -> assertThat(lines.get(2)).startsWith(id.group(1)).contains("main/*").contains("ops-oncall"));

        CliRun removed = CliRun.of("silence", "remove", "--config", config, id.group(1));
        assertThat(removed.exitCode()).isZero();
        assertThat(removed.out()).isEqualTo("removed " + id.group(1) + "\n");
        assertThat(CliRun.of("silence", "list", "--config", config).out()).doesNotContain(id.group(1));

        CliRun again = CliRun.of("silence", "remove", "--config", config, id.group(1));
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("no silence " + id.group(1));
        assertThat(CliRun.of("silence", "remove", "--config", config, "config-1").err()).contains("remove it there");
    }

    @Test
    void mistakesAreUsageErrorsWithTheFix() throws Exception {
        String config = config();
        CliRun noScope = CliRun.of("silence", "add", "--config", config, "--for", "1h", "--reason", "x");
        assertThat(noScope.exitCode()).isEqualTo(2);
        assertThat(noScope.err()).contains("Give --type, --target or both");
        assertThat(CliRun.of("silence", "add", "--config", config, "--type", "x.y", "--reason", "x").exitCode())
                .as("no end").isEqualTo(2);
        assertThat(CliRun.of("silence", "add", "--config", config, "--type", "x.y", "--for", "1h").exitCode())
                .as("no reason").isEqualTo(2);
        assertThat(CliRun.of("silence", "add", "--config", config, "--type", "x.y", "--for", "1h", "--until",
                "2099-01-01T00:00:00Z", "--reason", "x").exitCode()).as("both ends").isEqualTo(2);
        CliRun past = CliRun.of("silence", "add", "--config", config, "--type", "x.y", "--until", "2001-01-01T00:00:00Z", "--reason", "x");
        assertThat(past.exitCode()).isEqualTo(1);
        assertThat(past.err()).contains("must end in the future");
        assertThat(CliRun.of("silence").exitCode()).isEqualTo(2);
    }

    @Test
    void aRunningEnvelopeSeesASilenceAddedBesideItAndKeepsItWhenItSavesItsOwnState() throws Exception {
        String config = config();
        GovernorConfig loaded = new ConfigLoader().load(Path.of(config));
        Envelope envelope = new Envelope(loaded.envelope(), List.of("main"), Mode.ENFORCE, Clock.systemUTC());
        assertThat(judge(envelope, "echo.write", "orders").kind()).isEqualTo(Verdict.Kind.ADMITTED);

        CliRun added = CliRun.of("silence", "add", "--config", config, "--target", "orders", "--until", "2099-01-01T00:00:00Z",
                "--reason", "migration", "--by", "dba");
        assertThat(added.exitCode()).as(added.err()).isZero();
        Verdict silenced = judge(envelope, "other.write", "orders");
        assertThat(silenced.kind()).isEqualTo(Verdict.Kind.SILENCED);
        assertThat(silenced.message()).startsWith("silenced by dba until 2099-01-01T00:00:00Z: migration");

        assertThat(judge(envelope, "echo.write", "billing").kind()).as("the envelope saved its state").isEqualTo(Verdict.Kind.ADMITTED);
        assertThat(CliRun.of("silence", "list", "--config", config).out()).contains("migration");
        envelope.close();
        Envelope restarted = new Envelope(loaded.envelope(), List.of("main"), Mode.ENFORCE, Clock.systemUTC());
        assertThat(judge(restarted, "third.write", "orders").kind()).isEqualTo(Verdict.Kind.SILENCED);
        assertThat(restarted.silences()).hasSize(2);
        assertThat(Instant.now().plus(Duration.ofDays(1))).isBefore(restarted.silences().get(1).until());
    }

    private static Verdict judge(Envelope envelope, String type, String target) {
        Envelope.Ticket ticket = envelope.admit(new Action(type, target, "rule"));
        Verdict verdict = envelope.judge(ticket, Map.of(), null);
        envelope.finished(ticket, verdict.runs() ? dev.governor.api.ActionOutcome.applied(ticket.action(), "ok", Instant.now())
                : verdict.outcome(ticket.action(), Instant.now()));
        return verdict;
    }
}
