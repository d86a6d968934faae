package dev.governor.plugin.postgres;

import dev.governor.spi.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The postgres plugin's settings ({@code plugins.settings.postgres} in {@code governor.yaml}), checked
 * when Governor starts.
 *
 * @param allowRoles        role names (globs) whose sessions {@code pg.cancel}/{@code pg.terminate} may end
 * @param allowApplications {@code application_name} globs whose sessions they may end
 * @param denyApplications  {@code application_name} globs never ended, whatever the allow-lists say
 * @param allowSuperuser    whether a superuser's session may be signalled (the server refuses it anyway
 *                          unless Governor connects as a superuser)
 * @param terminateTimeout  how long {@code pg.terminate} waits for the session to end, and {@code pg.cancel}
 *                          for the statement to stop
 * @param vacuumCostDelay   {@code vacuum_cost_delay} for the session of a VACUUM or ANALYZE, or null to keep the server's
 * @param lockTimeout       {@code lock_timeout} for VACUUM and ANALYZE, or null to use each database's
 */
record PostgresSettings(Globs allowRoles, Globs allowApplications, Globs denyApplications, boolean allowSuperuser,
                        Duration terminateTimeout, Duration vacuumCostDelay, Duration lockTimeout) {

    static final List<String> DEFAULT_DENY_APPLICATIONS =
            List.of("pg_dump", "pg_repack", "pg_squeeze", "pg_basebackup", "governor*");
    static final Duration DEFAULT_TERMINATE_TIMEOUT = Duration.ofSeconds(5);
    static final Duration MAX_VACUUM_COST_DELAY = Duration.ofMillis(100);

    private static final Set<String> KEYS = Set.of("allowRoles", "allowApplications", "denyApplications",
            "allowSuperuser", "terminateTimeout", "vacuumCostDelay", "lockTimeout");
    private static final String KEY_LIST =
            "allowRoles, allowApplications, denyApplications, allowSuperuser, terminateTimeout, vacuumCostDelay, lockTimeout";

    PostgresSettings {
        Objects.requireNonNull(allowRoles, "allowRoles is null");
        Objects.requireNonNull(allowApplications, "allowApplications is null");
        Objects.requireNonNull(denyApplications, "denyApplications is null");
        Objects.requireNonNull(terminateTimeout, "terminateTimeout is null");
        if (terminateTimeout.isNegative() || terminateTimeout.isZero() || terminateTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("terminateTimeout must be between 1ms and 5m, was " + terminateTimeout.toMillis() + "ms");
        }
        if (vacuumCostDelay != null && (vacuumCostDelay.isNegative() || vacuumCostDelay.compareTo(MAX_VACUUM_COST_DELAY) > 0)) {
            throw new IllegalArgumentException("vacuumCostDelay must be between 0ms and 100ms (vacuum_cost_delay's range), was "
                    + vacuumCostDelay.toMillis() + "ms");
        }
        if (lockTimeout != null && (lockTimeout.isNegative() || lockTimeout.isZero())) {
            throw new IllegalArgumentException("lockTimeout must be positive (0 would wait for a lock forever), was "
                    + lockTimeout.toMillis() + "ms");
        }
    }

    /** Reads and checks the settings; an unknown key or a bad value throws, naming the key and what it expects. */
    static PostgresSettings parse(Map<String, Object> settings) {
        for (String key : settings.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown setting '" + key + "'; the postgres plugin has: " + KEY_LIST);
            }
        }
        return new PostgresSettings(
                Globs.of(names(settings, "allowRoles", List.of())),
                Globs.of(names(settings, "allowApplications", List.of())),
                Globs.of(names(settings, "denyApplications", DEFAULT_DENY_APPLICATIONS)),
                bool(settings, "allowSuperuser", false),
                duration(settings, "terminateTimeout", DEFAULT_TERMINATE_TIMEOUT),
                duration(settings, "vacuumCostDelay", null),
                duration(settings, "lockTimeout", null));
    }

    /** Defaults only: cancel and terminate refuse everything until allowRoles or allowApplications is set. */
    static PostgresSettings defaults() {
        return parse(Map.of());
    }

    /** True when at least one allow-list is set, so cancel and terminate may end anything at all. */
    boolean signalsAllowed() {
        return !allowRoles.isEmpty() || !allowApplications.isEmpty();
    }

    private static List<String> names(Map<String, Object> settings, String key, List<String> fallback) {
        Object value = settings.get(key);
        if (value == null) {
            return fallback;
        }
        List<?> items = value instanceof List<?> list ? list : List.of(value);
        List<String> names = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof String text) || text.isEmpty()) {
                throw new IllegalArgumentException(key + " must be a list of names or patterns such as [app_user, 'batch_*'], "
                        + "found " + (item == null ? "null" : "'" + item + "'"));
            }
            names.add(text);
        }
        return names;
    }

    private static boolean bool(Map<String, Object> settings, String key, boolean fallback) {
        Object value = settings.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value.toString().trim();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException(key + " must be true or false, was '" + value + "'");
    }

    private static Duration duration(Map<String, Object> settings, String key, Duration fallback) {
        Object value = settings.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return parseDuration(value.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    /** {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT5S}), as Governor's configuration writes durations. */
    static Duration parseDuration(String text) {
        return Durations.parse(text);
    }
}
