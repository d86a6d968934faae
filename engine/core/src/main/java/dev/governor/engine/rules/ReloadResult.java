package dev.governor.engine.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How the last compile of the rules folder went: at start-up, or on a reload. A point-in-time record,
 * for the log and the HTTP API.
 *
 * @param at          when the compile started
 * @param ok          true when these rules are the ones running; false when they did not compile (or failed on
 *                    the facts carried over) and the previous rules keep running
 * @param problems    on failure, the errors, each with its file and line; on success, the warnings (compiler
 *                    warnings, action types no plugin handles, facts that could not be carried over)
 * @param rules       how many rules are running now (after a failure: the previous rules)
 * @param files       how many rule files they come from
 * @param compileTime how long compiling took
 * @param carried     how many facts were carried over into the new session (0 at start-up and on failure)
 * @param decisions   actions decided at the switch: matches that are new with these rules
 * @param repeats     actions left out at the switch because the same rule had already acted on the same facts
 */
public record ReloadResult(Instant at, boolean ok, List<RuleProblem> problems, int rules, int files,
                           Duration compileTime, int carried, int decisions, int repeats) {

    public ReloadResult {
        problems = List.copyOf(problems);
    }

    /** The errors only. */
    public List<RuleProblem> errors() {
        return problems.stream().filter(RuleProblem::error).toList();
    }
}
