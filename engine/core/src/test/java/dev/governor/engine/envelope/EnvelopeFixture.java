package dev.governor.engine.envelope;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.engine.config.ConfigLoader;
import dev.governor.engine.config.EnvelopeConfig;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.config.Mode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An envelope on a pseudo clock and a state file in a test's folder, configured from YAML as users write it. */
final class EnvelopeFixture {

    static final Instant START = Instant.parse("2026-12-01T06:00:00Z");

    final PseudoClock clock = new PseudoClock(START);
    final Path stateFile;
    EnvelopeConfig config;
    Envelope envelope;

    EnvelopeFixture(Path dir) {
        this.stateFile = dir.resolve("state/envelope.json");
    }

    /** {@code yaml} is the body of {@code envelope:}, indented by two spaces, or empty. */
    Envelope open(String yaml) {
        return open(yaml, Mode.ENFORCE, List.of("main"));
    }

    Envelope open(String yaml, Mode mode, List<String> databases) {
        GovernorConfig parsed = new ConfigLoader(name -> null).parse(yaml.isBlank() ? "" : "envelope:\n" + yaml, "governor.yaml");
        config = parsed.envelope().withState(stateFile);
        envelope = new Envelope(config, databases, mode, clock);
        return envelope;
    }

    /** A new envelope on the same state file, as after a restart. */
    Envelope restart() {
        envelope = new Envelope(config, List.of("main"), Mode.ENFORCE, clock);
        return envelope;
    }

    /** Admits, judges with these current values and finishes with APPLIED (or the verdict's own outcome). */
    Verdict act(String type, String target, Map<String, Object> params, Map<String, ? extends Number> current) {
        Envelope.Ticket ticket = envelope.admit(new Action(type, target, params, "test rule"));
        Verdict verdict = envelope.judge(ticket, current, null);
        envelope.finished(ticket, verdict.runs()
                ? ActionOutcome.applied(verdict.action(), "done", clock.instant())
                : verdict.outcome(ticket.action(), clock.instant()));
        return verdict;
    }

    Verdict act(String type, String target) {
        return act(type, target, Map.of(), Map.of());
    }

    /** Admits and judges, and leaves the action running. */
    Envelope.Ticket start(String type, String target, Map<String, Object> params) {
        Envelope.Ticket ticket = envelope.admit(new Action(type, target, params, "test rule"));
        envelope.judge(ticket, Map.of(), null);
        return ticket;
    }

    /** A pool.resize of {@code max} from {@code current}. */
    Verdict resize(String pool, int max, int current) {
        return act("pool.resize", pool, Map.of("max", max), Map.of("max", current));
    }
}
