package dev.governor.engine.rules;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the longest span of time a rule text looks back over: sliding windows
 * ({@code over window:time( 15m )}) and temporal operators with bounds ({@code after[ 0s, 30s ]}).
 *
 * <p>Facts must stay in the session at least that long, or a rule such as "no outcome in the last 15
 * minutes" would see its outcome expire early. Drools' explicit {@code @expires} would otherwise cap
 * the retention below what a window needs.
 */
final class TemporalSpans {

    private static final Pattern WINDOW = Pattern.compile("window\\s*:\\s*time\\s*\\(\\s*([^)]+?)\\s*\\)");
    private static final Pattern OPERATOR = Pattern.compile(
            "\\b(?:after|before|coincides|during|finishes|finishedby|includes|meets|metby|overlaps|overlappedby|starts|startedby)"
                    + "\\s*\\[([^\\]]+)]");
    private static final Pattern TIME = Pattern.compile("(-?\\d+)\\s*(ms|d|h|m|s)?");

    private TemporalSpans() {
    }

    /** The longest span in the text; zero when there is none. */
    static Duration longest(String drl) {
        long longest = 0;
        Matcher window = WINDOW.matcher(drl);
        while (window.find()) {
            longest = Math.max(longest, millis(window.group(1)));
        }
        Matcher operator = OPERATOR.matcher(drl);
        while (operator.find()) {
            for (String bound : operator.group(1).split(",")) {
                longest = Math.max(longest, Math.abs(millis(bound.trim())));
            }
        }
        return Duration.ofMillis(longest);
    }

    /** Drools time text: {@code 90s}, {@code 1h30m}, {@code 500ms}, or plain milliseconds. */
    static long millis(String text) {
        Matcher matcher = TIME.matcher(text.replace(" ", ""));
        long total = 0;
        int end = 0;
        while (matcher.find() && matcher.start() == end) {
            long amount = Long.parseLong(matcher.group(1));
            String unit = matcher.group(2) == null ? "ms" : matcher.group(2);
            total += switch (unit) {
                case "d" -> amount * 86_400_000L;
                case "h" -> amount * 3_600_000L;
                case "m" -> amount * 60_000L;
                case "s" -> amount * 1_000L;
                default -> amount;
            };
            end = matcher.end();
        }
        return total;
    }
}
