package dev.governor.engine.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.api.ActionOutcome;
import dev.governor.api.Fact;
import dev.governor.api.FactTypes;
import dev.governor.engine.config.ConfigException;
import dev.governor.engine.config.ConfigLoader;
import dev.governor.engine.config.Durations;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.json.InvalidFactException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a scenario file: one scenario (a mapping), several (a sequence of mappings, or documents separated by
 * {@code ---}). Strict, like {@code governor.yaml}: an unknown key, an unknown fact type or field, a time that is
 * not a duration are each reported as {@code file:line: problem}, and the scenario is not run.
 *
 * <pre>
 * name: grow a saturated pool
 * rules: [pool.drl]                     # relative to the rules folder; left out: every *.drl there
 * config: { envelope: { ... } }         # a governor.yaml fragment
 * outcomes: { pool.resize: FAILED }     # the outcome of dispatched actions by type; APPLIED when not given
 * input:
 *   - { at: 0s, fact: PoolSample, with: { pool: orders, active: 10, max: 10, waiting: 4 } }
 *   - { every: 5s, from: 5s, to: 60s, fact: PoolSample, with: { ... } }
 * expect:
 *   - { at: 30s, actions: [ { type: pool.resize, target: orders, params: { max: 12 } } ] }
 *   - { at: 60s, actions: [] }
 * </pre>
 */
public final class ScenarioFile {

    /** Steps one {@code every:} entry may expand to, so a slip such as {@code every: 1ms} over a day is caught. */
    static final int MAX_STEPS_PER_ENTRY = 100_000;

    private static final Set<String> SCENARIO_KEYS = orderedSet("name", "rules", "config", "outcomes", "input", "expect");
    private static final Set<String> STEP_KEYS = orderedSet("at", "every", "from", "to", "fact", "with");
    private static final Set<String> CHECK_KEYS = orderedSet("at", "actions");
    private static final Set<String> EXPECTED_KEYS = orderedSet("type", "target", "params", "rule");
    private static final Pattern FACT_FIELD = Pattern.compile("^\\w+\\.(\\w+):");
    private static final Pattern TIME_PART = Pattern.compile("\\d+(ms|s|m|h|d)");
    private static final Pattern CONFIG_PATH = Pattern.compile("'([^']+)'");

    /**
     * One scenario as read: either {@code scenario} or {@code problems}, each {@code file:line: problem}.
     *
     * @param name the scenario's name, or where it is when it has none
     */
    public record Entry(Path file, int line, String name, Scenario scenario, List<String> problems) {
        public Entry {
            problems = List.copyOf(problems);
        }

        public boolean malformed() {
            return scenario == null;
        }
    }

    private final Path file;
    private final FactCodec codec = new FactCodec(Clock.systemUTC());
    private final ConfigLoader configLoader;
    private LocatedYaml yaml;
    private List<Problem> problems;

    private ScenarioFile(Path file, ConfigLoader configLoader) {
        this.file = file;
        this.configLoader = configLoader;
    }

