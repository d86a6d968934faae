package dev.governor.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A name pattern as Governor's settings and options write them: {@code *} stands for any run of
 * characters (dots and slashes included), {@code ?} for one character, and every other character for
 * itself, so {@code orders-*}, {@code main/public.*} and {@code odd(name)} mean what they look like.
 * The whole name must match. For plugins' allow and deny lists, and anything else that names targets.
 */
public final class Glob {

    private final String text;
    private final Pattern pattern;

    private Glob(String text) {
        this.text = text;
        this.pattern = toRegex(text);
    }

    /** The glob written as {@code text}. */
    public static Glob of(String text) {
        return new Glob(Objects.requireNonNull(text, "glob is null"));
    }

    /** The regular expression that matches exactly what the glob {@code glob} matches. */
    public static Pattern toRegex(String glob) {
        Objects.requireNonNull(glob, "glob is null");
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** True when the whole of {@code value} matches; false for null. */
    public boolean matches(String value) {
        return value != null && pattern.matcher(value).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
