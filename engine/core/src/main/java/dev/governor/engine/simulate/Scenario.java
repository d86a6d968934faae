package dev.governor.engine.simulate;

import dev.governor.api.ActionOutcome;
import dev.governor.api.Fact;
import dev.governor.engine.config.GovernorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One scenario of a {@code rules/tests/*.yaml} file, read and checked: facts at times since the start, and the
 * actions expected to be dispatched by given times.
 *
 * @param file     the file it came from
 * @param line     the line it starts on
 * @param name     its name, as printed in the report
 * @param rules    the rule files it loads, relative to the rules folder; null for every {@code *.drl} there
 * @param config   {@code governor.yaml} with the scenario's {@code config:} fragment
 * @param outcomes the outcome status of dispatched actions by type, when not {@code APPLIED}
 * @param steps    the facts, in time order (file order at equal times)
 * @param checks   the expectations, in time order
 */
public record Scenario(Path file, int line, String name, List<RuleFile> rules, GovernorConfig config,
                       Map<String, ActionOutcome.Status> outcomes, List<Step> steps, List<Check> checks) {

    /** Time 0s of every scenario. Facts are stamped from it; reports print times relative to it. */
    public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    public Scenario {
        rules = rules == null ? null : List.copyOf(rules);
        outcomes = Map.copyOf(outcomes);
        steps = List.copyOf(steps);
        checks = List.copyOf(checks);
    }

    /** A rule file named in {@code rules:}, and where. */
    public record RuleFile(String name, int line) {
    }

    /** A fact inserted at a time since the start. */
    public record Step(Duration at, Fact fact, int line) {
    }

    /** {@code {at: 30s, actions: [...]}}: exactly these actions are dispatched after the previous check, up to {@code at}. */
    public record Check(Duration at, List<Expected> actions, int line) {
        public Check {
            actions = List.copyOf(actions);
        }
    }

    /**
     * An expected action. Null fields match anything; {@code params} match when the action has each of them with
     * an equal value (numbers compare by value: {@code 12} matches {@code 12.0}), whatever else it has.
     */
    public record Expected(String type, String target, Map<String, Object> params, String rule, int line) {
    }

    /** The simulated time of an offset since the start. */
    public static Instant at(Duration sinceStart) {
        return START.plus(sinceStart);
    }

    /** {@code 0s}, {@code 1m30s}, {@code 2.5s}: an offset since the start as the report prints it. */
    public static String format(Duration sinceStart) {
        if (sinceStart.isNegative()) {
            return "-" + format(sinceStart.negated());
        }
        long millis = sinceStart.toMillis();
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        long seconds = millis / 1000 % 60;
        long rest = millis % 1000;
        StringBuilder out = new StringBuilder();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(minutes).append('m');
        }
        if (out.length() == 0 && seconds == 0 && rest > 0) {
            return rest + "ms";
        }
        if (seconds > 0 || rest > 0 || out.length() == 0) {
            out.append(seconds);
            if (rest > 0) {
                out.append('.').append(String.format("%03d", rest).replaceAll("0+$", ""));
            }
            out.append('s');
        }
        return out.toString();
    }

    /** An instant of a scenario as an offset since the start. */
    public static String format(Instant instant) {
        return format(Duration.between(START, instant));
    }
}
