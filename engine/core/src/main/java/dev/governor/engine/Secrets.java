package dev.governor.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in text and JSON before they reach the API, the logs or the audit: passwords in URLs
 * ({@code postgresql://user:pass@host} becomes {@code postgresql://user:***@host}), {@code password=...},
 * {@code token=...}, {@code secret=...} and {@code apiKey=...} in JDBC URLs, query strings and messages,
 * {@code Bearer ...} credentials, and the values of JSON members whose name says they hold a secret
 * ({@code password}, {@code token}, {@code secret}, {@code apiKey}, {@code authorization}, {@code credentials}...).
 *
 * <p>Masking is by pattern: it catches the usual shapes, not a secret pasted into free text with nothing
 * around it. Values that are secrets by configuration (database passwords, the API token) are never written
 * out in the first place; this is the second line.
 */
public final class Secrets {

    /** What a masked value becomes. */
    public static final String MASK = "***";

    /** Names of members and parameters that hold a secret, whatever their case or separators. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(password|passwd|pwd|secret|token|api[-_.]?key|authorization|credential|private[-_.]?key|sslkey).*");

    /** {@code scheme://user:password@}: the password part. */
    private static final Pattern URL_USER_INFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://[^/\\s:@]*):([^@\\s/]+)@");

    private static final String SECRET_KEYS = "(?:password|passwd|pwd|secret|token|access[-_]?token|api[-_]?key|apikey"
            + "|sslpassword|client[-_]?secret)";

    /**
     * {@code password=value} in a URL, a JDBC property list or a message (ends at {@code & ; , space}),
     * {@code password:value}, and {@code "password":"value"} in JSON text.
     */
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)\\b(" + SECRET_KEYS + "(?:\\s*=\\s*|:|\"\\s*:\\s*))(\"[^\"]*\"|'[^']*'|[^&;,\\s\"']+)");

    /** {@code Bearer abc...}, {@code Basic abc...}: credentials of 12 characters or more. */
    private static final Pattern AUTH_SCHEME = Pattern.compile("(?i)\\b(Bearer|Basic)\\s+[A-Za-z0-9._~+/=-]{12,}");

    private Secrets() {
    }

    /** The text with every secret it visibly carries replaced by {@value #MASK}; null stays null. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = URL_USER_INFO.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":" + MASK + "@"));
        out = KEY_VALUE.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1)
                + (m.group(2).startsWith("\"") ? "\"" + MASK + "\"" : MASK)));
        out = AUTH_SCHEME.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + " " + MASK));
        return out;
    }

    /** Whether a member or parameter of this name holds a secret. */
    public static boolean isSecretName(String name) {
        return name != null && SECRET_NAME.matcher(name).matches();
    }

    /**
     * Masks a JSON tree in place: a member whose name holds a secret gets {@value #MASK} as its value (unless it is
     * null, a number or a boolean, which carry nothing to hide, or an object, which is masked member by member);
     * every other text value is masked with {@link #mask(String)}. Returns the node.
     */
    public static JsonNode mask(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> members = object.fields(); members.hasNext(); ) {
                Map.Entry<String, JsonNode> member = members.next();
                JsonNode value = member.getValue();
                if (isSecretName(member.getKey()) && (value.isTextual() || value.isArray())) {
                    member.setValue(TextNode.valueOf(MASK));
                } else if (value.isTextual()) {
                    String masked = mask(value.asText());
                    if (!masked.equals(value.asText())) {
                        member.setValue(TextNode.valueOf(masked));
                    }
                } else if (value.isContainerNode()) {
                    mask(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode value = array.get(i);
                if (value.isTextual()) {
                    array.set(i, TextNode.valueOf(mask(value.asText())));
                } else if (value.isContainerNode()) {
                    mask(value);
                }
            }
        }
        return node;
    }
}
