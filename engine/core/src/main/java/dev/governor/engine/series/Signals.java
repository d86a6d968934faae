package dev.governor.engine.series;

import dev.governor.api.ExecutorSample;
import dev.governor.api.Fact;
import dev.governor.api.HostSample;
import dev.governor.api.JvmSample;
import dev.governor.api.PgDatabase;
import dev.governor.api.PgHorizonHolder;
import dev.governor.api.PgServer;
import dev.governor.api.PgTable;
import dev.governor.api.PoolSample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fixed list of signals the dashboard plots, taken from facts as they arrive. Every other fact type (and
 * every other field) is left out; the current facts and the decisions have the rest.
 *
 * <table>
 *   <caption>signals by fact</caption>
 *   <tr><th>fact</th><th>plot</th><th>series per entity</th></tr>
 *   <tr><td>HostSample</td><td>cpu</td><td>cpuLoad, processCpuLoad, memory used / total</td></tr>
 *   <tr><td>JvmSample</td><td>heap</td><td>heapUsed, liveSetBytes (when known), heapMax (when set)</td></tr>
 *   <tr><td>PoolSample</td><td>pools</td><td>active, waiting, max</td></tr>
 *   <tr><td>ExecutorSample</td><td>executors</td><td>limit (max), queued</td></tr>
 *   <tr><td>PgTable</td><td>deadTuples</td><td>deadTuples, ranked by dead tuples</td></tr>
 *   <tr><td>PgHorizonHolder, PgServer</td><td>horizon</td><td>the oldest holder's xidAge per database (0 in a
 *       PostgreSQL sample with none), ranked by age</td></tr>
 *   <tr><td>PgDatabase</td><td>wraparound</td><td>xidsUntilStop, ranked by nearness to the stop</td></tr>
 * </table>
 */
public final class Signals {

    private Signals() {
    }

    /** The signals in one batch of facts, in the order of the facts. */
    public static List<Signal> of(List<? extends Fact> facts) {
        List<Signal> signals = new ArrayList<>();
        // The horizon is per database and batch: the oldest holder, or 0 when a PostgreSQL sample had none.
        Map<String, long[]> horizons = new LinkedHashMap<>();
        for (Fact fact : facts) {
            if (fact == null || fact.at() == null) {
                continue;
            }
            long t = fact.atMillis();
            if (fact instanceof HostSample h) {
                signals.add(new Signal(Plot.CPU, h.host(), "cpu", h.host() + " CPU", h.cpuLoad(), t, 0));
                signals.add(new Signal(Plot.CPU, h.host(), "processCpu", h.host() + " process CPU", h.processCpuLoad(), t, 0));
                if (h.memoryTotal() > 0) {
                    signals.add(new Signal(Plot.CPU, h.host(), "memory", h.host() + " memory used",
                            (double) h.memoryUsed() / h.memoryTotal(), t, 0));
                }
            } else if (fact instanceof JvmSample j) {
                signals.add(new Signal(Plot.HEAP, j.jvm(), "heapUsed", j.jvm() + " heap used", j.heapUsed(), t, 0));
                if (j.liveSetBytes() != null) {
                    signals.add(new Signal(Plot.HEAP, j.jvm(), "liveSet", j.jvm() + " live set", j.liveSetBytes(), t, 0));
                }
                if (j.heapMax() > 0) {
                    signals.add(new Signal(Plot.HEAP, j.jvm(), "heapMax", j.jvm() + " heap max", j.heapMax(), t, 0));
                }
            } else if (fact instanceof PoolSample p) {
                signals.add(new Signal(Plot.POOLS, p.pool(), "active", p.pool() + " active", p.active(), t, 0));
                signals.add(new Signal(Plot.POOLS, p.pool(), "waiting", p.pool() + " waiting", p.waiting(), t, 0));
                signals.add(new Signal(Plot.POOLS, p.pool(), "max", p.pool() + " max", p.max(), t, 0));
            } else if (fact instanceof ExecutorSample e) {
                signals.add(new Signal(Plot.EXECUTORS, e.executor(), "limit", e.executor() + " limit", e.max(), t, 0));
                signals.add(new Signal(Plot.EXECUTORS, e.executor(), "queued", e.executor() + " queued", e.queued(), t, 0));
            } else if (fact instanceof PgTable table) {
                String name = table.database() + "/" + table.schema() + "." + table.table();
                signals.add(new Signal(Plot.DEAD_TUPLES, name, "deadTuples", name, table.deadTuples(), t, table.deadTuples()));
            } else if (fact instanceof PgDatabase d) {
                String name = d.database() + "/" + d.datname();
                signals.add(new Signal(Plot.WRAPAROUND, name, "xidsUntilStop", name, d.xidsUntilStop(), t, -d.xidsUntilStop()));
            } else if (fact instanceof PgServer s) {
                horizons.computeIfAbsent(s.database(), k -> new long[] {0, t})[1] = t;
            } else if (fact instanceof PgHorizonHolder holder) {
                long[] oldest = horizons.computeIfAbsent(holder.database(), k -> new long[] {0, t});
                oldest[0] = Math.max(oldest[0], holder.xidAge());
                oldest[1] = Math.max(oldest[1], t);
            }
        }
        horizons.forEach((database, oldest) -> signals.add(
                new Signal(Plot.HORIZON, database, "xidAge", database + " oldest holder", oldest[0], oldest[1], oldest[0])));
        return signals;
    }
}
