package dev.governor.engine.simulate;

import dev.governor.api.Action;
import dev.governor.api.Fact;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.rules.CompiledRules;
import dev.governor.engine.rules.RuleCompilationException;
import dev.governor.engine.rules.RuleCompiler;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs scenarios against the rules of one folder: each in a {@link Simulation} of its own, each check comparing
 * the actions dispatched since the previous check with the expected ones. Rules are compiled once per set of
 * files and fact retention, and shared by the scenarios that load them.
 */
public final class ScenarioRunner {

    /** A check that did not hold: what was expected, and what happened in its interval. */
    public record Failure(Scenario.Check check, Duration from, List<Scenario.Expected> missing,
                          List<SimulatedAction> dispatched, List<SimulatedAction> unexpected, List<SimulatedAction> heldBack) {
    }

    /**
     * What became of a scenario.
     *
     * @param failures   the checks that did not hold
     * @param errors     problems that stopped it, or rules that failed while it ran, each a sentence
     * @param actions    every action decided, dispatched or not
     */
    public record Result(Scenario scenario, List<Failure> failures, List<String> errors, List<SimulatedAction> actions) {
        public boolean passed() {
            return failures.isEmpty() && errors.isEmpty();
        }
    }

    /** Scenarios share compiled rules when they load the same files with the same settings for them. */
    private record RulesKey(List<Path> files, Duration retention, GovernorConfig.Rules settings) {
    }

    private final Path rulesDir;
    private final ClassLoader pluginClassLoader;
    private final Map<RulesKey, Object> compiled = new HashMap<>();
    private Set<String> pluginTypes;

    /** @param rulesDir the folder the scenarios' {@code rules:} are relative to */
    public ScenarioRunner(Path rulesDir, ClassLoader pluginClassLoader) {
        this.rulesDir = rulesDir;
        this.pluginClassLoader = pluginClassLoader;
    }

    public Result run(Scenario scenario) {
        List<String> errors = new ArrayList<>();
        List<Path> files = ruleFiles(scenario, errors);
        if (!errors.isEmpty()) {
            return new Result(scenario, List.of(), errors, List.of());
        }
        CompiledRules rules = compile(files, scenario.config(), errors);
        if (rules == null) {
            return new Result(scenario, List.of(), errors, List.of());
        }
        if (pluginTypes == null) {
            pluginTypes = Simulation.pluginActionTypes(pluginClassLoader);
        }
        List<String> envelopeProblems = Simulation.envelopeProblems(scenario.config(), rules, pluginTypes);
        if (!envelopeProblems.isEmpty()) {
            envelopeProblems.forEach(p -> errors.add(scenario.file() + ":" + scenario.line() + ": config: " + p));
            return new Result(scenario, List.of(), errors, List.of());
        }

        List<SimulatedAction> actions = new ArrayList<>();
        List<Fact> facts = scenario.steps().stream().map(Scenario.Step::fact).toList();
        Simulation.Listener listener = new Simulation.Listener() {
            @Override
            public void onAction(SimulatedAction action) {
                actions.add(action);
            }

            @Override
            public void onRuleError(Instant at, String message) {
                errors.add("at " + Scenario.format(at) + ": " + message);
            }
        };
        List<Failure> failures = new ArrayList<>();
        try (Simulation simulation = new Simulation(scenario.config(), rules, Simulation.databasesIn(facts), Scenario.START,
                scenario.outcomes(), listener)) {
            int next = 0;
            List<Scenario.Step> steps = scenario.steps();
            Duration from = null;
            int seen = 0;
            for (Scenario.Check check : scenario.checks()) {
                while (next < steps.size() && steps.get(next).at().compareTo(check.at()) <= 0) {
                    Duration at = steps.get(next).at();
                    List<Fact> batch = new ArrayList<>();
                    while (next < steps.size() && steps.get(next).at().equals(at)) {
                        batch.add(steps.get(next++).fact());
                    }
                    simulation.insert(Scenario.at(at), batch);
                }
                simulation.runUntil(Scenario.at(check.at()));
                List<SimulatedAction> interval = actions.subList(seen, actions.size());
                Failure failure = check(check, from, List.copyOf(interval));
                if (failure != null) {
                    failures.add(failure);
                }
                seen = actions.size();
                from = check.at();
            }
        }
        return new Result(scenario, failures, errors, actions);
    }

