package dev.governor.plugin.postgres;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the server said while running {@code VACUUM (VERBOSE)} or {@code ANALYZE (VERBOSE)}, read from its
 * notices: whether it skipped the table (a WARNING such as {@code skipping "t" --- only table or database
 * owner can vacuum it} or {@code skipping vacuum of "t" --- lock not available}: the command itself
 * succeeds), and what it did, summed over every relation it processed (the table, its TOAST table, the
 * partitions of a partitioned table).
 *
 * <p>VACUUM's tuple counts come from PostgreSQL 15+'s {@code tuples: X removed, Y remain, Z are dead but
 * not yet removable} and {@code removable cutoff: N, which was A XIDs old}, or from 13/14's
 * {@code found X removable, Y nonremovable row versions} with {@code Z dead row versions cannot be removed
 * yet, oldest xmin: N}.
 *
 * @param skipped   the server's text when it skipped the table, else null
 * @param relations relations whose VACUUM summary was read
 * @param toast     how many of them were TOAST tables
 * @param removed   dead tuples removed
 * @param remain    tuples left (live plus dead ones not yet removable)
 * @param notYetRemovable dead tuples that could not be removed because the xmin horizon still needs them
 * @param cutoff    the removal horizon VACUUM used (the oldest, when several), or -1 when not reported
 * @param cutoffAge how many XIDs old that horizon was (15+), or -1 when not reported
 * @param analyze   ANALYZE's own summary ({@code scanned ... estimated total rows}), or null
 */
record VerboseReport(String skipped, int relations, int toast, long removed, long remain, long notYetRemovable, long cutoff,
                     long cutoffAge, String analyze) {

    /** One server notice: its severity ({@code INFO}, {@code WARNING}, ...) and its message with any detail. */
    record Notice(String severity, String text) {
    }

    private static final Pattern TUPLES_15 = Pattern.compile(
            "tuples: (\\d+) removed, (\\d+) remain, (\\d+) are dead but not yet removable");
    private static final Pattern CUTOFF_15 = Pattern.compile("removable cutoff: (\\d+), which was (\\d+) XIDs old");
    private static final Pattern FOUND_13 = Pattern.compile("found (\\d+) removable, (\\d+) nonremovable row versions");
    private static final Pattern KEPT_13 = Pattern.compile(
            "(\\d+) dead row versions cannot be removed yet(?:, oldest xmin: (\\d+))?");
    /** Names the relation a VACUUM summary is about: 15+ {@code finished vacuuming "db.s.t"}, 13/14 {@code vacuuming "s.t"}. */
    private static final Pattern VACUUMING = Pattern.compile("^(?:finished )?vacuuming \"([^\n]*)\"");
    private static final Pattern ANALYZE = Pattern.compile("scanned \\d+ of \\d+ pages, containing .*? estimated total rows");

    static VerboseReport of(List<Notice> notices) {
        String skipped = null;
        int relations = 0;
        int toast = 0;
        long removed = 0;
        long remain = 0;
        long kept = 0;
        long cutoff = -1;
        long cutoffAge = -1;
        String analyze = null;
        boolean modern = notices.stream().anyMatch(n -> TUPLES_15.matcher(n.text()).find());
        for (Notice notice : notices) {
            String text = notice.text();
            if (skipped == null && isSkip(notice)) {
                skipped = text.strip().replace('\n', ' ');
            }
            Matcher vacuuming = VACUUMING.matcher(text);
            // 15+ names each relation twice (vacuuming, finished vacuuming): count the summary only.
            if (vacuuming.find() && vacuuming.group(1).contains("pg_toast.pg_toast_") && (!modern || text.startsWith("finished"))) {
                toast++;
            }
            Matcher tuples = TUPLES_15.matcher(text);
            Matcher found = FOUND_13.matcher(text);
            if (tuples.find()) {
                relations++;
                removed += Long.parseLong(tuples.group(1));
                remain += Long.parseLong(tuples.group(2));
                kept += Long.parseLong(tuples.group(3));
            } else if (found.find()) {
                relations++;
                removed += Long.parseLong(found.group(1));
                remain += Long.parseLong(found.group(2));
            }
            Matcher keptOld = KEPT_13.matcher(text);
            if (keptOld.find()) {
                kept += Long.parseLong(keptOld.group(1));
                if (keptOld.group(2) != null) {
                    cutoff = oldest(cutoff, Long.parseLong(keptOld.group(2)));
                }
            }
            Matcher cut = CUTOFF_15.matcher(text);
            if (cut.find()) {
                cutoff = oldest(cutoff, Long.parseLong(cut.group(1)));
                cutoffAge = Math.max(cutoffAge, Long.parseLong(cut.group(2)));
            }
            Matcher analyzed = ANALYZE.matcher(text);
            if (analyze == null && analyzed.find()) {
                analyze = analyzed.group();
            }
        }
        return new VerboseReport(skipped, relations, toast, removed, remain, kept, cutoff, cutoffAge, analyze);
    }

    /** {@code tuples: X removed, Y remain, Z are dead but not yet removable; removable cutoff N, A XIDs old}, or null. */
    String tupleSummary() {
        if (relations == 0) {
            return null;
        }
        StringBuilder out = new StringBuilder("tuples: ").append(removed).append(" removed, ").append(remain)
                .append(" remain, ").append(notYetRemovable).append(" are dead but not yet removable");
        int tables = relations - toast;
        if (tables == 1 && toast == 1) {
            out.append(" (with its TOAST table)");
        } else if (relations > 1) {
            out.append(" (summed over ").append(tables).append(tables == 1 ? " table" : " tables");
            if (toast > 0) {
                out.append(" and ").append(toast).append(toast == 1 ? " TOAST table" : " TOAST tables");
            }
            out.append(")");
        }
        if (cutoff >= 0) {
            out.append("; removable cutoff ").append(cutoff);
            if (cutoffAge >= 0) {
                out.append(", ").append(cutoffAge).append(" XIDs old");
            }
        }
        return out.toString();
    }

    private static long oldest(long current, long candidate) {
        // XIDs wrap; within one report they are close together, so the smaller one is the older.
        return current < 0 ? candidate : Math.min(current, candidate);
    }

    private static boolean isSkip(Notice notice) {
        if (!"WARNING".equals(notice.severity())) {
            return false;
        }
        String text = notice.text().toLowerCase(Locale.ROOT);
        return text.startsWith("skipping") || text.contains("skipping it") || text.contains("permission denied");
    }
}