    /** Reads every scenario in {@code file}. A file that is not valid YAML is one malformed entry. */
    public static List<Entry> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of(new Entry(file, 0, "(unreadable)", null, List.of(file + ": cannot read: " + e.getMessage())));
        }
        return parse(file, text, new ConfigLoader());
    }

    /** Reads every scenario in {@code text}; {@code file} is named in problems. */
    static List<Entry> parse(Path file, String text, ConfigLoader configLoader) {
        return new ScenarioFile(file, configLoader).parse(text);
    }

    private List<Entry> parse(String text) {
        try {
            yaml = LocatedYaml.read(text);
        } catch (LocatedYaml.SyntaxException e) {
            return List.of(new Entry(file, e.line, "(not valid YAML)", null, List.of(file + ":" + e.line + ": " + e.getMessage())));
        }
        List<Entry> entries = new ArrayList<>();
        for (LocatedYaml.Document document : yaml.documents()) {
            JsonNode root = document.root();
            if (root.isNull()) {
                continue;
            }
            if (root.isArray()) {
                for (int i = 0; i < root.size(); i++) {
                    entries.add(scenario(root.get(i), yaml.line(root, i)));
                }
            } else {
                entries.add(scenario(root, document.line()));
            }
        }
        if (entries.isEmpty()) {
            entries.add(new Entry(file, 1, "(empty)", null, List.of(file + ":1: no scenario: expected name, input and expect")));
        }
        return entries;
    }

    private Entry scenario(JsonNode node, int line) {
        problems = new ArrayList<>();
        if (!node.isObject()) {
            problem(line, "expected a scenario (a mapping with name, input and expect), got " + describe(node));
            return new Entry(file, line, "(line " + line + ")", null, sortedProblems());
        }
        checkKeys(node, SCENARIO_KEYS, "a scenario");
        String name = node.has("name") ? text(node, "name") : null;
        if (name == null || name.isBlank()) {
            name = "(scenario on line " + line + ")";
        }
        List<Scenario.RuleFile> rules = rules(node);
        GovernorConfig config = config(node);
        Map<String, ActionOutcome.Status> outcomes = outcomes(node);
        List<Scenario.Step> steps = steps(node);
        List<Scenario.Check> checks = checks(node);
        if (!problems.isEmpty()) {
            return new Entry(file, line, name, null, sortedProblems());
        }
        Scenario scenario = new Scenario(file, line, name, rules, config, outcomes, steps, checks);
        return new Entry(file, line, name, scenario, List.of());
    }

    // ---- rules, config, outcomes -----------------------------------------------------------------------

    private List<Scenario.RuleFile> rules(JsonNode scenario) {
        JsonNode rules = scenario.get("rules");
        if (rules == null || rules.isNull()) {
            return null;
        }
        List<Scenario.RuleFile> files = new ArrayList<>();
        if (rules.isTextual()) {
            files.add(new Scenario.RuleFile(rules.asText(), yaml.line(scenario, "rules")));
            return files;
        }
        if (!rules.isArray()) {
            problem(yaml.line(scenario, "rules"), "rules: expected a list of rule files such as [pool.drl], got " + describe(rules));
            return null;
        }
        for (int i = 0; i < rules.size(); i++) {
            JsonNode item = rules.get(i);
            int line = yaml.line(rules, i);
            if (!item.isTextual() || item.asText().isBlank()) {
                problem(line, "rules: expected a rule file name such as pool.drl, got " + describe(item));
            } else if (!item.asText().endsWith(".drl")) {
                problem(line, "rules: '" + item.asText() + "' is not a .drl file");
            } else {
                files.add(new Scenario.RuleFile(item.asText(), line));
            }
        }
        return files;
    }

    private GovernorConfig config(JsonNode scenario) {
        JsonNode config = scenario.get("config");
        if (config == null || config.isNull()) {
            return GovernorConfig.defaults();
        }
        int line = yaml.line(scenario, "config");
        if (!config.isObject()) {
            problem(line, "config: expected a governor.yaml fragment (a mapping), got " + describe(config));
            return GovernorConfig.defaults();
        }
        String prefix = "config";
        try {
            return configLoader.parse(config.toString(), prefix);
        } catch (ConfigException e) {
            String message = e.getMessage();
            // The loader names the key's path ('envelope.actions.pool.resize.cooldown'): point at its line.
            Matcher path = CONFIG_PATH.matcher(message);
            int where = path.find() ? lineOfPath(config, path.group(1)) : 0;
            problem(where > 0 ? where : line, message);
            return GovernorConfig.defaults();
        }
    }

    /** The line of a dotted path in a mapping, where keys may contain dots themselves ({@code pool.resize}). */
    private int lineOfPath(JsonNode node, String path) {
        String[] parts = path.replaceAll("\\[(\\d+)]", ".$1").split("\\.");
        return lineOfPath(node, parts, 0);
    }

    private int lineOfPath(JsonNode node, String[] parts, int from) {
        if (from >= parts.length) {
            return 0;
        }
        for (int to = parts.length; to > from; to--) {
            String key = String.join(".", java.util.Arrays.copyOfRange(parts, from, to));
            JsonNode child = null;
            int line = 0;
            if (node.isObject() && node.has(key)) {
                child = node.get(key);
                line = yaml.line(node, key);
            } else if (node.isArray() && to == from + 1 && key.matches("\\d+") && Integer.parseInt(key) < node.size()) {
                child = node.get(Integer.parseInt(key));
                line = yaml.line(node, Integer.parseInt(key));
            }
            if (child != null) {
                int deeper = lineOfPath(child, parts, to);
                return deeper > 0 ? deeper : line;
            }
        }
        return 0;
    }

    private Map<String, ActionOutcome.Status> outcomes(JsonNode scenario) {
        JsonNode outcomes = scenario.get("outcomes");
        Map<String, ActionOutcome.Status> byType = new LinkedHashMap<>();
        if (outcomes == null || outcomes.isNull()) {
            return byType;
        }
        if (!outcomes.isObject()) {
            problem(yaml.line(scenario, "outcomes"), "outcomes: expected a mapping of action type to APPLIED, SKIPPED "
                    + "or FAILED, such as { pool.resize: FAILED }, got " + describe(outcomes));
            return byType;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = outcomes.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String value = entry.getValue().isTextual() ? entry.getValue().asText().toUpperCase(Locale.ROOT) : "";
            if (!Set.of("APPLIED", "SKIPPED", "FAILED").contains(value)) {
                problem(yaml.line(outcomes, entry.getKey()), "outcomes." + entry.getKey() + ": expected APPLIED, SKIPPED or FAILED, got "
                        + describe(entry.getValue()));
            } else {
                byType.put(entry.getKey(), ActionOutcome.Status.valueOf(value));
            }
        }
        return byType;
    }

    // ---- input -----------------------------------------------------------------------------------------

    private List<Scenario.Step> steps(JsonNode scenario) {
        JsonNode input = scenario.get("input");
        List<Scenario.Step> steps = new ArrayList<>();
        if (input == null || input.isNull()) {
            problem(yaml.line(scenario), "input: missing; expected a list of steps such as {at: 0s, fact: PoolSample, with: {...}}");
            return steps;
        }
        if (!input.isArray()) {
            problem(yaml.line(scenario, "input"), "input: expected a list of steps such as {at: 0s, fact: PoolSample, with: {...}}, got "
                    + describe(input));
            return steps;
        }
        for (int i = 0; i < input.size(); i++) {
            step(input.get(i), yaml.line(input, i), steps);
        }
        steps.sort(Comparator.comparing(Scenario.Step::at));
        return steps;
    }

    private void step(JsonNode step, int line, List<Scenario.Step> steps) {
        if (!step.isObject()) {
            problem(line, "input: expected a step such as {at: 0s, fact: PoolSample, with: {...}}, got " + describe(step));
            return;
        }
        int before = problems.size();
        checkKeys(step, STEP_KEYS, "an input step");
        List<Duration> times = new ArrayList<>();
        boolean at = step.has("at");
        boolean every = step.has("every");
        if (at && every) {
            problem(yaml.line(step, "every"), "input: a step has either at: or every:, not both");
        } else if (at) {
            if (step.has("from") || step.has("to")) {
                problem(yaml.line(step, step.has("from") ? "from" : "to"), "input: from: and to: go with every:, not with at:");
            }
            Duration time = time(step, "at");
            if (time != null) {
                times.add(time);
            }
        } else if (every) {
            Duration period = time(step, "every");
            Duration from = step.has("from") ? time(step, "from") : Duration.ZERO;
            Duration to = step.has("to") ? time(step, "to") : null;
            if (!step.has("to")) {
                problem(yaml.line(step), "input: every: needs to: (the time of the last step), e.g. {every: 5s, from: 0s, to: 60s, ...}");
            }
            if (period != null && period.isZero()) {
                problem(yaml.line(step, "every"), "every: must be longer than 0s");
            } else if (period != null && from != null && to != null) {
                if (to.compareTo(from) < 0) {
                    problem(yaml.line(step, "to"), "to: " + Scenario.format(to) + " is before from: " + Scenario.format(from));
                } else if (to.minus(from).dividedBy(period) >= MAX_STEPS_PER_ENTRY) {
                    problem(yaml.line(step, "every"), "every: " + Scenario.format(period) + " from " + Scenario.format(from) + " to "
                            + Scenario.format(to) + " makes more than " + MAX_STEPS_PER_ENTRY + " steps");
                } else {
                    for (Duration t = from; t.compareTo(to) <= 0; t = t.plus(period)) {
                        times.add(t);
                    }
                }
            }
        } else {
            problem(line, "input: a step needs at: (e.g. at: 30s) or every: with to: (e.g. every: 5s, to: 60s)");
        }
        if (!step.has("fact")) {
            problem(line, "input: a step needs fact: (a fact type such as PoolSample)");
            return;
        }
        JsonNode factNode = step.get("fact");
        String type = factNode.isTextual() ? factNode.asText() : "";
        if (FactTypes.byName(type).isEmpty()) {
            problem(yaml.line(step, "fact"), "unknown fact type " + (factNode.isTextual() ? "'" + type + "'" : describe(factNode))
                    + ": expected one of " + FactTypes.all().stream().map(FactTypes::nameOf).collect(Collectors.joining(", ")));
            return;
        }
        JsonNode with = step.get("with");
        if (with != null && !with.isNull() && !with.isObject()) {
            problem(yaml.line(step, "with"), "with: expected the fact's fields (a mapping), got " + describe(with));
            return;
        }
        ObjectNode fields = with == null || with.isNull() ? JsonNodeFactory.instance.objectNode() : (ObjectNode) with;
        for (String reserved : List.of("type", "at")) {
            if (fields.has(reserved)) {
                problem(yaml.line(fields, reserved), type + "." + reserved + ": not a field to give in with: "
                        + (reserved.equals("at") ? "the step's at: (or every:) is the fact's time" : "fact: is the fact's type"));
            }
        }
        if (problems.size() > before) {
            // Still check the fields, so one run of governor test reports every problem of the step.
            fact(type, fields, Duration.ZERO, step);
            return;
        }
        for (Duration time : times) {
            Fact fact = fact(type, fields, time, step);
            if (fact == null) {
                return;
            }
            steps.add(new Scenario.Step(time, fact, line));
        }
    }

    private Fact fact(String type, ObjectNode with, Duration time, JsonNode step) {
        Instant instant = Scenario.at(time);
        ObjectNode fields = with.deepCopy();
        fields.remove(List.of("type", "at"));
        FactDefaults.complete(type, fields, instant);
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", type);
        node.setAll(fields);
        node.put("at", instant.toString());
        try {
            return codec.readOne(node);
        } catch (InvalidFactException e) {
            for (String problem : e.problems()) {
                Matcher field = FACT_FIELD.matcher(problem);
                int line = field.find() && with.has(field.group(1)) ? yaml.line(with, field.group(1))
                        : step.has("with") ? yaml.line(step, "with") : yaml.line(step, "fact");
                problem(line, problem);
            }
            return null;
        }
    }

    // ---- expect ----------------------------------------------------------------------------------------

    private List<Scenario.Check> checks(JsonNode scenario) {
        JsonNode expect = scenario.get("expect");
        List<Scenario.Check> checks = new ArrayList<>();
        if (expect == null || expect.isNull()) {
            problem(yaml.line(scenario), "expect: missing; expected a list of checks such as {at: 30s, actions: []}");
            return checks;
        }
        if (!expect.isArray() || expect.isEmpty()) {
            problem(yaml.line(scenario, "expect"), "expect: expected a list of checks such as {at: 30s, actions: []}, got "
                    + describe(expect));
            return checks;
        }
        Duration previous = null;
        for (int i = 0; i < expect.size(); i++) {
            JsonNode check = expect.get(i);
            int line = yaml.line(expect, i);
            if (!check.isObject()) {
                problem(line, "expect: expected a check such as {at: 30s, actions: []}, got " + describe(check));
                continue;
            }
            checkKeys(check, CHECK_KEYS, "a check");
            Duration at = check.has("at") ? time(check, "at") : null;
            if (!check.has("at")) {
                problem(line, "expect: a check needs at: (the time it checks, e.g. at: 30s)");
            } else if (at != null && previous != null && at.compareTo(previous) <= 0) {
                problem(yaml.line(check, "at"), "expect: at: " + Scenario.format(at) + " is not after the previous check's "
                        + Scenario.format(previous) + ": each check covers the time since the previous one, so times must increase");
            }
            if (at != null) {
                previous = at;
            }
            List<Scenario.Expected> actions = expectedActions(check, line);
            if (at != null && actions != null) {
                checks.add(new Scenario.Check(at, actions, line));
            }
        }
        return checks;
    }

    private List<Scenario.Expected> expectedActions(JsonNode check, int line) {
        JsonNode actions = check.get("actions");
        if (actions == null || actions.isNull()) {
            problem(line, "expect: a check needs actions: (a list of {type, target, params}, or [] for none)");
            return null;
        }
        if (!actions.isArray()) {
            problem(yaml.line(check, "actions"), "actions: expected a list of {type, target, params}, or [] for none, got "
                    + describe(actions));
            return null;
        }
        List<Scenario.Expected> expected = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            JsonNode action = actions.get(i);
            int actionLine = yaml.line(actions, i);
            if (!action.isObject()) {
                problem(actionLine, "actions: expected an action such as {type: pool.resize, target: orders}, got " + describe(action));
                continue;
            }
            checkKeys(action, EXPECTED_KEYS, "an expected action");
            String type = action.has("type") ? text(action, "type") : null;
            if (!action.has("type")) {
                problem(actionLine, "actions: an expected action needs type: (e.g. type: pool.resize)");
            }
            String target = action.has("target") ? text(action, "target") : null;
            String rule = action.has("rule") ? text(action, "rule") : null;
            Map<String, Object> params = null;
            JsonNode paramsNode = action.get("params");
            if (paramsNode != null && !paramsNode.isNull()) {
                if (!paramsNode.isObject()) {
                    problem(yaml.line(action, "params"), "params: expected a mapping such as {max: 12}, got " + describe(paramsNode));
                } else {
                    params = FactCodec.mapper().convertValue(paramsNode, ParamsType.MAP);
                }
            }
            expected.add(new Scenario.Expected(type, target, params, rule, actionLine));
        }
        return expected;
    }

    private static final class ParamsType {
        static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP = new com.fasterxml.jackson.core.type.TypeReference<>() {
        };
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    /** A time since the start: {@code 0s}, {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}. */
    private Duration time(JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value.isIntegralNumber() && value.asLong() == 0) {
            return Duration.ZERO;
        }
        Duration time = value.isTextual() ? parseTime(value.asText()) : null;
        if (time == null) {
            problem(yaml.line(node, key), key + ": expected a time such as 0s, 500ms, 30s, 2m, 1m30s or 1h, got " + describe(value));
        }
        return time;
    }

    /** {@code 30s}, {@code 2m}, {@code 1m30s}, {@code PT90S}: what {@link Durations} reads, and units in a row; null otherwise. */
    static Duration parseTime(String text) {
        String trimmed = text.trim();
        Matcher parts = TIME_PART.matcher(trimmed);
        Duration total = Duration.ZERO;
        int end = 0;
        while (parts.find() && parts.start() == end) {
            total = total.plus(Durations.parse(parts.group()));
            end = parts.end();
        }
        if (end > 0 && end == trimmed.length()) {
            return total;
        }
        try {
            return Durations.parse(trimmed);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private String text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isValueNode() && !value.isNull()) {
            return value.asText();
        }
        problem(yaml.line(node, key), key + ": expected a text value, got " + describe(value));
        return null;
    }

    private void checkKeys(JsonNode node, Set<String> known, String what) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                problem(yaml.line(node, name), "unknown key '" + name + "' in " + what + "; expected one of: " + String.join(", ", known));
            }
        }
    }

    private void problem(int line, String message) {
        problems.add(new Problem(line, file + ":" + line + ": " + message));
    }

    /** A problem and its line: a scenario's problems are reported in line order, whatever order they were found in. */
    private record Problem(int line, String text) {
    }

    private List<String> sortedProblems() {
        return problems.stream().sorted(Comparator.comparingInt(Problem::line)).map(Problem::text).toList();
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isNull()) {
            return "nothing";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        String text = node.isTextual() ? "'" + node.asText() + "'" : node.asText();
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private static Set<String> orderedSet(String... names) {
        return new java.util.LinkedHashSet<>(List.of(names));
    }
}
