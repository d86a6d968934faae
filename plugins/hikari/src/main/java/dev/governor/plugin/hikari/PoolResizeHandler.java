package dev.governor.plugin.hikari;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.spi.ActionHandler;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out {@code pool.resize}: sets a HikariCP pool's maximum size ({@code max}) and, optionally, its
 * minimum idle ({@code minIdle}), never above the pool's ceiling, and waits up to {@code settle} for the
 * pool's connections to follow. Thread-safe; resizes of one pool take turns.
 */
final class PoolResizeHandler implements ActionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(PoolResizeHandler.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Set<String> PARAMS = Set.of(HikariPlugin.MAX, HikariPlugin.MIN_IDLE);

    private final HikariSettings settings;
    private final Pools pools;
    private final Clock clock;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    PoolResizeHandler(HikariSettings settings, Pools pools, Clock clock) {
        this.settings = settings;
        this.pools = pools;
        this.clock = clock;
    }

    /** {@code {max, minIdle}} of the pool; empty when no such pool is found. */
    @Override
    public Map<String, Number> current(String target) throws IOException, InterruptedException {
        PoolAccess pool;
        try {
            pool = pools.find(target);
        } catch (Pools.NotFound e) {
            return Map.of();
        }
        PoolState state = pool.read();
        return Map.of(HikariPlugin.MAX, state.max(), HikariPlugin.MIN_IDLE, state.minIdle());
    }

    @Override
    public ActionOutcome handle(Action action) throws Exception {
        if (!HikariPlugin.POOL_RESIZE.equals(action.type())) {
            return failed(action, "the hikari plugin does not handle " + action.type());
        }
        Request request;
        try {
            request = Request.of(action.params());
        } catch (IllegalArgumentException e) {
            return failed(action, e.getMessage());
        }
        PoolAccess pool;
        try {
            pool = pools.find(action.target());
        } catch (Pools.NotFound | IOException e) {
            return failed(action, e.getMessage());
        }
        synchronized (locks.computeIfAbsent(action.target(), t -> new Object())) {
            return resize(action, pool, request);
        }
    }

    private ActionOutcome resize(Action action, PoolAccess pool, Request request) throws IOException, InterruptedException {
        String name = action.target();
        PoolState before = pool.read();
        List<String> notes = new ArrayList<>();

        int max = request.max();
        Ceiling.Value ceiling;
        try {
            ceiling = ceiling(Pools.poolName(name));
        } catch (SQLException e) {
            return failed(action, name + ": not resized, the ceiling cannot be read: " + e.getMessage());
        }
        if (ceiling != null && ceiling.value() < 1) {
            return failed(action, name + ": not resized, the ceiling is " + ceiling.value() + " " + ceiling.why());
        }
        if (ceiling != null && max > ceiling.value()) {
            if (max > before.max() && ceiling.value() < before.max()) {
                return ActionOutcome.skipped(action, name + ": max " + max + " asks to grow, but the ceiling is "
                        + ceiling.value() + " " + ceiling.why() + " and max is " + before.max()
                        + " already; a request to grow does not shrink", clock.instant());
            }
            notes.add("max " + max + " clamped to ceiling " + ceiling.value() + " " + ceiling.why());
            max = ceiling.value();
        }
        int minIdle = request.minIdle() == null ? before.minIdle() : request.minIdle();
        if (minIdle > max) {
            notes.add(request.minIdle() == null
                    ? "minIdle " + minIdle + " lowered to " + max + " to stay within max"
                    : "minIdle " + minIdle + " clamped to " + max + " to stay within max");
            minIdle = max;
        }
        if (max == before.max() && minIdle == before.minIdle()) {
            return ActionOutcome.skipped(action, name + ": already max " + max + ", minIdle " + minIdle + notes(notes),
                    clock.instant());
        }

        long start = System.nanoTime();
        List<String> done = new ArrayList<>();
        try {
            apply(pool, before, max, minIdle, done);
        } catch (IOException e) {
            return failed(action, name + ": resize " + pool.where() + " failed"
                    + (done.isEmpty() ? "" : " after setting " + String.join(" and ", done)) + ": " + e.getMessage());
        }
        String sizes = name + (pool instanceof LocalPool ? "" : " (" + pool.where() + ")") + ": max "
                + change(before.max(), max) + ", minIdle " + change(before.minIdle(), minIdle);
        String settled;
        try {
            settled = settle(pool, before, max, minIdle, start);
        } catch (IOException | RuntimeException e) {
            settled = "(the connections could not be read afterwards: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            settled = "(interrupted while the connections settled)";
        }
        String message = sizes + " " + settled + notes(notes);
        LOG.info("pool.resize {}", message);
        return ActionOutcome.applied(action, message, clock.instant());
    }

    /**
     * Sets the sizes so that minIdle never exceeds max on the way: when the new max is below the current
     * minIdle, minIdle goes first.
     */
    private static void apply(PoolAccess pool, PoolState before, int max, int minIdle, List<String> done)
            throws IOException, InterruptedException {
        if (max < before.minIdle()) {
            pool.setMinimumIdle(minIdle);
            done.add("minIdle " + minIdle);
            pool.setMaximumPoolSize(max);
            done.add("max " + max);
            return;
        }
        if (max != before.max()) {
            pool.setMaximumPoolSize(max);
            done.add("max " + max);
        }
        if (minIdle != before.minIdle()) {
            pool.setMinimumIdle(minIdle);
            done.add("minIdle " + minIdle);
        }
    }

    /**
     * After a shrink, soft-evicts when the pool holds more connections than its new max, then waits until it
     * holds no more; after a growth, has connections opened for the waiting callers and up to minIdle, and
     * waits until the pool needs none. Waits {@code settle} at most.
     *
     * @return what became of the total, e.g. {@code (total 2 -> 6 after 0.4 s)}
     */
    private String settle(PoolAccess pool, PoolState before, int max, int minIdle, long start)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + settings.settle().toNanos();
        PoolState now = pool.read();
        boolean evicted = false;
        if (now.total() > max) {
            pool.softEvictConnections();
            evicted = true;
        }
        boolean opens = true;
        while (true) {
            boolean shrinking = now.total() > max;
            boolean growing = now.total() < max && (now.waiting() > now.idle() || now.idle() < minIdle);
            if (!shrinking && !growing) {
                break;
            }
            if (growing) {
                opens = pool.openConnectionsNow(now);
                if (!opens) {
                    break;
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                break;
            }
            Thread.sleep(POLL.toMillis());
            now = pool.read();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        StringBuilder out = new StringBuilder("(");
        if (evicted) {
            out.append("soft-evicted; ");
        }
        out.append("total ").append(change(before.total(), now.total()))
                .append(String.format(Locale.ROOT, " after %.1f s", seconds));
        if (now.total() > max) {
            out.append("; ").append(now.active()).append(" in use close when returned");
        } else if (!opens && now.waiting() > now.idle() && now.total() < max) {
            out.append("; HikariCP opens connections for waiting callers as new callers arrive");
        }
        return out.append(')').toString();
    }

    /** The lowest ceiling that applies to the pool, or null when none is configured. */
    private Ceiling.Value ceiling(String pool) throws SQLException {
        Ceiling.Value lowest = null;
        for (Ceiling ceiling : settings.ceilingsFor(pool)) {
            Ceiling.Value value = ceiling instanceof Ceiling.Fixed fixed
                    ? new Ceiling.Value(fixed.value(), "(" + fixed.setting() + ")")
                    : DatabaseCeiling.read((Ceiling.DatabaseShare) ceiling);
            if (lowest == null || value.value() < lowest.value()) {
                lowest = value;
            }
        }
        return lowest;
    }

    private static String change(int before, int after) {
        return before == after ? Integer.toString(after) : before + " -> " + after;
    }

    private static String notes(List<String> notes) {
        return notes.isEmpty() ? "" : "; " + String.join("; ", notes);
    }

    private ActionOutcome failed(Action action, String message) {
        return ActionOutcome.failed(action, message, clock.instant());
    }

    @Override
    public void close() {
        pools.close();
    }

    /** The parameters of one {@code pool.resize}. */
    record Request(int max, Integer minIdle) {

        static Request of(Map<String, Object> params) {
            for (String key : params.keySet()) {
                if (!PARAMS.contains(key)) {
                    throw new IllegalArgumentException("pool.resize takes params max and minIdle, not '" + key + "'");
                }
            }
            Object max = params.get(HikariPlugin.MAX);
            if (max == null) {
                throw new IllegalArgumentException("pool.resize needs params.max, the new maximum pool size (a whole number >= 1)");
            }
            int maxValue = wholeNumber("max", max, 1);
            Object minIdle = params.get(HikariPlugin.MIN_IDLE);
            Integer minIdleValue = minIdle == null ? null : wholeNumber("minIdle", minIdle, 0);
            if (minIdleValue != null && minIdleValue > maxValue) {
                throw new IllegalArgumentException("params.minIdle " + minIdleValue + " is above params.max " + maxValue
                        + "; HikariCP needs minIdle <= max");
            }
            return new Request(maxValue, minIdleValue);
        }

        /** A number with no fraction, e.g. 14 or 14.0 as rules compute it. */
        private static int wholeNumber(String param, Object value, int min) {
            if (value instanceof Number number) {
                double d = number.doubleValue();
                if (d == Math.rint(d) && d >= min && d <= Integer.MAX_VALUE) {
                    return (int) d;
                }
            }
            throw new IllegalArgumentException("params." + param + " must be a whole number >= " + min + ", was "
                    + (value instanceof String ? "'" + value + "' (a string)" : value));
        }
    }
}
