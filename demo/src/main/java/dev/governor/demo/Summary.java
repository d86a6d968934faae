package dev.governor.demo;

import dev.governor.engine.config.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a demo run did: the decisions by action type and result (the outcome's status for actions that ran, the
 * envelope's verdict for those it held back), and what changed in the workload.
 *
 * @param ran        how long the demo ran
 * @param counts     by action type, then by result ({@code APPLIED}, {@code SUPPRESSED/COOLDOWN}, ...): how many
 * @param poolStart  the pool's maximum size at the start
 * @param poolEnd    ... and at the end
 * @param resizes    each applied pool resize, {@code max 4 -> 8}
 * @param vacuums    each applied vacuum
 * @param ended      each session ended by {@code pg.terminate}
 * @param limitStart the report executor's concurrency limit at the start
 * @param limitEnd   ... and at the end
 * @param throttles  each applied throttle or release, {@code limit 2 -> 1}
 */
record Summary(Duration ran, Map<String, Map<String, Integer>> counts, int poolStart, int poolEnd, List<String> resizes,
               List<Vacuum> vacuums, List<EndedSession> ended, int limitStart, int limitEnd, List<String> throttles) {

    /**
     * @param target       the table
     * @param deadBefore   dead rows in the sample the rule acted on; null when not known
     * @param removed      rows the vacuum removed
     * @param notRemovable dead rows it could not remove yet (the horizon was pinned)
     */
    record Vacuum(String target, Long deadBefore, long removed, long notRemovable) {
    }

    /**
     * @param target      {@code DATABASE/PID}
     * @param pid         the session's pid; null when not known
     * @param application its application name
     * @param idleSeconds how long it had been idle in its transaction when the rule saw it
     */
    record EndedSession(String target, Integer pid, String application, double idleSeconds) {
        String describe() {
            return String.format(Locale.ROOT, "pid %s (%s), idle in transaction for %.0f s", pid == null ? target : pid,
                    application, idleSeconds);
        }
    }

    /** How many actions of this type had this result. */
    int count(String type, String result) {
        return counts.getOrDefault(type, Map.of()).getOrDefault(result, 0);
    }

    void print(PrintWriter out) {
        out.println();
        out.println("Summary after " + Durations.format(ran.withNanos(0)));
        if (counts.isEmpty()) {
            out.println("  actions    none decided");
        }
        counts.forEach((type, byResult) -> out.printf("  %-18s %s%n", type, byResult.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "))));
        out.printf("  %-18s %s: max %d -> %d%s%n", "pool", Workload.POOL, poolStart, poolEnd,
                resizes.isEmpty() ? ", never resized" : " (" + String.join(", ", resizes) + ")");
        if (vacuums.isEmpty()) {
            out.printf("  %-18s %s: not vacuumed%n", "dead rows", Workload.TABLE);
        }
        for (Vacuum vacuum : vacuums) {
            out.printf(Locale.ROOT, "  %-18s %s: %s before a vacuum, %,d after (%,d removed, %,d not yet removable)%n", "dead rows",
                    vacuum.target(), vacuum.deadBefore() == null ? "?" : String.format(Locale.ROOT, "%,d", vacuum.deadBefore()),
                    vacuum.notRemovable(), vacuum.removed(), vacuum.notRemovable());
        }
        if (ended.isEmpty()) {
            out.printf("  %-18s none ended%n", "horizon holders");
        }
        for (EndedSession session : ended) {
            out.printf("  %-18s ended %s%n", "horizon holders", session.describe());
        }
        out.printf("  %-18s %s: limit %d -> %d%s%n", "executor", Workload.EXECUTOR, limitStart, limitEnd,
                throttles.isEmpty() ? ", never throttled" : " (" + String.join(", ", throttles) + ")");
        out.flush();
    }
}
