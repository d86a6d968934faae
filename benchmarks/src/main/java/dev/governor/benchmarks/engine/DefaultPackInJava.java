package dev.governor.benchmarks.engine;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.Fact;
import dev.governor.api.HostSample;
import dev.governor.api.JvmSample;
import dev.governor.api.PoolSample;
import dev.governor.api.RuleParams;
import dev.governor.engine.rules.Decision;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-written Java that makes the decisions the default rule pack makes on host, JVM and pool samples (the
 * facts of {@link FactStream#defaultPack()}): the same bands, "for" durations, retries and outcomes, read from
 * the same params, with the same rule names as reasons, so the same envelope treats both alike. What the pack
 * decides on other facts (executors, PostgreSQL) is left out: the stream has none. It keeps only the state
 * it needs: one breach per condition and subject, the last minute of GC time, the pool samples of the
 * retention. The ratio of the two on the same stream is what the rule engine costs.
 */
public final class DefaultPackInJava implements Decider {

    private static final long POOL_RETENTION_MILLIS = 5 * 60_000;

    private static final class Breach {
        long since;
        Action action;
        long decidedAt;
        boolean done;

        Breach(long since) {
            this.since = since;
        }
    }

    private final RuleParams params;
    private long ids;
    private final Map<String, Breach> breaches = new HashMap<>();
    private final Map<String, ArrayDeque<JvmSample>> gcWindows = new HashMap<>();
    private final Map<String, ArrayDeque<PoolSample>> poolHistory = new HashMap<>();
    private final List<Decision> decisions = new ArrayList<>();

    public DefaultPackInJava(RuleParams params) {
        this.params = params;
    }

    @Override
    public List<Decision> accept(List<Fact> facts) {
        decisions.clear();
        for (Fact fact : facts) {
            if (fact instanceof ActionOutcome outcome) {
                outcome(outcome);
            }
        }
        for (Fact fact : facts) {
            if (fact instanceof HostSample host) {
                host(host);
            } else if (fact instanceof JvmSample jvm) {
                jvm(jvm);
            } else if (fact instanceof PoolSample pool) {
                pool(pool);
            }
        }
        return decisions.isEmpty() ? List.of() : List.copyOf(decisions);
    }

    private void outcome(ActionOutcome o) {
        if (o.status() != ActionOutcome.Status.APPLIED && o.status() != ActionOutcome.Status.DRY_RUN) {
            return;
        }
        for (Breach b : breaches.values()) {
            Action a = b.action;
            if (!b.done && a != null && a.type().equals(o.type()) && a.target().equals(o.target())
                    && a.reason().equals(o.action().reason()) && o.atMillis() >= b.decidedAt) {
                if (a.type().equals("pool.resize")) {
                    b.since = o.atMillis();
                    b.action = null;
                    b.decidedAt = 0L;
                } else {
                    b.done = true;
                }
            }
        }
    }

    /** Enter and leave a band; returns the breach, or null outside the band. */
    private Breach band(String key, boolean enters, boolean leaves, long now) {
        Breach b = breaches.get(key);
        if (b == null && enters) {
            b = new Breach(now);
            breaches.put(key, b);
        } else if (b != null && leaves) {
            breaches.remove(key);
            return null;
        }
        return b;
    }

    private boolean due(Breach b, long now, long forMillis, long retryMillis) {
        return b != null && !b.done && b.since <= now - forMillis && (b.action == null || b.decidedAt <= now - retryMillis);
    }

    private void decide(Breach b, Action action, long now, Fact fact) {
        b.action = action;
        b.decidedAt = now;
        decisions.add(new Decision(++ids, action, action.reason(), List.of(fact), Instant.ofEpochMilli(now)));
    }

    private static String heldFor(long millis) {
        long seconds = millis / 1000;
        return seconds >= 120 ? (seconds / 60) + " min" : seconds + " s";
    }

    private void host(HostSample s) {
        long now = s.atMillis();
        String host = s.host();
        double used = s.memoryUsedRatio();
        Breach memory = band("memory-limit|" + host, used >= params.number("memory.limit.enter"),
                used < params.number("memory.limit.exit"), now);
        if (due(memory, now, params.millis("memory.limit.for"), params.millis("memory.retry"))) {
            String what = s.containerLimited() ? "container memory at %.0f%% of its limit" : "memory %.0f%% used";
            decide(memory, new Action("notify.log", host, Map.of(
                    "message", String.format("%s: " + what + " for %s (%d MiB available)", host, used * 100,
                            heldFor(now - memory.since), s.memoryAvailable() / 1048576),
                    "severity", s.containerLimited() ? "critical" : "warning"), "Notify when memory stays near its limit"), now, s);
        }
        double cpu = s.cpuLoad();
        Breach saturated = band("cpu-saturated|" + host, cpu >= params.number("cpu.saturated.enter"),
                cpu < params.number("cpu.saturated.exit"), now);
        if (due(saturated, now, params.millis("cpu.saturated.for"), params.millis("cpu.retry"))) {
            decide(saturated, new Action("notify.log", host, Map.of(
                    "message", String.format("%s: CPU %.0f%% busy for %s on %.1f CPUs%s", host, cpu * 100,
                            heldFor(now - saturated.since), s.cpus(), s.containerLimited() ? " (the container's quota)" : ""),
                    "severity", "warning"), "Notify when CPU stays saturated"), now, s);
        }
    }

    private void jvm(JvmSample s) {
        long now = s.atMillis();
        String jvm = s.jvm();
        double live = s.liveSetRatio();
        Breach liveSet = band("live-set|" + jvm, live >= params.number("memory.liveSet.enter"),
                live < params.number("memory.liveSet.exit"), now);
        if (due(liveSet, now, params.millis("memory.liveSet.for"), params.millis("memory.retry"))) {
            decide(liveSet, new Action("notify.log", jvm, Map.of(
                    "message", String.format("JVM %s: live set at %.0f%% of the heap's maximum for %s (%d MiB after the last "
                                    + "old-generation collection): the heap is too small for what it holds, or something leaks",
                            jvm, live * 100, heldFor(now - liveSet.since), s.liveSetBytes() / 1048576),
                    "severity", "warning"), "Notify when the live set stays high"), now, s);
        }
        long window = params.millis("memory.gc.window");
        ArrayDeque<JvmSample> recent = gcWindows.computeIfAbsent(jvm, k -> new ArrayDeque<>());
        recent.addLast(s);
        while (recent.peekFirst().atMillis() <= now - window) {
            recent.removeFirst();
        }
        double gcSum = 0;
        for (JvmSample r : recent) {
            gcSum += r.gcSeconds();
        }
        double windowSeconds = params.seconds("memory.gc.window");
        Breach gc = band("gc|" + jvm, gcSum >= params.number("memory.gc.enter") * windowSeconds,
                gcSum < params.number("memory.gc.exit") * windowSeconds, now);
        if (due(gc, now, params.millis("memory.gc.for"), params.millis("memory.retry"))) {
            decide(gc, new Action("notify.log", jvm, Map.of(
                    "message", String.format("JVM %s: %.0f%% of the time in GC over the last %s, high for %s (heap %.0f%% used)",
                            jvm, 100 * gcSum / windowSeconds, heldFor(window), heldFor(now - gc.since), s.heapUsedRatio() * 100),
                    "severity", "warning"), "Notify when GC takes too much of the time"), now, s);
        }
    }

    private void pool(PoolSample p) {
        long now = p.atMillis();
        String pool = p.pool();
        ArrayDeque<PoolSample> history = poolHistory.computeIfAbsent(pool, k -> new ArrayDeque<>());
        history.addLast(p);
        while (history.peekFirst().atMillis() <= now - POOL_RETENTION_MILLIS) {
            history.removeFirst();
        }
        double utilization = p.utilization();
        Breach saturated = band("saturated|" + pool,
                p.waiting() >= params.integer("pool.grow.waiting") && p.active() >= p.max(),
                p.waiting() == 0 && utilization < params.number("pool.grow.exit"), now);
        if (p.waiting() >= params.integer("pool.grow.waiting")
                && due(saturated, now, params.millis("pool.grow.for"), params.millis("pool.grow.retry"))) {
            decide(saturated, new Action("pool.resize", pool, Map.of("max", p.max() + Math.max(params.integer("pool.grow.step"), p.waiting())),
                    "Grow a pool whose callers keep waiting"), now, p);
        }
        Breach idle = band("idle|" + pool,
                p.waiting() == 0 && utilization <= params.number("pool.shrink.enter"),
                p.waiting() > 0 || utilization > params.number("pool.shrink.exit"), now);
        if (due(idle, now, params.millis("pool.shrink.for"), params.millis("pool.retry"))) {
            int peak = 0;
            for (PoolSample h : history) {
                if (h.atMillis() >= idle.since) {
                    peak = Math.max(peak, h.active());
                }
            }
            int max = Math.max(params.integer("pool.shrink.floor"),
                    (int) Math.ceil(peak / params.number("pool.shrink.targetUtilization")));
            if (max < p.max()) {
                decide(idle, new Action("pool.resize", pool, Map.of("max", max), "Shrink a pool that stays mostly idle"), now, p);
            }
        }
    }
}
