package dev.governor.engine.simulate;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.governor.engine.json.FactCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@code governor test} prints a scenario: one line when it passes, and for a failure each check that did not
 * hold with the expected actions, those dispatched in its interval (time, rule, verdict) and those the envelope
 * held back.
 *
 * <pre>
 * FAIL  pool.yaml: grow a saturated pool
 *       rules/tests/pool.yaml:14: at 30s: expected 1 action, 0 dispatched in (0s, 30s]
 *         expected:
 *           pool.resize on 'orders' with params {"max":12}                  &lt;- not dispatched
 *         dispatched: none
 *         held back by the envelope:
 *           25s  pool.resize on 'orders' {"max":12}  rule "Grow a pool"  DENIED: ...
 * </pre>
 */
final class ScenarioReport {

    static final String PASS = "PASS  ";
    static final String FAIL = "FAIL  ";
    static final String ERROR = "ERROR ";
    private static final String INDENT = "      ";
    /** Held-back actions listed per check: a rule that fires every sample under a cooldown is held back every time. */
    static final int MAX_HELD_BACK = 8;

    private ScenarioReport() {
    }

    static List<String> malformed(ScenarioFile.Entry entry) {
        List<String> lines = new ArrayList<>();
        lines.add(ERROR + fileName(entry.file()) + ": " + entry.name());
        entry.problems().forEach(problem -> lines.add(INDENT + problem));
        return lines;
    }

    static List<String> result(ScenarioRunner.Result result) {
        Scenario scenario = result.scenario();
        List<String> lines = new ArrayList<>();
        lines.add((result.passed() ? PASS : FAIL) + fileName(scenario.file()) + ": " + scenario.name());
        result.errors().forEach(error -> lines.add(INDENT + error));
        for (ScenarioRunner.Failure failure : result.failures()) {
            failure(scenario, failure, lines);
        }
        return lines;
    }

    private static void failure(Scenario scenario, ScenarioRunner.Failure failure, List<String> lines) {
        Scenario.Check check = failure.check();
        String interval = (failure.from() == null ? "[0s, " : "(" + Scenario.format(failure.from()) + ", ")
                + Scenario.format(check.at()) + "]";
        lines.add(INDENT + scenario.file() + ":" + check.line() + ": at " + Scenario.format(check.at()) + ": expected "
                + count(check.actions().size(), "action") + ", " + failure.dispatched().size() + " dispatched in " + interval);
        String inner = INDENT + "  ";
        if (check.actions().isEmpty()) {
            lines.add(inner + "expected: none");
        } else {
            lines.add(inner + "expected:");
            for (Scenario.Expected expected : check.actions()) {
                boolean missing = failure.missing().stream().anyMatch(m -> m == expected);
                lines.add(inner + "  " + describe(expected) + (missing ? "    <- not dispatched" : ""));
            }
        }
        if (failure.dispatched().isEmpty()) {
            lines.add(inner + "dispatched: none");
        } else {
            lines.add(inner + "dispatched:");
            for (SimulatedAction action : failure.dispatched()) {
                boolean unexpected = failure.unexpected().stream().anyMatch(u -> u == action);
                lines.add(inner + "  " + describe(action) + (unexpected ? "    <- not expected" : ""));
            }
        }
        if (!failure.heldBack().isEmpty()) {
            lines.add(inner + "held back by the envelope (not dispatched):");
            List<SimulatedAction> held = failure.heldBack();
            for (int i = 0; i < held.size(); i++) {
                if (i == MAX_HELD_BACK - 1 && held.size() > MAX_HELD_BACK) {
                    lines.add(inner + "  ... " + (held.size() - MAX_HELD_BACK) + " more, then:");
                    i = held.size() - 1;
                }
                lines.add(inner + "  " + describe(held.get(i)));
            }
        }
    }

    /** {@code 25s  pool.resize on 'orders' {"max":12}  rule "Grow a pool"  ADMITTED}. */
    static String describe(SimulatedAction action) {
        return Scenario.format(action.at()) + "  " + SimulatedAction.describe(action.action()) + "  rule \"" + action.rule()
                + "\"  " + action.verdictText();
    }

    static String describe(Scenario.Expected expected) {
        StringBuilder out = new StringBuilder(expected.type() == null ? "any action" : expected.type());
        out.append(expected.target() == null ? " on any target" : " on '" + expected.target() + "'");
        if (expected.params() != null && !expected.params().isEmpty()) {
            try {
                out.append(" with params ").append(FactCodec.mapper().writeValueAsString(expected.params()));
            } catch (JsonProcessingException e) {
                out.append(" with params ").append(expected.params());
            }
        }
        if (expected.rule() != null) {
            out.append(" by rule \"").append(expected.rule()).append('"');
        }
        return out.toString();
    }

    static String summary(int passed, int failed, int malformed) {
        int total = passed + failed + malformed;
        return count(total, "scenario") + ": " + passed + " passed, " + failed + " failed"
                + (malformed > 0 ? ", " + malformed + " malformed" : "");
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String fileName(Path file) {
        return file.getFileName().toString();
    }
}
