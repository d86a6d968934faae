package dev.governor.engine.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.governor.api.RuleParams;
import dev.governor.engine.config.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The params of a rules folder: {@code params.yaml} beside the {@code *.drl} files declares every param a
 * rule reads through {@code params}, with its default (and, in comments, why), and {@code rules.params} in
 * {@code governor.yaml} overrides some of them.
 *
 * <pre>{@code
 * pool.grow.for: 30s        # a duration: 500ms, 30s, 5m, 1h, 2d or ISO-8601
 * pool.grow.step: 2         # a whole number
 * memory.liveSet.enter: 0.85  # a number; write 1.0, not 1, for a number that may take a fraction
 * }</pre>
 *
 * <p>Keys may also be nested ({@code pool: { grow: { step: 2 } } } is {@code pool.grow.step}). A string is a
 * duration; a param's kind is its default's. A param whose key ends in {@code window} is a look-back: facts
 * stay in the session at least that long.
 *
 * <p>Two number params {@code X.enter} and {@code X.exit} are a band: a condition is entered at or above its
 * enter threshold and left below its exit one, so the exit must not be above the enter. A band entered at or
 * below its threshold (a pool mostly idle, say) says so with the tag {@code !below} on its enter param:
 * {@code pool.shrink.enter: !below 0.30}; its exit must not be below the enter. A band the wrong way round,
 * in the file or after {@code rules.params}, is a problem naming both keys, their values and the fix.
 */
public final class RuleParamsFile {

    /** The file of defaults in a rules folder. */
    public static final String FILE_NAME = "params.yaml";

    private static final YAMLFactory YAML = new YAMLFactory();

    /** The tag on an {@code X.enter} param whose band is entered at or below it. */
    public static final String BELOW_TAG = "below";

    /**
     * Params read from files, with where each was declared.
     *
     * @param params the values
     * @param origin the file and line each key was declared at
     * @param below  the bands (the {@code X} of {@code X.enter}) entered at or below their enter threshold
     */
    public record Declared(RuleParams params, Map<String, Origin> origin, Set<String> below) {
        public static final Declared NONE = new Declared(RuleParams.empty(), Map.of());

        public Declared {
            origin = Map.copyOf(origin);
            below = Set.copyOf(below);
        }

        public Declared(RuleParams params, Map<String, Origin> origin) {
            this(params, origin, Set.of());
        }
    }

    /** Where a param was declared. */
    public record Origin(Path file, int line) {
        @Override
        public String toString() {
            return file + ":" + line;
        }
    }

    private RuleParamsFile() {
    }

    /**
     * Reads {@code params.yaml} from each of these folders that has one; a key declared in two files is a
     * problem naming both.
     */
    public static Declared read(List<Path> folders, List<RuleProblem> problems) {
        Map<String, Object> values = new TreeMap<>();
        Map<String, Origin> origin = new TreeMap<>();
        Set<String> below = new TreeSet<>();
        for (Path folder : folders) {
            Path file = folder.resolve(FILE_NAME);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            Map<String, Entry> entries = readFile(file, problems);
            entries.forEach((key, entry) -> {
                Origin before = origin.get(key);
                if (before != null) {
                    problems.add(new RuleProblem(file, entry.line(), "param '" + key + "' is declared twice: also at " + before, true));
                    return;
                }
                values.put(key, entry.value());
                origin.put(key, new Origin(file, entry.line()));
                if (entry.below()) {
                    below.add(key.substring(0, key.length() - ENTER.length()));
                }
            });
        }
        Declared declared = new Declared(RuleParams.of(values), origin, below);
        problems.addAll(bandProblems(declared, declared.params(), Set.of()));
        return declared;
    }

