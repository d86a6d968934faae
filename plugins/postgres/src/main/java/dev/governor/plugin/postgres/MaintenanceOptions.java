package dev.governor.plugin.postgres;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of {@code pg.vacuum} or {@code pg.analyze}, each checked against a whitelist of names
 * and values, and turned into the option list of one server version: an option the server lacks is
 * dropped with a note, never sent. Null means "not given": the server's default applies.
 *
 * @param analyze          VACUUM: also ANALYZE
 * @param freeze           VACUUM: aggressive freezing
 * @param skipLocked       skip the table, rather than wait, when its lock is taken
 * @param truncate         VACUUM: allow truncating empty pages at the end (takes ACCESS EXCLUSIVE briefly)
 * @param indexCleanup     VACUUM: {@code auto}, {@code on} or {@code off}
 * @param parallel         VACUUM: parallel workers for the index phases, 0..1024
 * @param bufferUsageLimit VACUUM: ring buffer size, normalised to {@code <n>kB|MB|GB} (or {@code 0})
 * @param relid            the table's OID as sampled ({@code PgTable.relid}); when given, the table must still have it
 */
record MaintenanceOptions(Boolean analyze, Boolean freeze, Boolean skipLocked, Boolean truncate, String indexCleanup,
                          Integer parallel, String bufferUsageLimit, Long relid) {

    static final List<String> VACUUM_PARAMS = List.of("analyze", "freeze", "skip_locked", "truncate", "index_cleanup",
            "parallel", "buffer_usage_limit", "relid");
    static final List<String> ANALYZE_PARAMS = List.of("skip_locked", "relid");

    private static final Pattern SIZE = Pattern.compile("(\\d{1,8})\\s*(kB|MB|GB)?");
    private static final long MIN_RING_KB = 128;
    private static final long MAX_RING_KB = 16L * 1024 * 1024;

    /** Reads the parameters of {@code pg.vacuum} ({@code vacuum} true) or {@code pg.analyze}; a bad one throws. */
    static MaintenanceOptions parse(Map<String, Object> params, boolean vacuum) {
        List<String> known = vacuum ? VACUUM_PARAMS : ANALYZE_PARAMS;
        for (String key : params.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown parameter '" + key + "'; " + (vacuum ? "pg.vacuum" : "pg.analyze")
                        + " takes: " + String.join(", ", known));
            }
        }
        return new MaintenanceOptions(
                bool(params, "analyze"),
                bool(params, "freeze"),
                bool(params, "skip_locked"),
                bool(params, "truncate"),
                indexCleanup(params.get("index_cleanup")),
                parallel(params.get("parallel")),
                bufferUsageLimit(params.get("buffer_usage_limit")),
                relid(params.get("relid")));
    }

    /**
     * The VACUUM option list for a server of {@code serverVersion} ({@code server_version_num}), VERBOSE
     * first (its report is how Governor learns what VACUUM did); notes get one line per option dropped.
     */
    List<String> vacuumOptions(int serverVersion, List<String> notes) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("VERBOSE", "TRUE");
        putBool(options, "ANALYZE", analyze);
        putBool(options, "FREEZE", freeze);
        putBool(options, "SKIP_LOCKED", skipLocked);
        putBool(options, "TRUNCATE", truncate);
        if (indexCleanup != null) {
            if (indexCleanup.equals("auto") && serverVersion < 140_000) {
                notes.add("index_cleanup auto dropped: needs PostgreSQL 14, server is " + major(serverVersion)
                        + "; the table's default applies");
            } else {
                options.put("INDEX_CLEANUP", indexCleanup.toUpperCase(Locale.ROOT));
            }
        }
        if (parallel != null) {
            options.put("PARALLEL", Integer.toString(parallel));
        }
        if (bufferUsageLimit != null) {
            if (serverVersion < 160_000) {
                notes.add("buffer_usage_limit dropped: needs PostgreSQL 16, server is " + major(serverVersion));
            } else {
                // Normalised digits and a unit from a fixed set (see bufferUsageLimit()): safe inside quotes.
                options.put("BUFFER_USAGE_LIMIT", "'" + bufferUsageLimit + "'");
            }
        }
        return render(options);
    }

    /** The ANALYZE option list: VERBOSE and SKIP_LOCKED, which every supported server has. */
    List<String> analyzeOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("VERBOSE", "TRUE");
        putBool(options, "SKIP_LOCKED", skipLocked);
        return render(options);
    }

    static String major(int serverVersion) {
        return Integer.toString(serverVersion / 10_000);
    }

    private static List<String> render(Map<String, String> options) {
        List<String> out = new ArrayList<>();
        options.forEach((name, value) -> out.add(name + " " + value));
        return out;
    }

    private static void putBool(Map<String, String> options, String name, Boolean value) {
        if (value != null) {
            options.put(name, value ? "TRUE" : "FALSE");
        }
    }

    private static Boolean bool(Map<String, Object> params, String key) {
        Object value = params.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "on" -> true;
            case "false", "off" -> false;
            default -> throw new IllegalArgumentException("params." + key + " must be true or false, was '" + value + "'");
        };
    }

    private static String indexCleanup(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Boolean b) {
            return b ? "on" : "off";
        }
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "auto", "on", "off" -> text;
            case "true" -> "on";
            case "false" -> "off";
            default -> throw new IllegalArgumentException("params.index_cleanup must be auto, on or off, was '" + value + "'");
        };
    }

    private static Integer parallel(Object value) {
        if (value == null) {
            return null;
        }
        long n = wholeNumber(value, "parallel", "an integer from 0 to 1024");
        if (n < 0 || n > 1024) {
            throw new IllegalArgumentException("params.parallel must be an integer from 0 to 1024, was " + value);
        }
        return (int) n;
    }

    private static Long relid(Object value) {
        if (value == null) {
            return null;
        }
        long n = wholeNumber(value, "relid", "the table's OID, a positive integer");
        if (n <= 0 || n > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("params.relid must be the table's OID, a positive integer, was " + value);
        }
        return n;
    }

    private static long wholeNumber(Object value, String key, String expected) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        String text = value.toString().trim();
        if (!text.matches("-?[0-9]{1,12}")) {
            throw new IllegalArgumentException("params." + key + " must be " + expected + ", was '" + value + "'");
        }
        return Long.parseLong(text);
    }

    /** 0 (no ring) or 128kB to 16GB; a plain number means kB, as in PostgreSQL. */
    private static String bufferUsageLimit(Object value) {
        if (value == null) {
            return null;
        }
        Matcher m = SIZE.matcher(value.toString().trim());
        String expected = "params.buffer_usage_limit must be 0 or a size from 128kB to 16GB such as 256kB, 2MB or 1GB, was '"
                + value + "'";
        if (!m.matches()) {
            throw new IllegalArgumentException(expected);
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "kB" : m.group(2);
        long kb = switch (unit) {
            case "kB" -> amount;
            case "MB" -> amount * 1024;
            default -> amount * 1024 * 1024;
        };
        if (kb != 0 && (kb < MIN_RING_KB || kb > MAX_RING_KB)) {
            throw new IllegalArgumentException(expected);
        }
        return kb == 0 ? "0" : amount + unit;
    }
}
