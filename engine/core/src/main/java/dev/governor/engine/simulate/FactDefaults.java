package dev.governor.engine.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.api.Fact;
import dev.governor.api.FactTypes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Values for the fields a scenario leaves out, so that a step names only what matters to the rule under test:
 * {@code {fact: PoolSample, with: {waiting: 4}}} is a whole sample of the pool {@code pool}. Every required
 * field of every built-in fact type has one; so have a few optional fields whose zero would mean something odd
 * (no CPUs, no connection slots, a source that never failed). Defaults that follow from another field follow
 * what the scenario gave: {@code memoryAvailable} is {@code memoryTotal - memoryUsed}.
 *
 * <p>Healthy and idle throughout: no load, no waiting, nothing dead, nothing old. The names are those of the
 * table in the README ("Test and replay rules").
 */
final class FactDefaults {

    static final long GIB = 1L << 30;
    static final String DATABASE = "main";
    /** {@code 2^31 - 1 - 3,000,000}: transaction IDs before a PostgreSQL 14+ server stops assigning them. */
    static final long XIDS_TO_STOP = 2_147_483_647L - 3_000_000L;
    static final long FREEZE_MAX_AGE = 200_000_000L;

    private static final Map<String, BiConsumer<ObjectNode, Instant>> BY_TYPE = new LinkedHashMap<>();

