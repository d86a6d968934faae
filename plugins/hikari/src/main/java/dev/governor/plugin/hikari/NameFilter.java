package dev.governor.plugin.hikari;

import dev.governor.spi.Glob;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Pool names as a setting lists them: names or globs, where {@code *} stands for any run of characters and
 * {@code ?} for one character. Matching is case-sensitive.
 */
final class NameFilter {

    static final NameFilter ALL = new NameFilter(List.of("*"));

    private final List<String> globs;
    private final List<Pattern> patterns = new ArrayList<>();

    NameFilter(List<String> globs) {
        this.globs = List.copyOf(globs);
        for (String glob : this.globs) {
            patterns.add(toRegex(glob));
        }
    }

    boolean matches(String name) {
        for (Pattern pattern : patterns) {
            if (pattern.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return String.join(",", globs);
    }

    private static Pattern toRegex(String glob) {
        return Glob.toRegex(glob);
    }
}
