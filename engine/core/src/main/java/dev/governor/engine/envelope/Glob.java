package dev.governor.engine.envelope;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A glob over action types, targets, roles or application names: {@code *} matches any text (dots and
 * slashes too), {@code ?} one character, everything else itself. {@code main/public.*} matches every
 * table of schema {@code public} in database {@code main}.
 */
final class Glob {

    private final String text;
    private final Pattern pattern;

    private Glob(String text) {
        this.text = text;
        this.pattern = dev.governor.spi.Glob.toRegex(text);
    }

    static Glob of(String text) {
        return new Glob(text);
    }

    static boolean matches(String glob, String value) {
        return value != null && (glob.equals("*") || glob.equals(value) || new Glob(glob).matches(value));
    }

    /** The first glob of {@code globs} that matches {@code value}, or null. */
    static String firstMatch(List<String> globs, String value) {
        for (String glob : globs) {
            if (matches(glob, value)) {
                return glob;
            }
        }
        return null;
    }

    boolean matches(String value) {
        return value != null && pattern.matcher(value).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
