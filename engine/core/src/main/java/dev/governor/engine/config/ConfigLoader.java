package dev.governor.engine.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads {@code governor.yaml}. Strict: an unknown key or a value of the wrong type stops start-up with
 * the key's path and what is expected, because a misspelt safety setting must never silently fall back
 * to its default. {@code ${NAME}} in a value is replaced by the environment variable NAME
 * ({@code ${NAME:-fallback}} gives a fallback); {@code $${...}} stands for a literal {@code ${...}}.
 */
public final class ConfigLoader {

    private static final Pattern REFERENCE = Pattern.compile("\\$(\\$?)\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Function<String, String> environment;
    private final ObjectMapper mapper;

    public ConfigLoader() {
        this(System::getenv);
    }

    /** A loader that reads variables from {@code environment} instead of the process environment. */
    public ConfigLoader(Function<String, String> environment) {
        this.environment = environment;
        SimpleModule durations = new SimpleModule("governor-durations");
        durations.addDeserializer(Duration.class, new DurationDeserializer());
        durations.addDeserializer(Instant.class, new InstantDeserializer());
        this.mapper = YAMLMapper.builder(new YAMLFactory())
                .addModule(durations)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .build();
        // "reload: 1" is a typo or a guess, not a yes: a switch takes true or false.
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    }

    /**
     * Loads a configuration file; relative paths in it are resolved against the file's folder.
     * A file that does not exist is an error: callers that accept an absent default file check first.
     */
    public GovernorConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + ": no such file");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(text, file.toString()).resolvedAgainst(base);
    }

    /** Parses configuration text; {@code name} is used in messages. Paths are left as written. */
    public GovernorConfig parse(String text, String name) {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            // Some errors have no location: a document nested deeper than the parser's limit, say.
            String line = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr();
            throw new ConfigException(name + line + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return GovernorConfig.defaults();
        }
        if (!root.isObject()) {
            throw new ConfigException(name + ": expected a mapping of keys (mode, rules, routes, ...) at the top level");
        }
        substitute(root, "", name);
        try {
            return mapper.treeToValue(root, GovernorConfig.class);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new ConfigException(name + ": unknown key '" + path(e) + "'" + (known.isEmpty() ? "" : "; expected one of: " + known));
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String where = path(e);
            throw new ConfigException(name + ": " + (where.isEmpty() ? "" : "'" + where + "': ") + cause.getMessage());
        } catch (InvalidFormatException e) {
            throw new ConfigException(name + ": '" + path(e) + "': " + expected(e.getTargetType(), e.getOriginalMessage())
                    + ", got '" + e.getValue() + "'");
        } catch (MismatchedInputException e) {
            throw new ConfigException(name + ": '" + path(e) + "': " + expected(e.getTargetType(), e.getOriginalMessage()));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ConfigException(name + ": " + e.getMessage(), e);
        }
    }

    private void substitute(JsonNode node, String path, String name) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> entry : object.properties()) {
                String childPath = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
                if (entry.getValue().isTextual()) {
                    entry.setValue(new TextNode(resolve(entry.getValue().asText(), childPath, name)));
                } else {
                    substitute(entry.getValue(), childPath, name);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String childPath = path + "[" + i + "]";
                if (array.get(i).isTextual()) {
                    array.set(i, new TextNode(resolve(array.get(i).asText(), childPath, name)));
                } else {
                    substitute(array.get(i), childPath, name);
                }
            }
        }
    }

    private String resolve(String value, String path, String name) {
        Matcher matcher = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String replacement;
            if (!matcher.group(1).isEmpty()) {
                replacement = matcher.group().substring(1);
            } else {
                String variable = environment.apply(matcher.group(2));
                if (variable == null) {
                    variable = matcher.group(3);
                }
                if (variable == null) {
                    throw new ConfigException(name + ": '" + path + "': environment variable " + matcher.group(2)
                            + " is not set (write ${" + matcher.group(2) + ":-fallback} for a fallback)");
                }
                replacement = variable;
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String expected(Class<?> type, String original) {
        if (type == null) {
            return original;
        }
        if (type == Duration.class) {
            return "expected a duration such as 500ms, 30s, 5m or 1h";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "expected a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "expected true or false";
        }
        if (type == Instant.class) {
            return "expected a time such as 2026-12-01T06:00:00Z";
        }
        if (type == EnvelopeConfig.Cooldown.class) {
            return "expected a duration such as 5m, or { up: 1m, down: 5m }";
        }
        if (type == EnvelopeConfig.Amount.class) {
            return "expected a number or a percentage such as 50%";
        }
        if (type == Mode.class) {
            return "expected 'enforce' or 'dry-run'";
        }
        if (type == Path.class || type == String.class) {
            return "expected a text value";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "expected a mapping of keys";
        }
        return "expected " + type.getSimpleName();
    }

    /** Reads times written as ISO-8601 with an offset: {@code 2026-12-01T06:00:00Z}, {@code 2026-12-01T08:00:00+02:00}. */
    private static final class InstantDeserializer extends StdScalarDeserializer<Instant> {
        InstantDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = parser.getValueAsString();
            if (text == null) {
                return (Instant) context.handleUnexpectedToken(Instant.class, parser);
            }
            try {
                return OffsetDateTime.parse(text.trim()).toInstant();
            } catch (DateTimeParseException e) {
                return (Instant) context.handleWeirdStringValue(Instant.class, text, "expected a time such as 2026-12-01T06:00:00Z");
            }
        }
    }

    /** Reads durations written as {@code 30s}, {@code 5m}, {@code PT30S}. */
    private static final class DurationDeserializer extends StdScalarDeserializer<Duration> {
        DurationDeserializer() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = parser.getValueAsString();
            if (text == null) {
                return (Duration) context.handleUnexpectedToken(Duration.class, parser);
            }
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                return (Duration) context.handleWeirdStringValue(Duration.class, text, e.getMessage());
            }
        }
    }
}
