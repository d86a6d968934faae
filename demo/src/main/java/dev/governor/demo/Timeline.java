package dev.governor.demo;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.ExecutorSample;
import dev.governor.api.HostSample;
import dev.governor.api.PgHorizonHolder;
import dev.governor.api.PgTable;
import dev.governor.api.PoolSample;
import dev.governor.engine.envelope.EnvelopeGate;
import dev.governor.engine.envelope.Verdict;
import dev.governor.engine.rules.Decision;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells what Governor does as it happens, in a few lines per decision: what the rule saw (the facts it
 * matched), the rule, the action, the envelope's verdict and the outcome, and what changed. Actions the
 * envelope holds back by cooldown or because one is in flight are shown once per type, target and cause (a
 * rule may ask again every second), and counted for the {@link Summary}.
 */
final class Timeline implements EnvelopeGate.Listener {

    private static final Pattern VACUUM = Pattern.compile("tuples: (\\d+) removed, (\\d+) remain, (\\d+) are dead but not yet removable");
    private static final Pattern LIMIT = Pattern.compile("limit (\\d+) -> (\\d+)");
    private static final Pattern POOL_MAX = Pattern.compile("max (\\d+) -> (\\d+)");

    /** The width lines are wrapped at, and the indent of a decision's lines after its first. */
    static final int WIDTH = 120;
    private static final String INDENT = "       ";

    private final PrintWriter out;
    private volatile long startNanos;
    private final Map<String, Map<String, Integer>> counts = new TreeMap<>();
    private final Set<String> heldBackShown = new HashSet<>();
    private final List<Summary.Vacuum> vacuums = new ArrayList<>();
    private final List<Summary.EndedSession> ended = new ArrayList<>();
    private final List<String> resizes = new ArrayList<>();
    private final List<String> throttles = new ArrayList<>();

    Timeline(PrintWriter out, long startNanos) {
        this.out = out;
        this.startNanos = startNanos;
    }

    /** Starts the clock again: 00:00 is now. */
    void restart() {
        startNanos = System.nanoTime();
    }

    /** Prints a line with no time: what the demo does before its clock starts. */
    void say(String text) {
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }

    /** Prints a line of its own at the current time: the demo's status, a start or a stop. */
    void note(String text) {
        synchronized (out) {
            out.printf("%s  %s%n", clock(), text);
            out.flush();
        }
    }

    String clock() {
        long seconds = Duration.ofNanos(System.nanoTime() - startNanos).toSeconds();
        return String.format(Locale.ROOT, "%02d:%02d", seconds / 60, seconds % 60);
    }

    @Override
    public void onOutcome(Decision decision, Verdict verdict, ActionOutcome outcome, Duration took) {
        Action action = outcome.action();
        String result = verdict.runs() ? outcome.status().name() : verdict.label();
        boolean applied = verdict.runs() && outcome.status() == ActionOutcome.Status.APPLIED;
        String changed = applied ? record(decision, action, outcome) : null;
        synchronized (this) {
            counts.computeIfAbsent(action.type(), type -> new TreeMap<>()).merge(result, 1, Integer::sum);
            if (verdict.kind() == Verdict.Kind.SUPPRESSED && !heldBackShown.add(action.type() + " " + action.target() + " " + result)) {
                return;
            }
        }
        StringBuilder text = new StringBuilder();
        text.append(clock()).append("  ").append(seen(decision)).append('\n');
        text.append("       rule \"").append(decision.rule()).append("\"\n");
        text.append("       -> ").append(action.type()).append(' ').append(action.target()).append(params(action))
                .append("  ").append(verdictText(verdict)).append(verdict.runs() ? ", " + outcome.status() : "")
                .append('\n');
        String detail = changed != null ? changed : verdict.runs() ? outcome.message() : verdict.message();
        if (!detail.isEmpty()) {
            text.append(wrap(detail));
        }
        if (verdict.kind() == Verdict.Kind.SUPPRESSED) {
            text.append("       (shown once; the envelope holds back the same again until it may run)\n");
        }
        synchronized (out) {
            out.print(text);
            out.flush();
        }
    }

    private static String verdictText(Verdict verdict) {
        return verdict.kind() == Verdict.Kind.CLAMPED ? "CLAMPED (" + verdict.message() + ")" : verdict.label();
    }