    private List<Path> ruleFiles(Scenario scenario, List<String> errors) {
        if (scenario.rules() == null) {
            try {
                List<Path> all = RuleCompiler.ruleFiles(rulesDir);
                if (all.isEmpty()) {
                    errors.add(scenario.file() + ":" + scenario.line() + ": no *.drl files in " + rulesDir);
                }
                return all;
            } catch (RuleCompilationException e) {
                errors.add(scenario.file() + ":" + scenario.line() + ": " + rulesDir + ": no such folder of rules");
                return List.of();
            }
        }
        List<Path> files = new ArrayList<>();
        for (Scenario.RuleFile rule : scenario.rules()) {
            Path path = rulesDir.resolve(rule.name()).normalize();
            if (!Files.isRegularFile(path)) {
                errors.add(scenario.file() + ":" + rule.line() + ": rules: no such file " + path
                        + " (rule files are relative to the rules folder " + rulesDir + ")");
            } else {
                files.add(path);
            }
        }
        return files;
    }

    private CompiledRules compile(List<Path> files, GovernorConfig config, List<String> errors) {
        RulesKey key = new RulesKey(List.copyOf(files), config.engine().factRetention(), config.rules());
        Object result = compiled.computeIfAbsent(key, k -> {
            try {
                return Simulation.compiler(config).compile(files);
            } catch (RuleCompilationException e) {
                return e;
            }
        });
        if (result instanceof RuleCompilationException e) {
            e.problems().forEach(problem -> errors.add(problem.toString()));
            return null;
        }
        return (CompiledRules) result;
    }

    // ---- checks ----------------------------------------------------------------------------------------

    private static Failure check(Scenario.Check check, Duration from, List<SimulatedAction> interval) {
        List<SimulatedAction> dispatched = interval.stream().filter(SimulatedAction::dispatched).toList();
        List<SimulatedAction> heldBack = interval.stream().filter(a -> !a.dispatched()).toList();
        if (dispatched.size() == check.actions().size() && assign(check.actions(), dispatched, 0, new boolean[dispatched.size()])) {
            return null;
        }
        // Report the best partial match: expected actions no dispatched one matches, dispatched ones none expected.
        List<Scenario.Expected> missing = new ArrayList<>();
        Set<Integer> used = new LinkedHashSet<>();
        for (Scenario.Expected expected : check.actions()) {
            int found = -1;
            for (int i = 0; i < dispatched.size() && found < 0; i++) {
                if (!used.contains(i) && matches(expected, dispatched.get(i))) {
                    found = i;
                }
            }
            if (found < 0) {
                missing.add(expected);
            } else {
                used.add(found);
            }
        }
        List<SimulatedAction> unexpected = new ArrayList<>();
        for (int i = 0; i < dispatched.size(); i++) {
            if (!used.contains(i)) {
                unexpected.add(dispatched.get(i));
            }
        }
        return new Failure(check, from, missing, dispatched, unexpected, heldBack);
    }

    /** Matches each expected action to a distinct dispatched one, backtracking (the lists are short). */
    private static boolean assign(List<Scenario.Expected> expected, List<SimulatedAction> dispatched, int index, boolean[] taken) {
        if (index == expected.size()) {
            return true;
        }
        for (int i = 0; i < dispatched.size(); i++) {
            if (!taken[i] && matches(expected.get(index), dispatched.get(i))) {
                taken[i] = true;
                if (assign(expected, dispatched, index + 1, taken)) {
                    return true;
                }
                taken[i] = false;
            }
        }
        return false;
    }

    static boolean matches(Scenario.Expected expected, SimulatedAction simulated) {
        Action action = simulated.action();
        if (expected.type() != null && !expected.type().equals(action.type())) {
            return false;
        }
        if (expected.target() != null && !expected.target().equals(action.target())) {
            return false;
        }
        if (expected.rule() != null && !expected.rule().equals(simulated.rule())) {
            return false;
        }
        return expected.params() == null || subset(expected.params(), action.params());
    }

    /** Each expected key is in {@code actual} with an equal value; maps within compare the same way. */
    static boolean subset(Map<String, Object> expected, Map<String, Object> actual) {
        for (Map.Entry<String, Object> entry : expected.entrySet()) {
            if (!actual.containsKey(entry.getKey()) || !sameValue(entry.getValue(), actual.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static boolean sameValue(Object expected, Object actual) {
        if (expected instanceof Number e && actual instanceof Number a) {
            return decimal(e).compareTo(decimal(a)) == 0;
        }
        if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            return subset((Map<String, Object>) e, (Map<String, Object>) a);
        }
        if (expected instanceof List<?> e && actual instanceof List<?> a) {
            if (e.size() != a.size()) {
                return false;
            }
            for (int i = 0; i < e.size(); i++) {
                if (!sameValue(e.get(i), a.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (expected instanceof String e && !(actual instanceof String) && actual != null) {
            // {role: app} matches an enum or another value that prints as "app"
            return e.equals(actual.toString());
        }
        return Objects.equals(expected, actual);
    }

    private static BigDecimal decimal(Number number) {
        try {
            return number instanceof BigDecimal b ? b : new BigDecimal(number.toString());
        } catch (NumberFormatException e) {
            return BigDecimal.valueOf(number.doubleValue());
        }
    }
}
