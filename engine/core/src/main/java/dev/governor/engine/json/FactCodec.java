package dev.governor.engine.json;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.governor.api.Fact;
import dev.governor.api.FactTypes;
import java.lang.reflect.RecordComponent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads and writes facts in their JSON form: an object whose {@code "type"} is the record's simple name
 * and whose other members are its fields. {@code "at"} may be left out; it is then the time of reading.
 *
 * <p>Reading is strict, because a misspelt field in a sample must not silently become a zero that a
 * rule then acts on: unknown fields, missing required fields, wrong types, fractions where an integer
 * is expected and out-of-range values are all rejected, each with the field's name.
 */
public final class FactCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // Optional numeric fields may be left out (they are then 0); required ones are checked by name first.
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private final Clock clock;
    private final Map<String, Set<String>> fieldsByType = new LinkedHashMap<>();
    private final Map<String, List<String>> requiredByType = new LinkedHashMap<>();

    public FactCodec(Clock clock) {
        this.clock = clock;
        for (Class<? extends Fact> type : FactTypes.all()) {
            RecordComponent[] components = type.getRecordComponents();
            Set<String> fields = new java.util.LinkedHashSet<>();
            List<String> required = new ArrayList<>();
            for (RecordComponent component : components) {
                fields.add(component.getName());
                JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
                if (property != null && property.required()) {
                    required.add(component.getName());
                }
            }
            fieldsByType.put(FactTypes.nameOf(type), fields);
            requiredByType.put(FactTypes.nameOf(type), required);
        }
    }

    /** The shared mapper: ISO-8601 instants, records by their components. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Reads one fact or an array of facts. All or nothing: when any element is bad, none is returned
     * and the exception lists every problem found.
     */
    public List<Fact> read(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            // Some errors have no location: a document nested deeper than Jackson's limit, say.
            throw new InvalidFactException(List.of("not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr())));
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidFactException(List.of("empty body: expected a fact object or an array of them"));
        }
        return read(root);
    }

    /** Reads one fact (an object) or several (an array). All or nothing, as {@link #read(String)}. */
    public List<Fact> read(JsonNode root) {
        List<Fact> facts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (root.isArray()) {
            for (int i = 0; i < root.size(); i++) {
                readElement(root.get(i), "[" + i + "] ", facts, problems);
            }
        } else {
            readElement(root, "", facts, problems);
        }
        if (!problems.isEmpty()) {
            throw new InvalidFactException(problems);
        }
        return facts;
    }

    private void readElement(JsonNode node, String where, List<Fact> facts, List<String> problems) {
        try {
            facts.add(readOne(node));
        } catch (InvalidFactException e) {
            e.problems().forEach(p -> problems.add(where + p));
        }
    }

    /** Reads a single fact object. */
    public Fact readOne(JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidFactException(List.of("expected a JSON object with a \"type\", got " + describe(node)));
        }
        JsonNode typeNode = node.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new InvalidFactException(List.of("missing \"type\": expected one of " + knownTypes()));
        }
        String typeName = typeNode.asText();
        Class<? extends Fact> type = FactTypes.byName(typeName).orElseThrow(() -> new InvalidFactException(
                List.of("unknown fact type '" + typeName + "': expected one of " + knownTypes())));

        ObjectNode fields = ((ObjectNode) node).deepCopy();
        fields.remove("type");
        List<String> problems = new ArrayList<>();
        Set<String> known = fieldsByType.get(typeName);
        for (Iterator<String> names = fields.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.add(typeName + "." + name + ": unknown field; " + typeName + " has " + String.join(", ", known));
            }
        }
        for (String name : requiredByType.get(typeName)) {
            JsonNode value = fields.get(name);
            if (value == null || value.isNull()) {
                problems.add(typeName + "." + name + ": missing");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> members = fields.fields(); members.hasNext(); ) {
            Map.Entry<String, JsonNode> member = members.next();
            JsonNode value = member.getValue();
            // 1e400 reads as infinity: a rule comparing with it would always, or never, fire.
            if (value.isNumber() && value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue())) {
                problems.add(typeName + "." + member.getKey() + ": expected a finite number, got " + describe(value));
            }
        }
        JsonNode at = fields.get("at");
        if (at == null || at.isNull()) {
            // The Instant itself, not its text: printing and parsing it back was a fifth of the cost of reading a fact.
            fields.putPOJO("at", clock.instant());
        } else if (!at.isTextual()) {
            // Jackson would read a number as epoch seconds; say what is meant instead of guessing.
            problems.add(typeName + ".at: expected " + expected(Instant.class) + ", got " + describe(at));
        }
        if (!problems.isEmpty()) {
            throw new InvalidFactException(problems);
        }
        try {
            return MAPPER.treeToValue(fields, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new InvalidFactException(List.of(typeName + ": " + cause.getMessage()));
        } catch (InvalidFormatException e) {
            throw new InvalidFactException(List.of(typeName + "." + path(e) + ": expected "
                    + expected(e.getTargetType()) + ", got " + describe(e.getValue())));
        } catch (MismatchedInputException e) {
            throw new InvalidFactException(List.of(typeName + "." + path(e) + ": expected "
                    + expected(e.getTargetType()) + ", got " + describe(fieldValue(fields, e))));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidFactException(List.of(typeName + ": " + e.getMessage()));
        }
    }

    /** The JSON form of a fact: {@code "type"} first, then its fields. */
    public ObjectNode toJson(Fact fact) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", FactTypes.nameOf(fact.getClass()));
        node.setAll((ObjectNode) MAPPER.valueToTree(fact));
        return node;
    }

    /** The JSON form of a fact as one line of text. */
    public String write(Fact fact) {
        try {
            return MAPPER.writeValueAsString(toJson(fact));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + fact, e);
        }
    }

    private static String knownTypes() {
        return FactTypes.all().stream().map(FactTypes::nameOf).collect(Collectors.joining(", "));
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static JsonNode fieldValue(ObjectNode fields, JsonMappingException e) {
        JsonNode current = fields;
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (current == null) {
                break;
            }
            current = ref.getFieldName() != null ? current.get(ref.getFieldName()) : current.get(ref.getIndex());
        }
        return current;
    }

    static String expected(Class<?> type) {
        if (type == null) {
            return "a value of another type";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Instant.class) {
            return "an ISO-8601 instant such as \"2026-01-01T00:00:00Z\"";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        return "a " + type.getSimpleName();
    }

    private static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof JsonNode node) {
            if (node.isTextual()) {
                return "\"" + abbreviate(node.asText()) + "\"";
            }
            if (node.isObject()) {
                return "an object";
            }
            if (node.isArray()) {
                return "an array";
            }
            return abbreviate(node.toString());
        }
        if (value instanceof String text) {
            return "\"" + abbreviate(text) + "\"";
        }
        return abbreviate(String.valueOf(value));
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