    static {
        BY_TYPE.put("HostSample", (f, at) -> {
            text(f, "host", "host");
            number(f, "cpuLoad", 0.0);
            number(f, "cpus", 1.0);
            long used = f.path("memoryUsed").asLong(-1);
            long available = f.path("memoryAvailable").asLong(-1);
            number(f, "memoryTotal", Math.max(16 * GIB, Math.max(used, available)));
            long total = f.path("memoryTotal").asLong(0);
            if (used < 0 && available < 0) {
                number(f, "memoryUsed", 0L);
            } else if (used < 0) {
                number(f, "memoryUsed", Math.max(0, total - available));
            }
            number(f, "memoryAvailable", Math.max(0, total - f.path("memoryUsed").asLong(0)));
        });
        BY_TYPE.put("NetworkSample", (f, at) -> {
            text(f, "host", "host");
            text(f, "iface", "eth0");
        });
        BY_TYPE.put("TcpConnections", (f, at) -> text(f, "host", "host"));
        BY_TYPE.put("JvmSample", (f, at) -> {
            text(f, "jvm", "local");
            number(f, "heapUsed", 0L);
            number(f, "heapMax", Math.max(GIB, f.path("heapUsed").asLong(0)));
            number(f, "heapCommitted", f.path("heapMax").asLong(0));
            number(f, "threads", 20);
            number(f, "peakThreads", Math.max(20, f.path("threads").asInt(0)));
        });
        BY_TYPE.put("MemoryPoolSample", (f, at) -> {
            text(f, "jvm", "local");
            text(f, "pool", "G1 Old Gen");
            bool(f, "heap", true);
            number(f, "used", 0L);
            number(f, "max", Math.max(GIB, f.path("used").asLong(0)));
            number(f, "committed", f.path("max").asLong(0));
        });
        BY_TYPE.put("GcPause", (f, at) -> {
            text(f, "jvm", "local");
            text(f, "collector", "G1 Young Generation");
            text(f, "action", "end of minor GC");
            text(f, "cause", "G1 Evacuation Pause");
            number(f, "durationSeconds", 0.0);
        });
        BY_TYPE.put("PoolSample", (f, at) -> {
            text(f, "pool", "pool");
            number(f, "active", 0);
            number(f, "idle", 0);
            number(f, "waiting", 0);
            number(f, "max", Math.max(10, f.path("active").asInt(0) + f.path("idle").asInt(0)));
        });
        BY_TYPE.put("ExecutorSample", (f, at) -> {
            text(f, "executor", "executor");
            int givenMax = f.path("max").asInt(-1);
            number(f, "core", givenMax >= 0 ? Math.min(4, givenMax) : 4);
            number(f, "max", Math.max(f.path("core").asInt(0), Math.max(4, f.path("active").asInt(0))));
            number(f, "active", 0);
            number(f, "threads", Math.max(f.path("core").asInt(0), f.path("active").asInt(0)));
            number(f, "queued", 0);
        });
        BY_TYPE.put("PgServer", (f, at) -> {
            text(f, "database", DATABASE);
            number(f, "version", 170_000);
            number(f, "maxConnections", 100);
            number(f, "reservedConnections", 3);
            number(f, "autovacuumMaxWorkers", 3);
        });
        BY_TYPE.put("PgDatabase", (f, at) -> {
            text(f, "database", DATABASE);
            text(f, "datname", f.path("database").asText(DATABASE));
            number(f, "xidAge", 0L);
            number(f, "mxidAge", 0L);
            number(f, "freezeMaxAge", FREEZE_MAX_AGE);
            number(f, "xidsUntilStop", XIDS_TO_STOP - f.path("xidAge").asLong(0));
            number(f, "mxidsUntilStop", XIDS_TO_STOP - f.path("mxidAge").asLong(0));
            bool(f, "allowConnections", true);
        });
        BY_TYPE.put("PgTable", (f, at) -> {
            text(f, "database", DATABASE);
            text(f, "schema", "public");
            text(f, "table", "table");
            number(f, "relid", 16_384L);
            number(f, "deadTuples", 0L);
            bool(f, "autovacuumEnabled", true);
            number(f, "freezeMaxAge", FREEZE_MAX_AGE);
        });
        BY_TYPE.put("PgHorizonHolder", (f, at) -> {
            text(f, "database", DATABASE);
            text(f, "kind", "session");
            boolean session = f.path("kind").asText().equals("session");
            if (session) {
                number(f, "pid", 4242);
                text(f, "id", f.path("pid").asText());
                text(f, "state", "active");
                text(f, "user", "app");
                text(f, "application", "app");
                text(f, "backendType", "client backend");
            } else {
                text(f, "id", f.path("kind").asText());
            }
            text(f, "datname", f.path("database").asText(DATABASE));
            number(f, "xidAge", 0L);
            number(f, "heldSeconds", 0.0);
            number(f, "inStateSeconds", f.path("heldSeconds").asDouble(0));
            if (!f.has("xactStart")) {
                f.put("xactStart", at.minusMillis(Math.round(f.path("heldSeconds").asDouble(0) * 1000)).toString());
            }
            if (session) {
                text(f, "backendStart", f.path("xactStart").asText());
            }
        });
        BY_TYPE.put("PgVacuumProgress", (f, at) -> {
            text(f, "database", DATABASE);
            text(f, "datname", f.path("database").asText(DATABASE));
            number(f, "pid", 4343);
            text(f, "schema", "public");
            text(f, "table", "table");
            number(f, "relid", 16_384L);
            text(f, "phase", "scanning heap");
            bool(f, "autovacuum", true);
        });
        BY_TYPE.put("SourceDown", (f, at) -> {
            text(f, "source", "source");
            text(f, "error", "unreachable");
            text(f, "since", at.toString());
            number(f, "attempts", 1);
        });
        BY_TYPE.put("Metric", (f, at) -> {
            text(f, "name", "metric");
            number(f, "value", 0.0);
        });
        BY_TYPE.put("ActionOutcome", (f, at) -> {
            if (!f.has("action")) {
                ObjectNode action = f.putObject("action");
                action.put("type", "notify.log");
                action.put("target", "target");
            }
            text(f, "status", "APPLIED");
        });
        for (Class<? extends Fact> type : FactTypes.all()) {
            if (!BY_TYPE.containsKey(FactTypes.nameOf(type))) {
                throw new ExceptionInInitializerError("no defaults for the fact type " + FactTypes.nameOf(type));
            }
        }
    }

    private FactDefaults() {
    }

    /**
     * Adds the defaults for what {@code fields} leaves out, in place. {@code fields} holds the scenario's
     * {@code with:} and no {@code type}; a field given as {@code null} stays null. Unknown types are left alone:
     * reading the fact reports them.
     */
    static void complete(String type, ObjectNode fields, Instant at) {
        BiConsumer<ObjectNode, Instant> defaults = BY_TYPE.get(type);
        if (defaults != null) {
            defaults.accept(fields, at);
        }
    }

    private static void text(ObjectNode f, String name, String value) {
        if (!f.has(name)) {
            f.put(name, value);
        }
    }

    private static void bool(ObjectNode f, String name, boolean value) {
        if (!f.has(name)) {
            f.put(name, value);
        }
    }

    private static void number(ObjectNode f, String name, Number value) {
        if (f.has(name)) {
            return;
        }
        if (value instanceof Integer i) {
            f.put(name, i);
        } else if (value instanceof Long l) {
            f.put(name, l);
        } else {
            f.put(name, value.doubleValue());
        }
    }
}
