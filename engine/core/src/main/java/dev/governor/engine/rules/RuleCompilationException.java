package dev.governor.engine.rules;

import java.util.List;
import java.util.stream.Collectors;

/** Rules that do not compile; {@link #problems()} has each with its file and line. */
public final class RuleCompilationException extends RuntimeException {

    private final List<RuleProblem> problems;

    public RuleCompilationException(List<RuleProblem> problems) {
        super(problems.stream().map(RuleProblem::toString).collect(Collectors.joining(System.lineSeparator())));
        this.problems = List.copyOf(problems);
    }

    public List<RuleProblem> problems() {
        return problems;
    }
}