    /**
     * Applies {@code rules.params} overrides (nested maps flattened with dots; strings read as durations where
     * the default is a duration). Each problem names {@code rules.params.KEY}.
     */
    public static RuleParams override(Declared declared, Map<String, Object> overrides, List<RuleProblem> problems) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", overrides, flat);
        Map<String, Object> typed = new LinkedHashMap<>();
        RuleParams defaults = declared.params();
        for (Map.Entry<String, Object> entry : flat.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            String where = "rules.params." + key;
            if (!defaults.has(key)) {
                problems.add(new RuleProblem(null, 0, where + ": no such rule param" + known(key, declared), true));
                continue;
            }
            Object current = defaults.asMap().get(key);
            if (current instanceof Duration && value instanceof String text) {
                try {
                    value = Durations.parse(text);
                } catch (IllegalArgumentException e) {
                    problems.add(new RuleProblem(null, 0, where + ": " + e.getMessage(), true));
                    continue;
                }
            }
            try {
                defaults.with(Map.of(key, value));
                typed.put(key, value);
            } catch (IllegalArgumentException e) {
                problems.add(new RuleProblem(null, 0, where + ": " + e.getMessage()
                        + " (declared at " + declared.origin().get(key) + ")", true));
            }
        }
        RuleParams params = defaults.with(typed);
        if (!typed.isEmpty()) {
            problems.addAll(bandProblems(declared, params, typed.keySet()));
        }
        return params;
    }

    private static final String ENTER = ".enter";
    private static final String EXIT = ".exit";

    /**
     * Every band ({@code X.enter} and {@code X.exit}, both numbers) whose exit is on the wrong side of its
     * enter: with a value between the two, each sample would be in the band and out of it at once. With
     * overrides, only the bands they touch (the file's own were checked when it was read).
     */
    static List<RuleProblem> bandProblems(Declared declared, RuleParams params, Set<String> overridden) {
        List<RuleProblem> problems = new ArrayList<>();
        for (String enterKey : params.keys()) {
            if (!enterKey.endsWith(ENTER)) {
                continue;
            }
            String band = enterKey.substring(0, enterKey.length() - ENTER.length());
            String exitKey = band + EXIT;
            if (!(params.asMap().get(enterKey) instanceof Number enter)
                    || !(params.asMap().get(exitKey) instanceof Number exit)) {
                continue;
            }
            boolean below = declared.below().contains(band);
            if (below ? exit.doubleValue() >= enter.doubleValue() : exit.doubleValue() <= enter.doubleValue()) {
                continue;
            }
            boolean enterSet = overridden.contains(enterKey);
            boolean exitSet = overridden.contains(exitKey);
            if (!overridden.isEmpty() && !enterSet && !exitSet) {
                continue;
            }
            Origin enterOrigin = declared.origin().get(enterKey);
            String message = String.format(Locale.ROOT, "%s is %s %s: band '%s' is entered at or %s %s and left "
                            + "%s %s, so a value between the two would be in it and out of it at once; %s",
                    describe(enterKey, enter, enterSet, declared), below ? "above" : "below",
                    describe(exitKey, exit, exitSet, declared),
                    band, below ? "below" : "above", enterKey, below ? "above" : "below", exitKey,
                    below ? "lower " + enterKey + " or raise " + exitKey + " (the exit at or above the enter)"
                            : "raise " + enterKey + " or lower " + exitKey + " (the exit at or below the enter)");
            problems.add(enterSet || exitSet || enterOrigin == null
                    ? new RuleProblem(null, 0, message, true)
                    : new RuleProblem(enterOrigin.file(), enterOrigin.line(), message, true));
        }
        return problems;
    }

    /** A param as the user wrote it: {@code rules.params.KEY: VALUE} if overridden, else with where it is declared. */
    private static String describe(String key, Number value, boolean overridden, Declared declared) {
        if (overridden) {
            return "rules.params." + key + ": " + value;
        }
        Origin origin = declared.origin().get(key);
        return key + ": " + value + (origin == null ? "" : " (" + origin + ")");
    }

    /** The params a misspelt key was probably meant to be: those of its file (its first word), else all. */
    private static String known(String key, Declared declared) {
        if (declared.params().keys().isEmpty()) {
            return " (the rules folder has no " + FILE_NAME + ")";
        }
        String family = key.contains(".") ? key.substring(0, key.indexOf('.') + 1) : key + ".";
        List<String> near = declared.params().keys().stream().filter(k -> k.startsWith(family)).toList();
        if (near.isEmpty()) {
            return "; the rules declare: " + String.join(", ", declared.params().keys());
        }
        Origin origin = declared.origin().get(near.get(0));
        return "; " + family + "* params: " + String.join(", ", near) + (origin == null ? "" : " (every param is in " + origin.file() + ")");
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> map, Map<String, Object> out) {
        map.forEach((key, value) -> {
            String full = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> nested) {
                flatten(full, (Map<String, Object>) nested, out);
            } else {
                out.put(full, value);
            }
        });
    }

    private record Entry(Object value, int line, boolean below) {
    }

    private static Map<String, Entry> readFile(Path file, List<RuleProblem> problems) {
        Map<String, Entry> out = new LinkedHashMap<>();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(new RuleProblem(file, 0, "cannot read: " + e.getMessage(), true));
            return out;
        }
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return out;
            }
            if (first != JsonToken.START_OBJECT) {
                problems.add(new RuleProblem(file, line(parser.currentTokenLocation()),
                        "expected a mapping of params, e.g. 'pool.grow.step: 2'", true));
                return out;
            }
            readObject(parser, "", file, out, problems);
        } catch (IOException e) {
            int line = e instanceof JsonProcessingException p && p.getLocation() != null
                    ? line(p.getLocation()) : 0;
            String message = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
            problems.add(new RuleProblem(file, line, "not valid YAML: " + message, true));
        }
        return out;
    }

    private static void readObject(JsonParser parser, String prefix, Path file, Map<String, Entry> out,
                                   List<RuleProblem> problems) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = prefix.isEmpty() ? parser.currentName() : prefix + "." + parser.currentName();
            JsonToken token = parser.nextToken();
            int line = line(parser.currentTokenLocation());
            if (token == JsonToken.START_OBJECT) {
                readObject(parser, key, file, out, problems);
                continue;
            }
            if (token == JsonToken.START_ARRAY) {
                parser.skipChildren();
                problems.add(new RuleProblem(file, line, "param '" + key + "': expected a number, a duration such as 5m, "
                        + "or true/false, got a list", true));
                continue;
            }
            Object typeId = parser.getTypeId();
            String tag = typeId == null ? null : typeId.toString();
            boolean below = BELOW_TAG.equals(tag);
            if (tag != null && (!below || !key.endsWith(ENTER))) {
                problems.add(new RuleProblem(file, line, "param '" + key + "': the only tag a param may carry is !" + BELOW_TAG
                        + ", on an X.enter number whose band is entered at or below it; got !" + tag, true));
                continue;
            }
            Object value = below ? number(parser.getText()) : switch (token) {
                case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? null : parser.getLongValue();
                case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_STRING -> duration(parser.getText());
                default -> null;
            };
            if (value == null) {
                problems.add(new RuleProblem(file, line, "param '" + key + "': expected a number, a duration such as 5m, "
                        + "or true/false, got " + (token == JsonToken.VALUE_NULL ? "nothing" : "'" + parser.getText() + "'"), true));
            } else if (out.containsKey(key)) {
                problems.add(new RuleProblem(file, line, "param '" + key + "' is declared twice: also at line " + out.get(key).line(), true));
            } else {
                out.put(key, new Entry(value, line, below));
            }
        }
    }

    /** A tagged scalar comes as text: a whole number or a number, as an untagged one would be read. */
    private static Object number(String text) {
        try {
            return text.matches("[-+]?[0-9]+") ? (Object) Long.parseLong(text) : (Object) Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Duration duration(String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : Math.max(0, location.getLineNr());
    }

    /** The longest duration among params whose key ends in {@code window}: how long facts must stay. */
    static Duration longestWindow(RuleParams params) {
        Duration longest = Duration.ZERO;
        for (Map.Entry<String, Object> entry : params.asMap().entrySet()) {
            String last = entry.getKey().substring(entry.getKey().lastIndexOf('.') + 1);
            if (last.toLowerCase(Locale.ROOT).endsWith("window") && entry.getValue() instanceof Duration d
                    && d.compareTo(longest) > 0) {
                longest = d;
            }
        }
        return longest;
    }

    /** Every {@code params.GETTER( "key" )} in a rule text, for checking before the rules run. */
    static List<Use> uses(String drl) {
        List<Use> uses = new ArrayList<>();
        Matcher matcher = USE.matcher(drl);
        while (matcher.find()) {
            int line = 1;
            for (int i = 0; i < matcher.start(); i++) {
                if (drl.charAt(i) == '\n') {
                    line++;
                }
            }
            uses.add(new Use(matcher.group(1), matcher.group(2), line));
        }
        return uses;
    }

    record Use(String getter, String key, int line) {
    }

    private static final Pattern USE = Pattern.compile(
            "\\bparams\\s*\\.\\s*(number|integer|wholeNumber|duration|millis|seconds|flag|has)\\s*\\(\\s*\"([^\"]*)\"\\s*\\)");
}
