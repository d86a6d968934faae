package dev.governor.engine.sample.postgres;

import dev.governor.engine.config.GovernorConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The options of a {@code governor-sample:postgres} endpoint, checked.
 *
 * @param name           the database's name in {@code governor.yaml}
 * @param database       its connection settings
 * @param views          which facts to sample
 * @param schemas        regular expressions (from globs) a table's schema must match one of
 * @param excludeSchemas regular expressions a table's schema must match none of
 * @param tables         regular expressions a table's {@code name} or {@code schema.name} must match one of
 * @param top            keep only this many tables, those with the most dead rows (tables due for an
 *                       anti-wraparound vacuum are always kept); null for all
 */
record PostgresOptions(String name, GovernorConfig.Database database, Set<View> views, List<String> schemas,
                       List<String> excludeSchemas, List<String> tables, Integer top) {

    static final String DATABASE = "database";
    static final String FACTS = "facts";
    static final String SCHEMAS = "schemas";
    static final String EXCLUDE_SCHEMAS = "excludeSchemas";
    static final String TABLES = "tables";
    static final String TOP = "top";

    static final Set<String> NAMES = Set.of(DATABASE, FACTS, SCHEMAS, EXCLUDE_SCHEMAS, TABLES, TOP);

    /** Schemas left out unless named: the catalog, the SQL-standard views, TOAST. */
    // pg_catalog stays in: catalogs bloat too (temporary-table churn, and a logical slot's catalog_xmin pins only them).
    static final List<String> SYSTEM_SCHEMAS = List.of("information_schema", "pg_toast");

    /** What a {@code governor-sample:postgres} endpoint can sample, by the names {@code facts} takes. */
    enum View {
        SERVER, DATABASES, TABLES, HOLDERS, VACUUM;

        String optionName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static String allNames() {
            return Arrays.stream(values()).map(View::optionName).collect(Collectors.joining(","));
        }
    }

    PostgresOptions {
        views = Set.copyOf(views);
        schemas = List.copyOf(schemas);
        excludeSchemas = List.copyOf(excludeSchemas);
        tables = List.copyOf(tables);
    }

    boolean samples(View view) {
        return views.contains(view);
    }

    /**
     * Checks and reads the options.
     *
     * @throws IllegalArgumentException naming the option and what it expects
     */
    static PostgresOptions parse(Map<String, String> options, Map<String, GovernorConfig.Database> databases) {
        String name = databaseName(options.get(DATABASE), databases);
        Set<View> views = views(options.get(FACTS));
        List<String> schemaGlobs = globs(SCHEMAS, options.get(SCHEMAS));
        List<String> excludeGlobs;
        if (options.containsKey(EXCLUDE_SCHEMAS)) {
            excludeGlobs = globs(EXCLUDE_SCHEMAS, options.get(EXCLUDE_SCHEMAS));
        } else {
            // The system schemas stay out unless `schemas` names one of them outright.
            excludeGlobs = new ArrayList<>(SYSTEM_SCHEMAS);
            if (schemaGlobs != null) {
                excludeGlobs.removeAll(schemaGlobs);
            }
        }
        List<String> tableGlobs = globs(TABLES, options.get(TABLES));
        return new PostgresOptions(name, databases.get(name), views,
                regexes(schemaGlobs == null ? List.of("*") : schemaGlobs),
                regexes(excludeGlobs),
                regexes(tableGlobs == null ? List.of("*") : tableGlobs),
                top(options.get(TOP)));
    }

    private static String databaseName(String given, Map<String, GovernorConfig.Database> databases) {
        if (databases.isEmpty()) {
            throw new IllegalArgumentException("no database is configured for governor-sample:postgres: add one to"
                    + " governor.yaml, e.g.\n"
                    + "databases:\n"
                    + "  main:\n"
                    + "    url: jdbc:postgresql://127.0.0.1:5432/postgres\n"
                    + "    user: governor\n"
                    + "    password: ${PGPASSWORD}");
        }
        if (given == null || given.isBlank()) {
            if (databases.size() == 1) {
                return databases.keySet().iterator().next();
            }
            throw new IllegalArgumentException("database is required when more than one is configured: one of "
                    + String.join(", ", new TreeSet<>(databases.keySet())));
        }
        if (!databases.containsKey(given)) {
            throw new IllegalArgumentException("database '" + given + "' is not in governor.yaml: known databases are "
                    + String.join(", ", new TreeSet<>(databases.keySet())));
        }
        return given;
    }

    private static Set<View> views(String text) {
        if (text == null) {
            return EnumSet.allOf(View.class);
        }
        Set<View> views = EnumSet.noneOf(View.class);
        for (String item : items(text)) {
            View view = Arrays.stream(View.values()).filter(v -> v.optionName().equals(item.toLowerCase(Locale.ROOT)))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("facts: unknown kind '" + item
                            + "': expected a comma list of " + View.allNames()));
            views.add(view);
        }
        if (views.isEmpty()) {
            throw new IllegalArgumentException("facts must name at least one of " + View.allNames() + ", was '" + text + "'");
        }
        return views;
    }

    /** The globs in a comma list, or null when the option is absent. */
    private static List<String> globs(String option, String text) {
        if (text == null) {
            return null;
        }
        List<String> globs = items(text);
        if (globs.isEmpty() && !option.equals(EXCLUDE_SCHEMAS)) {
            throw new IllegalArgumentException(option + " must be a comma list of globs (* and ? wildcards), was '"
                    + text + "'");
        }
        return globs;
    }

    private static Integer top(String text) {
        if (text == null) {
            return null;
        }
        try {
            int top = Integer.parseInt(text.trim());
            if (top >= 1) {
                return top;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("top must be a whole number of tables >= 1, was '" + text + "'");
    }

    private static List<String> items(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static List<String> regexes(List<String> globs) {
        return globs.stream().map(PostgresOptions::globToRegex).toList();
    }

    /**
     * A PostgreSQL regular expression matching exactly what the glob matches: {@code *} any run of
     * characters, {@code ?} one character, everything else itself (case-sensitive, as the catalog spells it).
     */
    static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder("^");
        glob.codePoints().forEach(c -> {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else if (c < 128 && !Character.isLetterOrDigit(c) && c != '_') {
                // In PostgreSQL's regular expressions a backslash before a non-alphanumeric character means that character.
                regex.append('\\').appendCodePoint(c);
            } else {
                regex.appendCodePoint(c);
            }
        });
        return regex.append('$').toString();
    }
}
