package dev.governor.plugin.executor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Sizes {@link ThreadPoolExecutor}s for {@code executor.resize}, and throttles those that have no
 * {@code ThrottlingExecutor} in front by their sizes ({@code executor.throttle}'s fallback).
 *
 * <p>The fallback bounds how many tasks run at once by the number of threads: {@code max = limit} and
 * {@code core = min(core, limit)}, which holds whatever the executor's queue (a pool with an unbounded
 * queue runs at most {@code core} tasks, one with a bounded queue at most {@code max}). Unlike a
 * throttle in front, tasks over the limit wait in the executor's own queue, which may then fill and
 * reject. The sizes the executor had before its first throttle are remembered while Governor runs, and
 * come back when the limit reaches their max; an {@code executor.resize} of a throttled executor changes
 * those remembered sizes, and applies them within the limit.
 *
 * <p>Thread-safe: changes to executors take turns.
 */
final class ThreadPools {

    /** The sizes an executor has when it is not throttled. */
    record Sizes(int core, int max) {
        @Override
        public String toString() {
            return "core " + core + ", max " + max;
        }
    }

    /** An executor throttled by its sizes: the limit, and the sizes to restore. */
    private record Throttle(int limit, Sizes own) {
    }

    private final Map<ThreadPoolExecutor, Throttle> throttled = new WeakHashMap<>();

    /**
     * {@code core} and {@code max}: the sizes {@code executor.resize} acts on (the remembered ones while
     * throttled by sizes), and {@code limit}: the thread limit of the throttle, or max when not throttled.
     */
    synchronized Map<String, Number> current(ThreadPoolExecutor executor) {
        Throttle throttle = throttled.get(executor);
        Sizes own = throttle == null ? sizes(executor) : throttle.own();
        Map<String, Number> current = new LinkedHashMap<>();
        current.put(ExecutorPlugin.CORE, own.core());
        current.put(ExecutorPlugin.MAX, own.max());
        current.put(ExecutorPlugin.LIMIT, throttle == null ? executor.getMaximumPoolSize() : throttle.limit());
        return current;
    }

    /**
     * Resizes; a parameter left out keeps its value, except that a max below core takes core down with it.
     *
     * @return what changed, or null when nothing would
     * @throws IllegalArgumentException when the sizes do not fit together
     */
    synchronized String resize(String name, ThreadPoolExecutor executor, Integer core, Integer max) {
        Throttle throttle = throttled.get(executor);
        Sizes own = throttle == null ? sizes(executor) : throttle.own();
        int newMax = max == null ? own.max() : max;
        int newCore = core == null ? own.core() : core;
        String note = "";
        if (newCore > newMax) {
            if (core != null) {
                throw new IllegalArgumentException("params.core " + newCore + " is above " + (max == null
                        ? "the executor's max " + newMax + "; give params.max too" : "params.max " + newMax));
            }
            note = "; core " + newCore + " lowered to " + newMax + " to stay within max";
            newCore = newMax;
        }
        Sizes wanted = new Sizes(newCore, newMax);
        if (wanted.equals(own)) {
            return null;
        }
        Sizes before = sizes(executor);
        if (throttle == null) {
            apply(executor, wanted);
            return name + ": " + change(before, wanted) + state(executor) + note;
        }
        throttled.put(executor, new Throttle(throttle.limit(), wanted));
        Sizes applied = within(wanted, throttle.limit());
        apply(executor, applied);
        return name + ": " + change(before, applied) + state(executor) + "; throttled to " + throttle.limit()
                + " threads, its own sizes are now " + wanted + note;
    }

    /**
     * Throttles by sizes.
     *
     * @return what changed, or null when nothing would
     */
    synchronized String throttle(String name, ThreadPoolExecutor executor, int limit) {
        Throttle throttle = throttled.get(executor);
        Sizes own = throttle == null ? sizes(executor) : throttle.own();
        Sizes before = sizes(executor);
        String why = "no ThrottlingExecutor is registered as '" + name + "', so its thread pool is throttled by its sizes";
        if (limit >= own.max()) {
            if (throttle == null) {
                return null;
            }
            throttled.remove(executor);
            apply(executor, own);
            return name + ": " + change(before, own) + state(executor) + "; the limit " + limit
                    + " is at or above its own max, so its own sizes are back (" + why + ")";
        }
        if (throttle != null && throttle.limit() == limit) {
            return null;
        }
        throttled.put(executor, new Throttle(limit, own));
        Sizes applied = within(own, limit);
        apply(executor, applied);
        return name + ": limit " + (throttle == null ? own.max() : throttle.limit()) + " -> " + limit + ", "
                + change(before, applied) + state(executor) + "; " + why + "; its own sizes (" + own
                + ") come back when the limit reaches " + own.max();
    }

    /**
     * Sets core and max in the order {@link ThreadPoolExecutor} accepts: a growing max first, a shrinking
     * one last, so that core never exceeds max on the way.
     */
    static void apply(ThreadPoolExecutor executor, Sizes sizes) {
        if (sizes.max() >= executor.getMaximumPoolSize()) {
            executor.setMaximumPoolSize(sizes.max());
            executor.setCorePoolSize(sizes.core());
        } else {
            executor.setCorePoolSize(sizes.core());
            executor.setMaximumPoolSize(sizes.max());
        }
    }

    static Sizes sizes(ThreadPoolExecutor executor) {
        return new Sizes(executor.getCorePoolSize(), executor.getMaximumPoolSize());
    }

    private static Sizes within(Sizes own, int limit) {
        return new Sizes(Math.min(own.core(), limit), Math.min(own.max(), limit));
    }

    private static String change(Sizes before, Sizes after) {
        return "core " + change(before.core(), after.core()) + ", max " + change(before.max(), after.max());
    }

    private static String change(int before, int after) {
        return before == after ? Integer.toString(after) : before + " -> " + after;
    }

    private static String state(ThreadPoolExecutor executor) {
        return " (threads " + executor.getPoolSize() + ", active " + executor.getActiveCount() + ", queued "
                + executor.getQueue().size() + ")";
    }
}
