package dev.governor.plugin.executor;

import dev.governor.api.Registry;
import dev.governor.api.ThrottlingExecutor;
import dev.governor.spi.ActionHandler;
import dev.governor.spi.ActionPlugin;
import dev.governor.spi.PluginContext;
import dev.governor.spi.Spi;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Thread-pool and CPU actions on what an application registered in {@link Registry#global()}:
 * <ul>
 *   <li>{@code executor.resize}: a {@link ThreadPoolExecutor}'s core and max sizes (params {@code core},
 *       {@code max}), set in the order the JDK accepts;</li>
 *   <li>{@code executor.throttle}: how many of an executor's tasks run at once (param {@code limit}),
 *       through a registered {@link ThrottlingExecutor}, else by the thread pool's sizes;</li>
 *   <li>{@code cpu.affinity}: pins an executor's threads, or the whole process (target {@code process}),
 *       to CPUs (param {@code cpus}, e.g. {@code 0-1}) on Linux. Off unless the setting
 *       {@code affinity.enabled} is true.</li>
 * </ul>
 * Settings and guarantees: see {@code plugins/executor/README.md}.
 */
public final class ExecutorPlugin implements ActionPlugin {

    public static final String RESIZE = "executor.resize";
    public static final String THROTTLE = "executor.throttle";
    public static final String AFFINITY = "cpu.affinity";
    static final String CORE = "core";
    static final String MAX = "max";
    static final String LIMIT = "limit";
    static final String CPUS = "cpus";

    @Override
    public String name() {
        return "executor";
    }

    @Override
    public String spiVersion() {
        return Spi.VERSION;
    }

    @Override
    public Set<String> actionTypes() {
        return Set.of(RESIZE, THROTTLE, AFFINITY);
    }

    @Override
    public ActionHandler create(PluginContext context) {
        Map<String, Object> settings = context.settings();
        for (String key : settings.keySet()) {
            if (!key.equals("affinity")) {
                throw new IllegalArgumentException("unknown setting '" + key + "'; the executor plugin has: affinity");
            }
        }
        boolean enabled = false;
        Map<String, String> threads = Map.of();
        Object affinity = settings.get("affinity");
        if (affinity != null) {
            if (!(affinity instanceof Map<?, ?> section)) {
                throw new IllegalArgumentException("affinity must be a map with enabled and threads, was '" + affinity + "'");
            }
            for (Object key : section.keySet()) {
                if (!"enabled".equals(key) && !"threads".equals(key)) {
                    throw new IllegalArgumentException("unknown setting 'affinity." + key + "'; affinity has: enabled, threads");
                }
            }
            enabled = bool(section.get("enabled"), "affinity.enabled");
            threads = threadGlobs(section.get("threads"));
        }
        return new ExecutorHandler(Registry.global(), new AffinityAction(enabled, threads, Registry.global(), context.clock()),
                context.clock());
    }

    private static boolean bool(Object value, String setting) {
        if (value == null || Boolean.FALSE.equals(value) || "false".equals(value)) {
            return false;
        }
        if (Boolean.TRUE.equals(value) || "true".equals(value)) {
            return true;
        }
        throw new IllegalArgumentException(setting + " must be true or false, was '" + value + "'");
    }

    private static Map<String, String> threadGlobs(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("affinity.threads must map executor names to thread-name globs, such as "
                    + "{ workers: 'worker-*' }, was '" + value + "'");
        }
        Map<String, String> globs = new LinkedHashMap<>();
        map.forEach((name, glob) -> {
            if (glob == null || glob instanceof Map || glob instanceof List || glob.toString().isBlank()) {
                throw new IllegalArgumentException("affinity.threads." + name + " must be a glob of the executor's thread "
                        + "names, such as 'worker-*', was '" + glob + "'");
            }
            globs.put(String.valueOf(name), glob.toString().trim());
        });
        return globs;
    }
}