    /** What changed, for the actions the demo knows, and what the summary keeps of it. */
    private String record(Decision decision, Action action, ActionOutcome outcome) {
        String message = outcome.message();
        switch (action.type()) {
            case "pool.resize": {
                Matcher m = POOL_MAX.matcher(message);
                String change = m.find() ? "max " + m.group(1) + " -> " + m.group(2) : "max " + action.param("max", "?");
                synchronized (this) {
                    resizes.add(change);
                }
                return message;
            }
            case "pg.vacuum": {
                Matcher m = VACUUM.matcher(message);
                PgTable table = first(decision, PgTable.class);
                Long before = table == null ? null : table.deadTuples();
                if (!m.find()) {
                    return message;
                }
                long removed = Long.parseLong(m.group(1));
                long notRemovable = Long.parseLong(m.group(3));
                synchronized (this) {
                    vacuums.add(new Summary.Vacuum(action.target(), before, removed, notRemovable));
                }
                return String.format(Locale.ROOT, "dead rows %s -> %,d  (VACUUM removed %,d row versions%s)",
                        before == null ? "?" : String.format(Locale.ROOT, "%,d", before), notRemovable, removed,
                        notRemovable > 0 ? String.format(Locale.ROOT, "; %,d dead but not yet removable: a transaction may still see them",
                                notRemovable) : "");
            }
            case "pg.terminate": {
                PgHorizonHolder holder = first(decision, PgHorizonHolder.class);
                Summary.EndedSession session = holder == null
                        ? new Summary.EndedSession(action.target(), null, String.valueOf(action.param("application", "?")), 0)
                        : new Summary.EndedSession(action.target(), holder.pid(), holder.application(), holder.inStateSeconds());
                synchronized (this) {
                    ended.add(session);
                }
                return "ended " + session.describe() + "; its transaction was rolled back";
            }
            case "executor.throttle": {
                Matcher m = LIMIT.matcher(message);
                String change = m.find() ? "limit " + m.group(1) + " -> " + m.group(2) : "limit " + action.param("limit", "?");
                synchronized (this) {
                    throttles.add(change);
                }
                return "executor " + action.target() + ": " + change + " tasks at once";
            }
            case "notify.log":
            case "notify.webhook":
                return "told: " + action.param("message", message);
            default:
                return message;
        }
    }

    /** What the rule saw: the first fact the demo can describe, among those it matched. */
    private static String seen(Decision decision) {
        for (Object fact : decision.facts()) {
            if (fact instanceof PoolSample p) {
                return String.format(Locale.ROOT, "pool %s: %d %s waiting, %d/%d connections in use", p.pool(), p.waiting(),
                        p.waiting() == 1 ? "caller" : "callers", p.active(), p.max());
            }
            if (fact instanceof PgTable t) {
                return String.format(Locale.ROOT, "table %s: %,d dead rows (autovacuum's threshold %,.0f, autovacuum %s)", t.target(),
                        t.deadTuples(), t.vacuumThreshold(), t.autovacuumEnabled() ? "on" : "off for it");
            }
            if (fact instanceof PgHorizonHolder h) {
                return String.format(Locale.ROOT, "session pid %s (%s, role %s): %s for %.0f s, holding the horizon %,d transactions back",
                        h.pid(), h.application(), h.user(), h.state(), h.inStateSeconds(), h.xidAge());
            }
            if (fact instanceof ExecutorSample e) {
                return String.format(Locale.ROOT, "executor %s: %d/%d threads busy, %d queued", e.executor(), e.active(), e.max(), e.queued());
            }
            if (fact instanceof HostSample s) {
                return String.format(Locale.ROOT, "CPU: this process %.0f%%, the machine %.0f%% of %.0f CPUs", s.processCpuLoad() * 100,
                        s.cpuLoad() * 100, s.cpus());
            }
        }
        return "decision " + decision.id();
    }

    private static <T> T first(Decision decision, Class<T> type) {
        for (Object fact : decision.facts()) {
            if (type.isInstance(fact)) {
                return type.cast(fact);
            }
        }
        return null;
    }

    private static String params(Action action) {
        if (action.params().isEmpty() || action.type().startsWith("notify.")) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        action.params().forEach((name, value) -> {
            if (name.equals("max") || name.equals("limit") || name.equals("application")) {
                text.append(' ').append(name).append(' ').append(value);
            }
        });
        return text.toString();
    }

    /** Indented lines of at most {@value #WIDTH} characters, broken between words; very long text is cut. */
    static String wrap(String text) {
        String rest = text.replace('\n', ' ').strip();
        if (rest.length() > 4 * WIDTH) {
            rest = rest.substring(0, 4 * WIDTH - 3) + "...";
        }
        StringBuilder out = new StringBuilder();
        while (!rest.isEmpty()) {
            int room = WIDTH - INDENT.length();
            int cut = rest.length() <= room ? rest.length() : rest.lastIndexOf(' ', room);
            if (cut <= 0) {
                cut = Math.min(room, rest.length());
            }
            out.append(INDENT).append(rest, 0, cut).append('\n');
            rest = rest.substring(cut).strip();
        }
        return out.toString();
    }

    /** What happened so far. */
    synchronized Summary summary(Duration ran, int poolStart, int poolEnd, int limitStart, int limitEnd) {
        Map<String, Map<String, Integer>> copy = new TreeMap<>();
        counts.forEach((type, byResult) -> copy.put(type, java.util.Collections.unmodifiableMap(new TreeMap<>(byResult))));
        return new Summary(ran, copy, poolStart, poolEnd, List.copyOf(resizes), List.copyOf(vacuums), List.copyOf(ended),
                limitStart, limitEnd, List.copyOf(throttles));
    }
}
