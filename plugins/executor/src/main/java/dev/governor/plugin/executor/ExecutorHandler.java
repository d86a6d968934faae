package dev.governor.plugin.executor;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.Registry;
import dev.governor.api.ThrottlingExecutor;
import dev.governor.spi.ActionHandler;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out {@code executor.resize}, {@code executor.throttle} and {@code cpu.affinity} on the executors
 * an application registered in {@link Registry#global()}. Thread-safe.
 */
final class ExecutorHandler implements ActionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorHandler.class);

    private final Registry registry;
    private final ThreadPools threadPools = new ThreadPools();
    private final AffinityAction affinity;
    private final Clock clock;

    ExecutorHandler(Registry registry, AffinityAction affinity, Clock clock) {
        this.registry = registry;
        this.affinity = affinity;
        this.clock = clock;
    }

    /**
     * {@code core} and {@code max} of a registered {@link ThreadPoolExecutor} (its own sizes, also while a
     * throttle by sizes holds them lower) and {@code limit}: the limit of a registered
     * {@link ThrottlingExecutor}, else the executor's thread limit. Empty when nothing is registered under
     * the name.
     */
    @Override
    public Map<String, Number> current(String target) {
        Map<String, Number> current = new LinkedHashMap<>();
        registry.find(ThreadPoolExecutor.class, target).ifPresent(executor -> current.putAll(threadPools.current(executor)));
        registry.find(ThrottlingExecutor.class, target).ifPresent(throttle -> current.put(ExecutorPlugin.LIMIT, throttle.limit()));
        return current;
    }

    @Override
    public ActionOutcome handle(Action action) throws Exception {
        try {
            return switch (action.type()) {
                case ExecutorPlugin.RESIZE -> resize(action);
                case ExecutorPlugin.THROTTLE -> throttle(action);
                case ExecutorPlugin.AFFINITY -> affinity.handle(action);
                default -> failed(action, "the executor plugin does not handle " + action.type());
            };
        } catch (IllegalArgumentException e) {
            return failed(action, e.getMessage());
        }
    }

    private ActionOutcome resize(Action action) {
        Params params = new Params(action.type(), action.params(), Set.of(ExecutorPlugin.CORE, ExecutorPlugin.MAX));
        Integer core = params.wholeNumber(ExecutorPlugin.CORE, 0);
        Integer max = params.wholeNumber(ExecutorPlugin.MAX, 1);
        if (core == null && max == null) {
            throw new IllegalArgumentException("executor.resize needs params.core, params.max or both (whole numbers, "
                    + "core >= 0, max >= 1)");
        }
        if (core != null && max != null && core > max) {
            throw new IllegalArgumentException("params.core " + core + " is above params.max " + max
                    + "; a ThreadPoolExecutor needs core <= max");
        }
        String name = action.target();
        ThreadPoolExecutor executor = registry.find(ThreadPoolExecutor.class, name).orElse(null);
        if (executor == null) {
            return failed(action, "no ThreadPoolExecutor named '" + name + "' is registered in Registry.global()");
        }
        String message = threadPools.resize(name, executor, core, max);
        if (message == null) {
            return ActionOutcome.skipped(action, name + ": already " + ThreadPools.sizes(executor), clock.instant());
        }
        return applied(action, message);
    }

    private ActionOutcome throttle(Action action) {
        Params params = new Params(action.type(), action.params(), Set.of(ExecutorPlugin.LIMIT));
        int limit = params.requiredWholeNumber(ExecutorPlugin.LIMIT, 1, "how many tasks may run at once");
        String name = action.target();
        ThrottlingExecutor throttle = registry.find(ThrottlingExecutor.class, name).orElse(null);
        if (throttle != null) {
            int before = throttle.setLimit(limit);
            if (before == limit) {
                return ActionOutcome.skipped(action, name + ": already limit " + limit, clock.instant());
            }
            String effect = limit < before
                    ? "; running tasks finish, and no waiting one starts until fewer than " + limit + " run"
                    : "; waiting tasks start at once";
            return applied(action, name + ": limit " + before + " -> " + limit + " (in flight " + throttle.inFlight()
                    + ", waiting " + throttle.waiting() + ")" + effect);
        }
        ThreadPoolExecutor executor = registry.find(ThreadPoolExecutor.class, name).orElse(null);
        if (executor == null) {
            return failed(action, "no ThrottlingExecutor or ThreadPoolExecutor named '" + name
                    + "' is registered in Registry.global()");
        }
        String message = threadPools.throttle(name, executor, limit);
        if (message == null) {
            return ActionOutcome.skipped(action, name + ": already at most " + limit + " threads ("
                    + ThreadPools.sizes(executor) + ")", clock.instant());
        }
        return applied(action, message);
    }

    private ActionOutcome applied(Action action, String message) {
        LOG.info("{} {}", action.type(), message);
        return ActionOutcome.applied(action, message, clock.instant());
    }

    private ActionOutcome failed(Action action, String message) {
        return ActionOutcome.failed(action, message, clock.instant());
    }
}
