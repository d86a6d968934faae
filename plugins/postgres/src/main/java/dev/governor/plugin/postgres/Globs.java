package dev.governor.plugin.postgres;

import dev.governor.spi.Glob;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A list of name patterns, matched case-sensitively as PostgreSQL spells role and application names:
 * {@code *} stands for any run of characters, {@code ?} for one; everything else is literal.
 * Immutable.
 */
final class Globs {

    private final List<String> patterns;
    private final List<Pattern> compiled;

    private Globs(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        this.compiled = this.patterns.stream().map(Globs::compile).toList();
    }

    static Globs of(List<String> patterns) {
        return new Globs(patterns);
    }

    /** The patterns as written in the settings. */
    List<String> patterns() {
        return patterns;
    }

    boolean isEmpty() {
        return patterns.isEmpty();
    }

    /** True when {@code name} matches one of the patterns; a null name matches none. */
    boolean matches(String name) {
        if (name == null) {
            return false;
        }
        return compiled.stream().anyMatch(p -> p.matcher(name).matches());
    }

    /** The first pattern {@code name} matches, or null. */
    String firstMatch(String name) {
        if (name == null) {
            return null;
        }
        for (int i = 0; i < compiled.size(); i++) {
            if (compiled.get(i).matcher(name).matches()) {
                return patterns.get(i);
            }
        }
        return null;
    }

    private static Pattern compile(String glob) {
        return Glob.toRegex(glob);
    }

    @Override
    public String toString() {
        return patterns.toString();
    }
}
