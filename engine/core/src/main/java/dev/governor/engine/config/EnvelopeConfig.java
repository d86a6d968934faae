package dev.governor.engine.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The safety envelope ({@code envelope:} in {@code governor.yaml}): the limits every action passes before a
 * plugin carries it out, whichever rule decided it and whichever plugin handles it.
 *
 * <pre>{@code
 * envelope:
 *   state: state/envelope.json
 *   breaker: { maxActions: 30, maxFailures: 5, window: 10m, fallback: notify.log }
 *   actions:
 *     pool.resize:
 *       params:
 *         max:     { min: 2, max: 40, maxStepUp: 4, maxStepDown: 2 }
 *         minIdle: { min: 0, max: 40 }
 *       cooldown: { up: 1m, down: 5m }
 *       targets:
 *         orders: { params: { max: { max: 20 } } }
 *     pg.terminate:
 *       allowRoles: [app]
 *   silences:
 *     - { target: "main/*", until: 2026-12-01T06:00:00Z, reason: "db maintenance", by: ops-oncall }
 * }</pre>
 *
 * Every key may be left out: each action type then keeps its built-in rules, listed on {@link ActionRules}.
 *
 * @param state    where cooldowns, stabilization windows, rate budgets, actions in flight, the breaker and
 *                 the silences set at run time survive a restart; default {@code state/envelope.json}
 * @param breaker  the global circuit breaker
 * @param actions  rules per action type, over the built-in ones; keys are action types such as {@code pool.resize}
 * @param silences silences written in the file (more can be set at run time with {@code governor silence add})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnvelopeConfig(Path state, Breaker breaker, Map<String, ActionRules> actions, List<SilenceRule> silences) {

    private static final Pattern ACTION_TYPE = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)+");

    public EnvelopeConfig {
        state = state == null ? Path.of("state", "envelope.json") : state;
        breaker = breaker == null ? new Breaker(null, null, null, null) : breaker;
        actions = ordered(actions);
        for (String type : actions.keySet()) {
            if (!ACTION_TYPE.matcher(type).matches()) {
                throw new IllegalArgumentException("actions: '" + type
                        + "' is not an action type: use lower-case words separated by dots, e.g. pool.resize");
            }
            Objects.requireNonNull(actions.get(type), () -> "actions." + type + " is empty: give it keys or remove it");
        }
        silences = silences == null ? List.of() : List.copyOf(silences);
    }

    /** The envelope with every default. */
    public static EnvelopeConfig defaults() {
        return new EnvelopeConfig(null, null, null, null);
    }

    public EnvelopeConfig withState(Path file) {
        return new EnvelopeConfig(file, breaker, actions, silences);
    }

    /**
     * The global circuit breaker: after {@code maxActions} actions or {@code maxFailures} failed actions within
     * {@code window}, Governor falls back to notify-only until the window has passed since it opened. Each
     * action it holds back is reported SKIPPED, and a {@code fallback} notification says what would have been
     * done. Notifications ({@code notify.*} and the fallback type) are neither counted nor held back; dry-run
     * actions are neither counted nor held back.
     *
     * @param maxActions  actions started within the window that open the breaker; default 30
     * @param maxFailures FAILED outcomes within the window that open the breaker; default 5
     * @param window      the window, and how long the breaker stays open; default 10m
     * @param fallback    the action type that says what would have been done; default {@code notify.log}
     */
    public record Breaker(Integer maxActions, Integer maxFailures, Duration window, String fallback) {
        public Breaker {
            maxActions = maxActions == null ? 30 : maxActions;
            maxFailures = maxFailures == null ? 5 : maxFailures;
            window = window == null ? Duration.ofMinutes(10) : window;
            fallback = fallback == null ? "notify.log" : fallback;
            if (maxActions < 1) {
                throw new IllegalArgumentException("maxActions must be at least 1, was " + maxActions);
            }
            if (maxFailures < 1) {
                throw new IllegalArgumentException("maxFailures must be at least 1, was " + maxFailures);
            }
            positive(window, "window");
            if (!ACTION_TYPE.matcher(fallback).matches()) {
                throw new IllegalArgumentException("fallback '" + fallback + "' is not an action type, e.g. notify.log");
            }
        }
    }

    /**
     * The rules for one action type. A key left out keeps the type's built-in value ({@link #builtIn}):
     * <table>
     *   <caption>Built-in rules</caption>
     *   <tr><th>type</th><th>built-in</th></tr>
     *   <tr><td>{@code pg.vacuum}, {@code pg.analyze}</td><td>allowed on every table of every database in
     *       {@code databases:} ({@code allow: ["DATABASE/*"]}; they take no exclusive lock); cooldown 10m per
     *       table; rate 20 per 1h</td></tr>
     *   <tr><td>{@code pg.cancel}, {@code pg.terminate}</td><td>denied until {@code allowRoles} or
     *       {@code allowApplications} is set; then only on databases in {@code databases:}; cooldown 1m per
     *       target; rate 10 per 1h</td></tr>
     *   <tr><td>{@code cpu.affinity}</td><td>off until {@code enabled: true}; cooldown 5m; rate 6 per 1h</td></tr>
     *   <tr><td>{@code pool.resize} ({@code max}, {@code minIdle}), {@code executor.resize} ({@code core},
     *       {@code max}), {@code executor.throttle} ({@code limit})</td><td>each of these parameters must be
     *       given {@code min} and {@code max} under {@code params}, or the action is denied naming the key to
     *       set; steps {@code maxStepUp: 100%}, {@code maxStepDown: 50%} ({@code pool.resize}: 100%); cooldown
     *       up 1m ({@code pool.resize}: 5s), down 5m; stabilization down 5m; tolerance 10%; rate 30 per 1h</td></tr>
     *   <tr><td>{@code notify.*}</td><td>allowed; cooldown 1m per target, so a rule that fires every second
     *       notifies once a minute; rate 120 per 1h</td></tr>
     *   <tr><td>any other type (third-party plugins)</td><td>allowed (any other {@code pg.*} type: only on databases
     *       in {@code databases:}); cooldown 1m per target; rate 30 per 1h</td></tr>
     * </table>
     * Every type: {@code enabled: true} (but {@code cpu.affinity}), {@code dryRun: false}, {@code allow: ["*"]}
     * (but {@code pg.*}), {@code deny: []}, no stabilization and no tolerance unless listed above.
     *
     * @param enabled           false denies every action of the type
     * @param dryRun            true: decide and audit, never execute (as {@code mode: dry-run}, for this type)
     * @param params            bounds and steps of numeric parameters, by parameter name
     * @param cooldown          the time after an action on a target before the next one on that target:
     *                          {@code 5m}, or {@code { up: 1m, down: 5m }} for increases and decreases of
     *                          numeric parameters (other actions wait the longer of the two)
     * @param stabilization     {@code { down: 5m }}: a decrease goes no lower than the largest value recommended
     *                          for that parameter within the window, as Kubernetes' HPA scale-down stabilization
     * @param tolerance         no action when every parameter would change by less than this: {@code 10%} of
     *                          the current value, or an absolute amount
     * @param rate              at most {@code max} actions of this type, all targets together, per {@code per}
     * @param allow             target globs the type may act on ({@code *} matches any text, {@code ?} one
     *                          character); deny wins over allow
     * @param deny              target globs the type must never act on
     * @param allowRoles        role globs; when set, an action must carry a {@code role} param matching one
     * @param allowApplications application globs; when set, an action must carry an {@code application} param
     *                          matching one
     * @param targets           overrides for targets matching a glob; every matching entry applies, in the
     *                          order written, so write general globs first
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ActionRules(Boolean enabled, Boolean dryRun, Map<String, ParamLimits> params, Cooldown cooldown,
                              Stabilization stabilization, Amount tolerance, Rate rate, List<String> allow,
                              List<String> deny, List<String> allowRoles, List<String> allowApplications,
                              Map<String, TargetRules> targets) {
        public ActionRules {
            params = params == null ? null : ordered(params);
            allow = allow == null ? null : globs(allow, "allow");
            deny = deny == null ? null : globs(deny, "deny");
            allowRoles = allowRoles == null ? null : globs(allowRoles, "allowRoles");
            allowApplications = allowApplications == null ? null : globs(allowApplications, "allowApplications");
            targets = targets == null ? null : ordered(targets);
        }

        /** Rules that set nothing. */
        public static ActionRules none() {
            return new ActionRules(null, null, null, null, null, null, null, null, null, null, null, null);
        }

        /** The type's built-in rules: see the table above. {@code databases} are the names under {@code databases:}. */
        public static ActionRules builtIn(String type, Collection<String> databases) {
            Rate hourly30 = new Rate(30, Duration.ofHours(1));
            switch (type) {
                case "pg.vacuum", "pg.analyze":
                    return new ActionRules(true, false, null, Cooldown.of(Duration.ofMinutes(10)), null, null,
                            new Rate(20, Duration.ofHours(1)), databaseGlobs(databases), List.of(), List.of(), List.of(), null);
                case "pg.cancel", "pg.terminate":
                    return new ActionRules(true, false, null, Cooldown.of(Duration.ofMinutes(1)), null, null,
                            new Rate(10, Duration.ofHours(1)), databaseGlobs(databases), List.of(), List.of(), List.of(), null);
                case "cpu.affinity":
                    return new ActionRules(false, false, null, Cooldown.of(Duration.ofMinutes(5)), null, null,
                            new Rate(6, Duration.ofHours(1)), List.of("*"), List.of(), List.of(), List.of(), null);
                case "pool.resize":
                    // A connection opens in milliseconds and the next sample shows what it changed: a pool may
                    // double every 5 s and drop to what its rule recommends at once (HPA's scale-down policy,
                    // 100% per period, after the same 5-minute window).
                    return resize(hourly30, Amount.percent(100), new Cooldown(Duration.ofSeconds(5), Duration.ofMinutes(5)),
                            "max", "minIdle");
                case "executor.resize":
                    return resize(hourly30, "core", "max");
                case "executor.throttle":
                    return resize(hourly30, "limit");
                default:
                    boolean notify = type.startsWith("notify.");
                    return new ActionRules(true, false, null, Cooldown.of(Duration.ofMinutes(1)), null, null,
                            notify ? new Rate(120, Duration.ofHours(1)) : hourly30,
                            type.startsWith("pg.") ? databaseGlobs(databases) : List.of("*"), List.of(), List.of(), List.of(), null);
            }
        }

        private static ActionRules resize(Rate rate, String... params) {
            return resize(rate, Amount.percent(50), new Cooldown(Duration.ofMinutes(1), Duration.ofMinutes(5)), params);
        }

        private static ActionRules resize(Rate rate, Amount maxStepDown, Cooldown cooldown, String... params) {
            Map<String, ParamLimits> limits = new LinkedHashMap<>();
            for (String param : params) {
                limits.put(param, new ParamLimits(null, null, Amount.percent(100), maxStepDown));
            }
            return new ActionRules(true, false, limits, cooldown,
                    new Stabilization(Duration.ofMinutes(5)), Amount.percent(10), rate,
                    List.of("*"), List.of(), List.of(), List.of(), null);
        }

        private static List<String> databaseGlobs(Collection<String> databases) {
            List<String> globs = new ArrayList<>();
            for (String database : databases) {
                globs.add(database + "/*");
            }
            return List.copyOf(globs);
        }
    }

    /**
     * Overrides for the targets that match a glob under {@code targets:}; the keys mean what they mean on
     * {@link ActionRules}. The rate budget, allow and deny lists belong to the type and cannot be set here.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TargetRules(Boolean enabled, Boolean dryRun, Map<String, ParamLimits> params, Cooldown cooldown,
                              Stabilization stabilization, Amount tolerance) {
        public TargetRules {
            params = params == null ? null : ordered(params);
        }
    }

    /**
     * Bounds and steps of one numeric parameter. A requested value outside {@code [min, max]} is clamped to
     * the bound; a change larger than a step is clamped to the step. Steps are absolute ({@code 4}) or a
     * percentage of the current value ({@code 50%}); a whole-number parameter moves by at least 1. Bounds win
     * over steps: when the current value is outside the bounds, the next action brings it to the nearest bound.
     *
     * @param min         the lowest value an action may set; required for the built-in resize types
     * @param max         the highest value an action may set; required for the built-in resize types
     * @param maxStepUp   the largest increase per action; built-in 100% for resize types, else none
     * @param maxStepDown the largest decrease per action; built-in 50% for resize types, else none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ParamLimits(Double min, Double max, Amount maxStepUp, Amount maxStepDown) {
        public ParamLimits {
            if (min != null && !Double.isFinite(min) || max != null && !Double.isFinite(max)) {
                throw new IllegalArgumentException("min and max must be finite numbers");
            }
            if (min != null && max != null && min > max) {
                throw new IllegalArgumentException("min " + Amount.format(min) + " is above max " + Amount.format(max));
            }
            if (maxStepUp != null && maxStepUp.value() <= 0) {
                throw new IllegalArgumentException("maxStepUp must be above 0, was " + maxStepUp);
            }
            if (maxStepDown != null && maxStepDown.value() <= 0) {
                throw new IllegalArgumentException("maxStepDown must be above 0, was " + maxStepDown);
            }
        }
    }

    /**
     * How long after an action on a target the next one on that target waits. Written {@code 5m} (both
     * directions) or {@code { up: 1m, down: 5m }}; {@code 0s} means no cooldown.
     *
     * @param up   after an increase of a numeric parameter (and the built-in for other actions)
     * @param down after a decrease
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cooldown(Duration up, Duration down) {
        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public Cooldown {
            notNegative(up, "up");
            notNegative(down, "down");
        }

        /** The same cooldown for increases, decreases and every other action. */
        public static Cooldown of(Duration both) {
            return new Cooldown(both, both);
        }

        /**
         * {@code 5m}: the same cooldown both ways. A String creator, not a Duration one: Jackson would hand a
         * Duration creator the {@code { up, down }} mapping as well.
         */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Cooldown parse(String both) {
            return of(Durations.parse(both));
        }
    }

    /** @param down the window of recommendations a decrease is judged against; {@code 0s} turns it off */
    public record Stabilization(Duration down) {
        public Stabilization {
            notNegative(down, "down");
        }
    }

    /**
     * A budget of actions per window.
     *
     * @param max actions of the type within {@code per}; required, at least 1
     * @param per the sliding window; default 1h
     */
    public record Rate(Integer max, Duration per) {
        public Rate {
            if (max == null || max < 1) {
                throw new IllegalArgumentException("max must be at least 1, was " + max);
            }
            per = per == null ? Duration.ofHours(1) : per;
            positive(per, "per");
        }
    }

    /**
     * An amount written as a number ({@code 4}) or a percentage ({@code 50%}) of a current value.
     *
     * @param value   the number, or the percentage (50 for {@code 50%})
     * @param percent whether it is a percentage
     */
    public record Amount(double value, boolean percent) {
        public Amount {
            if (!Double.isFinite(value) || value < 0) {
                throw new IllegalArgumentException("expected a number or a percentage such as 50%, at least 0, got " + value);
            }
        }

        public static Amount percent(double value) {
            return new Amount(value, true);
        }

        public static Amount absolute(double value) {
            return new Amount(value, false);
        }

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Amount parse(Object written) {
            if (written instanceof Number number) {
                return new Amount(number.doubleValue(), false);
            }
            if (written instanceof String text) {
                String trimmed = text.trim();
                boolean percent = trimmed.endsWith("%");
                String digits = percent ? trimmed.substring(0, trimmed.length() - 1).trim() : trimmed;
                try {
                    return new Amount(Double.parseDouble(digits), percent);
                } catch (NumberFormatException e) {
                    // the common message below
                }
            }
            throw new IllegalArgumentException("expected a number or a percentage such as 50%, got '" + written + "'");
        }

        /** The amount for a current value: the percentage of it, or the absolute number. */
        public double of(double current) {
            return percent ? Math.abs(current) * value / 100.0 : value;
        }

        @Override
        public String toString() {
            return format(value) + (percent ? "%" : "");
        }

        /** A number as people write it: {@code 4}, {@code 2.5}. */
        public static String format(double number) {
            if (number == Math.rint(number) && Math.abs(number) < 1e15) {
                return Long.toString((long) number);
            }
            return Double.toString(number);
        }
    }

    /**
     * A silence written in the configuration: no action whose type and target match, until a time.
     *
     * @param type   action type glob; default {@code *}
     * @param target target glob; default {@code *}; at least one of type and target must be given
     * @param until  when it ends, ISO-8601 ({@code 2026-12-01T06:00:00Z}); required
     * @param reason why; required, it is in every audit line it causes
     * @param by     who set it; required
     */
    public record SilenceRule(String type, String target, Instant until, String reason, String by) {
        public SilenceRule {
            if ((type == null || type.isBlank()) && (target == null || target.isBlank())) {
                throw new IllegalArgumentException("a silence needs a type or a target glob (or both)");
            }
            type = type == null || type.isBlank() ? "*" : type;
            target = target == null || target.isBlank() ? "*" : target;
            if (until == null) {
                throw new IllegalArgumentException("until is required, e.g. 2026-12-01T06:00:00Z");
            }
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("reason is required");
            }
            if (by == null || by.isBlank()) {
                throw new IllegalArgumentException("by is required: who set the silence");
            }
        }
    }

    private static <V> Map<String, V> ordered(Map<String, V> map) {
        // Order matters for target overrides (applied in the order written); keep it, and forbid changes.
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    private static List<String> globs(List<String> globs, String name) {
        for (String glob : globs) {
            if (glob == null || glob.isBlank()) {
                throw new IllegalArgumentException(name + " has an empty glob");
            }
        }
        return List.copyOf(globs);
    }

    private static void notNegative(Duration duration, String name) {
        if (duration != null && duration.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + duration);
        }
    }

    private static void positive(Duration duration, String name) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + Durations.format(duration));
        }
    }
}
