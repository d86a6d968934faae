package dev.governor.engine.sample;

import dev.governor.spi.Glob;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The names a sampler reports, from an option such as {@code pools=orders,batch-*}: comma-separated
 * names or globs, where {@code *} stands for any run of characters and {@code ?} for one character.
 * Matching is case-sensitive. An absent option includes every name.
 */
final class NameFilter {

    private static final NameFilter ALL = new NameFilter(List.of());

    private final List<Pattern> patterns;

    private NameFilter(List<Pattern> patterns) {
        this.patterns = patterns;
    }

    /**
     * @param option the option's name, for the error message
     * @param text   the option's value; null for every name
     * @throws IllegalArgumentException naming the option when an entry is empty
     */
    static NameFilter parse(String option, String text) {
        if (text == null) {
            return ALL;
        }
        List<Pattern> patterns = new ArrayList<>();
        for (String entry : text.split(",", -1)) {
            String glob = entry.trim();
            if (glob.isEmpty()) {
                throw new IllegalArgumentException(option + ": expected comma-separated names or globs such as "
                        + "orders,batch-*, got '" + text + "' (an empty entry)");
            }
            patterns.add(toRegex(glob));
        }
        return new NameFilter(List.copyOf(patterns));
    }

    boolean matches(String name) {
        if (patterns.isEmpty()) {
            return true;
        }
        for (Pattern pattern : patterns) {
            if (pattern.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern toRegex(String glob) {
        return Glob.toRegex(glob);
    }
}
