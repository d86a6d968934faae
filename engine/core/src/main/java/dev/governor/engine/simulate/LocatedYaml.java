package dev.governor.engine.simulate;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.ContentReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * YAML read into Jackson trees that remember where each mapping key and each sequence item was, so that
 * a problem found later in the tree can be reported as {@code file:line}. A file may hold several documents
 * separated by {@code ---}.
 */
final class LocatedYaml {

    private static final YAMLFactory FACTORY = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One document: its root and the line it starts on. */
    record Document(JsonNode root, int line) {
    }

    /** Malformed YAML: the line and the parser's message. */
    static final class SyntaxException extends Exception {
        final int line;

        SyntaxException(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    // Containers are compared by identity: value nodes may be shared (Jackson caches small numbers).
    private final Map<JsonNode, Integer> containerLines = new IdentityHashMap<>();
    private final Map<JsonNode, Map<Object, Integer>> childLines = new IdentityHashMap<>();
    private final List<Document> documents = new ArrayList<>();

    private LocatedYaml() {
    }

    /** Reads every document in {@code text}. */
    static LocatedYaml read(String text) throws SyntaxException {
        LocatedYaml yaml = new LocatedYaml();
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                int line = lineOf(parser.currentTokenLocation());
                JsonNode root = yaml.value(parser, token);
                yaml.documents.add(new Document(root, line));
            }
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            throw new SyntaxException(where == null ? 1 : Math.max(1, where.getLineNr()),
                    "not valid YAML: " + clean(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new SyntaxException(1, "cannot read: " + e.getMessage());
        }
        return yaml;
    }

    /** SnakeYAML's message without the positions and the quoted source it repeats. */
    private static String clean(String message) {
        String[] parts = message.split("\\s*in 'reader', line \\d+, column \\d+:\\n[^\\n]*\\n\\s*\\^\\s*");
        List<String> kept = new ArrayList<>();
        for (String part : parts) {
            String flat = part.replace('\n', ' ').replaceAll("\\s+", " ").trim();
            if (!flat.isEmpty()) {
                kept.add(flat);
            }
        }
        return kept.isEmpty() ? message.trim() : String.join(": ", kept);
    }

    List<Document> documents() {
        return documents;
    }

    /** The line a mapping or sequence starts on; 0 when unknown. */
    int line(JsonNode container) {
        return containerLines.getOrDefault(container, 0);
    }

    /** The line of {@code key} in {@code mapping}; the mapping's own line when the key is absent. */
    int line(JsonNode mapping, String key) {
        Integer line = childLines.getOrDefault(mapping, Map.of()).get(key);
        return line != null ? line : line(mapping);
    }

    /** The line of item {@code index} of {@code sequence}; the sequence's own line when out of range. */
    int line(JsonNode sequence, int index) {
        Integer line = childLines.getOrDefault(sequence, Map.of()).get(index);
        return line != null ? line : line(sequence);
    }

    private JsonNode value(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT: {
                ObjectNode object = NODES.objectNode();
                Map<Object, Integer> lines = new HashMap<>();
                containerLines.put(object, lineOf(parser.currentTokenLocation()));
                childLines.put(object, lines);
                JsonToken next;
                while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    int line = lineOf(parser.currentTokenLocation());
                    JsonNode child = value(parser, parser.nextToken());
                    if (object.has(name)) {
                        throw new JsonParseProblem(parser, line, "duplicate key '" + name + "' (first on line " + lines.get(name) + ")");
                    }
                    object.set(name, child);
                    lines.put(name, line);
                }
                if (next != JsonToken.END_OBJECT) {
                    throw new JsonParseProblem(parser, lineOf(parser.currentTokenLocation()), "unexpected " + next);
                }
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = NODES.arrayNode();
                Map<Object, Integer> lines = new HashMap<>();
                containerLines.put(array, lineOf(parser.currentTokenLocation()));
                childLines.put(array, lines);
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (next == null) {
                        throw new JsonParseProblem(parser, lineOf(parser.currentTokenLocation()), "unexpected end of the document");
                    }
                    lines.put(array.size(), lineOf(parser.currentTokenLocation()));
                    array.add(value(parser, next));
                }
                return array;
            }
            case VALUE_STRING:
                return NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT:
                return switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                return NODES.textNode(parser.getText());
        }
    }

    private static int lineOf(JsonLocation location) {
        return location == null ? 0 : location.getLineNr();
    }

    /** A structural problem found while building the tree, reported as malformed YAML. */
    private static final class JsonParseProblem extends JsonProcessingException {
        JsonParseProblem(JsonParser parser, int line, String message) {
            super(message, new JsonLocation(ContentReference.unknown(), -1, line, 1));
        }
    }
}
