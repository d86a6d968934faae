package dev.governor.engine.envelope;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.engine.config.ConfigException;
import dev.governor.engine.config.Durations;
import dev.governor.engine.config.EnvelopeConfig;
import dev.governor.engine.config.EnvelopeConfig.Amount;
import dev.governor.engine.config.EnvelopeConfig.SilenceRule;
import dev.governor.engine.config.Mode;
import dev.governor.engine.envelope.EnvelopeState.CooldownKey;
import dev.governor.engine.envelope.EnvelopeState.InFlight;
import dev.governor.engine.envelope.EnvelopeState.Key;
import dev.governor.engine.envelope.EnvelopeState.WindowKey;
import dev.governor.engine.envelope.Policy.Limits;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety envelope: the limits every action passes between the rules and the plugins, whichever rule
 * decided it and whichever plugin (built-in or third-party) carries it out. No rule can go around it.
 *
 * <p>An action goes through two steps. {@link #admit} (on the rules thread, in decision order) checks what
 * needs no current value and reserves the (type, target) so the same action is not started twice:
 * <ol>
 *   <li>DENIED: the type is off, the target matches a deny glob or no allow glob, a required allow-list
 *       (roles, applications) is missing or does not match;</li>
 *   <li>SILENCED: a silence covers the type or the target;</li>
 *   <li>SUPPRESSED/IN_FLIGHT: the same type on the same target is still running.</li>
 * </ol>
 * {@link #judge} (on the rules thread, or on a worker when the plugin must first report current values)
 * decides, and records what it decided:
 * <ol>
 *   <li>numeric parameters: clamped to their bounds; a change under the tolerance is SUPPRESSED/TOLERANCE;
 *       a decrease goes no lower than the largest recommendation in the stabilization window
 *       (SUPPRESSED/STABILIZATION when that leaves nothing to do); a change larger than a step is clamped
 *       to the step; bounds win over steps;</li>
 *   <li>SUPPRESSED/COOLDOWN: the type acted on the target too recently, in that direction;</li>
 *   <li>DRY_RUN: {@code mode: dry-run}, or {@code dryRun} on the type or a target. A dry-run action starts
 *       its own cooldown and stabilization window, so the audit shows the cadence enforcing would have; it
 *       neither uses nor checks the rate budget and the breaker, shared with real actions;</li>
 *   <li>SUPPRESSED/RATE: the type's rate budget is spent;</li>
 *   <li>SUPPRESSED/BREAKER: the circuit breaker is open; the verdict carries a notification saying what would
 *       have been done;</li>
 *   <li>otherwise ADMITTED, or CLAMPED when the envelope changed a parameter. The cooldown, the rate budget
 *       and the breaker count the action from now.</li>
 * </ol>
 * {@link #finished} releases the reservation and counts a failure against the breaker.
 *
 * <p>Everything that must survive a restart is saved to {@code envelope.state} after each change. Actions in
 * flight at a crash are taken as finished at the restart, so their cooldowns start again then. A state file
 * that cannot be read is moved aside, and the envelope starts with the breaker open for one window.
 *
 * <p>Thread-safe: every method holds this object's lock.
 */
public final class Envelope implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Envelope.class);

    /** One action's way through the envelope, from {@link #admit} to {@link #finished}. */
    public static final class Ticket {
        private final long id;
        private final Action action;
        private final boolean dryRun;
        private final boolean notification;
        private Key reserved;
        private Verdict verdict;
        private boolean judged;
        private volatile boolean countsFailures = true;
        private volatile boolean finished;

        private Ticket(long id, Action action, boolean dryRun, boolean notification) {
            this.id = id;
            this.action = action;
            this.dryRun = dryRun;
            this.notification = notification;
        }

        public Action action() {
            return action;
        }

        /** The verdict once judged; before, a provisional ADMITTED. */
        public synchronized Verdict verdict() {
            return verdict != null ? verdict
                    : Verdict.admitted(action, "admitted; its plugin did not report current values before the outcome");
        }

        /** True once {@link #admit} or {@link #judge} has decided. */
        public synchronized boolean judged() {
            return judged;
        }

        /** True once the outcome is known, e.g. after a timeout while the worker still runs. */
        public boolean finished() {
            return finished;
        }

        /** A failure of this action says nothing about the system (no plugin handles its type): do not count it. */
        public void doNotCountFailure() {
            countsFailures = false;
        }

        private synchronized void decide(Verdict decided) {
            verdict = decided;
            judged = true;
        }
    }

    private final EnvelopeConfig config;
    private final Set<String> databases;
    private final Mode mode;
    private final Clock clock;
    private final StateFile file;
    private final EnvelopeState state = new EnvelopeState();
    private final List<Silence> configSilences;
    private final AtomicLong tickets = new AtomicLong();
    private boolean dirty;
    private volatile boolean closing;
    private long saveFailures;

    /**
     * Opens the envelope: loads its state file and writes it back at once, so an unwritable location stops
     * start-up instead of the first action.
     *
     * @param databases the names under {@code databases:}; {@code pg.*} actions are allowed on these by default
     * @param mode      {@code dry-run} makes every action a dry-run
     */
    public Envelope(EnvelopeConfig config, Collection<String> databases, Mode mode, Clock clock) {
        this.config = config;
        this.databases = Set.copyOf(databases);
        this.mode = mode;
        this.clock = clock;
        this.file = new StateFile(config.state());
        List<Silence> fromConfig = new ArrayList<>();
        for (int i = 0; i < config.silences().size(); i++) {
            SilenceRule rule = config.silences().get(i);
            fromConfig.add(new Silence("config-" + (i + 1), rule.type(), rule.target(), rule.until(), rule.reason(), rule.by(), null));
        }
        this.configSilences = List.copyOf(fromConfig);

        Instant now = clock.instant();
        StateFile.Loaded loaded;
        try {
            loaded = file.load(now);
        } catch (UncheckedIOException e) {
            throw new ConfigException("envelope.state: " + e.getMessage(), e);
        }
        if (loaded.snapshot() != null) {
            state.restore(loaded.snapshot(), now);
            LOG.info("Envelope state restored from {}: {} cooldown(s), {} silence(s), breaker {}{}", file.path(),
                    state.cooldowns.size(), state.silences.size(), state.breakerOpenUntil == null ? "closed" : "open until " + state.breakerOpenUntil,
                    loaded.snapshot().inFlight().isEmpty() ? ""
                            : "; " + loaded.snapshot().inFlight().size() + " action(s) were in flight when Governor stopped: taken as finished now, their cooldowns start again");
        } else if (loaded.movedAside() != null) {
            state.breakerOpenedAt = now;
            state.breakerOpenUntil = now.plus(config.breaker().window());
            state.breakerReason = "the state file was unreadable and was moved to " + loaded.movedAside().getFileName()
                    + "; cooldowns were lost";
            LOG.error("The envelope state file {} is unreadable ({}); it was moved to {}. Cooldowns, windows, budgets and "
                            + "silences set at run time are lost, so Governor starts notify-only: the circuit breaker is open until {}",
                    file.path(), loaded.problem(), loaded.movedAside(), state.breakerOpenUntil);
        }
        try {
            save(now);
        } catch (UncheckedIOException e) {
            throw new ConfigException("envelope.state: cannot write " + file.path() + ": " + e.getMessage()
                    + "; set envelope.state to a file Governor may write", e);
        }
    }

    /** Configuration errors: rules for action types no plugin handles (a misspelt type must not go unread). */
    public static List<String> problems(EnvelopeConfig config, Set<String> handledTypes) {
        List<String> problems = new ArrayList<>();
        for (String type : config.actions().keySet()) {
            if (!handledTypes.contains(type)) {
                problems.add("envelope.actions." + type + ": no plugin handles action type '" + type + "' (handled: "
                        + (handledTypes.isEmpty() ? "none" : String.join(", ", new TreeSet<>(handledTypes)))
                        + "); fix the name or add the plugin");
            }
        }
        return problems;
    }

    public Path stateFile() {
        return file.path();
    }

    public Mode mode() {
        return mode;
    }

    /** The envelope's clock's time. */
    public Instant now() {
        return clock.instant();
    }

    /**
     * The first look, in decision order: denied, silenced, or already in flight; otherwise the ticket holds
     * the (type, target) until {@link #finished}.
     */
    public synchronized Ticket admit(Action action) {
        refreshSilences();
        Instant now = clock.instant();
        Policy policy = policy(action.type(), action.target());
        Ticket ticket = new Ticket(tickets.incrementAndGet(), action, policy.dryRun(), isNotification(action.type()));
        Verdict first = firstLook(action, policy, now);
        if (first != null) {
            ticket.decide(first);
            return ticket;
        }
        Key key = new Key(action.type(), action.target());
        InFlight running = state.inFlight.get(key);
        if (running != null) {
            ticket.decide(Verdict.suppressed(Verdict.Cause.IN_FLIGHT, action, "suppressed: " + action.type() + " on '"
                    + action.target() + "' already in flight since " + running.since()));
            return ticket;
        }
        state.inFlight.put(key, new InFlight(ticket.id, Direction.ANY, now));
        ticket.reserved = key;
        return ticket;
    }

    /** Whether judging this action needs its plugin's {@code current(target)}: it has a bounded numeric parameter. */
    public synchronized boolean needsCurrent(Action action) {
        Set<String> bounded = policy(action.type(), action.target()).params().keySet();
        return action.params().keySet().stream().anyMatch(bounded::contains);
    }

    /**
     * Decides about an admitted action and records the decision (cooldown, window, budget, breaker).
     *
     * @param current        the plugin's current values for the target; empty when unknown
     * @param currentProblem why they are unknown (the plugin threw), or null
     */
    public synchronized Verdict judge(Ticket ticket, Map<String, ? extends Number> current, String currentProblem) {
        if (ticket.judged()) {
            return ticket.verdict();
        }
        Instant now = clock.instant();
        Policy policy = policy(ticket.action.type(), ticket.action.target());
        Verdict verdict = evaluate(ticket, policy, current == null ? Map.of() : current, currentProblem, now);
        ticket.decide(verdict);
        saveIfChanged(now);
        return verdict;
    }

    /** The outcome is known: releases the (type, target) and counts a failure against the breaker. */
    public synchronized void finished(Ticket ticket, ActionOutcome outcome) {
        ticket.finished = true;
        Instant now = clock.instant();
        if (ticket.reserved != null) {
            InFlight entry = state.inFlight.get(ticket.reserved);
            if (entry != null && entry.ticket() == ticket.id) {
                state.inFlight.remove(ticket.reserved);
                dirty |= ticket.judged;
            }
        }
        if (outcome.status() == ActionOutcome.Status.FAILED && ticket.reserved != null && ticket.countsFailures
                && !ticket.notification && !ticket.dryRun && !closing) {
            state.breakerFailures.addLast(now);
            dirty = true;
            openBreakerIfOver(now);
        }
        saveIfChanged(now);
    }

    // ---- the checks -------------------------------------------------------------------------------------

    private Verdict firstLook(Action action, Policy policy, Instant now) {
        String type = action.type();
        String target = action.target();
        String key = "envelope.actions." + type;
        if (!policy.enabled()) {
            return Verdict.denied(action, "denied: " + (policy.enabledFrom().startsWith(type + " is off")
                    ? policy.enabledFrom() : type + " is disabled (" + policy.enabledFrom() + ")"));
        }
        String denied = Glob.firstMatch(policy.deny(), target);
        if (denied != null) {
            return Verdict.denied(action, "denied: '" + target + "' matches deny glob '" + denied + "' (" + key + ".deny)");
        }
        if (Glob.firstMatch(policy.allow(), target) == null) {
            return Verdict.denied(action, "denied: '" + target + "' matches no allow glob of " + type + " ("
                    + policy.allowFrom() + ": " + policy.allow() + ")");
        }
        if (policy.needsAllowList() && policy.allowRoles().isEmpty() && policy.allowApplications().isEmpty()) {
            return Verdict.denied(action, "denied: " + type + " stays off until " + key + ".allowRoles or "
                    + key + ".allowApplications is set");
        }
        Verdict roles = allowList(action, policy.allowRoles(), "role", key + ".allowRoles", "PgHorizonHolder.user");
        if (roles != null) {
            return roles;
        }
        Verdict applications = allowList(action, policy.allowApplications(), "application", key + ".allowApplications",
                "PgHorizonHolder.application");
        if (applications != null) {
            return applications;
        }
        for (Silence silence : activeSilences(now)) {
            if (silence.covers(type, target, now)) {
                return Verdict.silenced(action, silence.describe());
            }
        }
        return null;
    }

    private static Verdict allowList(Action action, List<String> globs, String param, String key, String source) {
        if (globs.isEmpty()) {
            return null;
        }
        Object value = action.params().get(param);
        if (value == null) {
            return Verdict.denied(action, "denied: " + key + " is set, and the action has no '" + param
                    + "' param to match (rules copy it from " + source + ")");
        }
        if (Glob.firstMatch(globs, value.toString()) == null) {
            return Verdict.denied(action, "denied: " + param + " '" + value + "' matches none of " + key + " " + globs);
        }
        return null;
    }

    private Verdict evaluate(Ticket ticket, Policy policy, Map<String, ? extends Number> current, String currentProblem, Instant now) {
        Action action = ticket.action;
        String type = action.type();
        String target = action.target();
        Verdict first = firstLook(action, policy, now);
        if (first != null) {
            return first;
        }
        Resize resize = resize(action, policy, current, currentProblem, now);
        if (resize.verdict != null) {
            return resize.verdict;
        }
        Action toRun = resize.action;
        Direction direction = resize.direction;

        for (Direction each : EnvelopeState.directionsOf(direction)) {
            Instant last = state.cooldowns.get(new CooldownKey(type, target, each));
            Duration cooldown = policy.cooldown(each);
            if (last != null && now.isBefore(last.plus(cooldown))) {
                return Verdict.suppressed(Verdict.Cause.COOLDOWN, action, "suppressed by cooldown until " + last.plus(cooldown)
                        + " (last " + type + " " + each.word() + " on '" + target + "' at " + last + "; " + policy.cooldownKey(each)
                        + " " + Durations.format(cooldown) + ")");
            }
        }
        String changes = resize.changes.isEmpty() ? "" : String.join("; ", resize.changes);

        if (ticket.dryRun) {
            startCooldown(ticket, direction, now);
            return Verdict.dryRun(toRun, "dry-run (" + policy.dryRunFrom() + "): would run " + describe(toRun)
                    + (changes.isEmpty() ? "" : "; " + changes) + resize.notes);
        }

        Deque<Instant> starts = state.rates.computeIfAbsent(type, t -> new java.util.ArrayDeque<>());
        int used = EnvelopeState.countSince(starts, now, policy.ratePer());
        if (used >= policy.rateMax()) {
            return Verdict.suppressed(Verdict.Cause.RATE, action, "suppressed by rate budget: " + used + " " + type
                    + " action(s) in the last " + Durations.format(policy.ratePer()) + " (envelope.actions." + type
                    + ".rate.max " + policy.rateMax() + "); the next fits at " + starts.peekFirst().plus(policy.ratePer()));
        }

        if (!ticket.notification) {
            closeBreakerIfDue(now);
            if (state.breakerOpenUntil != null) {
                String why = "circuit breaker open until " + state.breakerOpenUntil + " (" + state.breakerReason + ")";
                Action notification = new Action(config.breaker().fallback(), type + " " + target,
                        Map.of("message", why + ": would have run " + describe(toRun) + (changes.isEmpty() ? "" : "; " + changes)),
                        action.reason());
                return Verdict.suppressed(Verdict.Cause.BREAKER, action, "suppressed by the " + why + ": notify-only; "
                        + config.breaker().fallback() + " says what would have been done").withFallback(notification);
            }
        }

        startCooldown(ticket, direction, now);
        starts.addLast(now);
        String breakerNote = "";
        if (!ticket.notification) {
            state.breakerActions.addLast(now);
            if (openBreakerIfOver(now)) {
                breakerNote = "; the circuit breaker opens with it (" + state.breakerReason + "): notify-only until "
                        + state.breakerOpenUntil;
            }
        }
        dirty = true;
        return resize.changes.isEmpty()
                ? Verdict.admitted(toRun, "admitted" + resize.notes + breakerNote)
                : Verdict.clamped(toRun, changes + resize.notes + breakerNote);
    }

    private void startCooldown(Ticket ticket, Direction direction, Instant now) {
        Action action = ticket.action;
        for (Direction each : EnvelopeState.directionsOf(direction)) {
            state.cooldowns.put(new CooldownKey(action.type(), action.target(), each), now);
        }
        if (ticket.reserved != null) {
            InFlight entry = state.inFlight.get(ticket.reserved);
            if (entry != null && entry.ticket() == ticket.id) {
                state.inFlight.put(ticket.reserved, new InFlight(ticket.id, direction, now));
            }
        }
        dirty = true;
    }

    /** What the numeric parameters come to: a verdict that ends it, or the action to go on with. */
    private static final class Resize {
        Verdict verdict;
        Action action;
        Direction direction = Direction.ANY;
        final List<String> changes = new ArrayList<>();
        String notes = "";
    }

    private Resize resize(Action action, Policy policy, Map<String, ? extends Number> current, String currentProblem, Instant now) {
        Resize result = new Resize();
        Map<String, Object> params = new LinkedHashMap<>(action.params());
        List<String> unknown = new ArrayList<>();
        List<String> tolerated = new ArrayList<>();
        List<String> held = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        boolean anyBounded = false;
        boolean up = false;
        boolean down = false;
        Duration window = policy.stabilizationDown();
        for (Map.Entry<String, Limits> entry : policy.params().entrySet()) {
            String name = entry.getKey();
            Limits limits = entry.getValue();
            if (!action.params().containsKey(name)) {
                continue;
            }
            anyBounded = true;
            Object raw = action.params().get(name);
            if (!(raw instanceof Number number) || !Double.isFinite(number.doubleValue())) {
                result.verdict = Verdict.denied(action, "denied: param " + name + " is '" + raw + "', expected a number");
                return result;
            }
            if (limits.min() == null || limits.max() == null) {
                String missing = limits.min() == null && limits.max() == null ? limits.key() + ".min and " + limits.key() + ".max"
                        : limits.min() == null ? limits.key() + ".min" : limits.key() + ".max";
                result.verdict = Verdict.denied(action, "denied: " + action.type() + " param " + name
                        + " has no bounds: set " + missing);
                return result;
            }
            boolean integral = integral(number);
            double requested = number.doubleValue();
            double low = integral ? Math.ceil(limits.min()) : limits.min();
            double high = integral ? Math.floor(limits.max()) : limits.max();
            List<String> why = new ArrayList<>();
            double value = clamp(requested, low, high, why);
            Number currentNumber = current.get(name);
            WindowKey windowKey = new WindowKey(action.type(), action.target(), name);
            if (currentNumber == null || !Double.isFinite(currentNumber.doubleValue())) {
                unknown.add(name);
                if (!window.isZero()) {
                    state.recommend(windowKey, value, null, now, window);
                    dirty = true;
                }
            } else {
                double was = currentNumber.doubleValue();
                boolean within = value != was && policy.tolerance() != null && Math.abs(value - was) < policy.tolerance().of(was);
                double wanted = within ? was : value;
                double stabilized = wanted;
                if (!window.isZero()) {
                    double largest = state.recommend(windowKey, wanted, was, now, window);
                    dirty = true;
                    if (wanted < was) {
                        stabilized = Math.min(was, Math.max(wanted, largest));
                        if (stabilized > wanted) {
                            why.add("stabilization: the largest recommendation in the last " + Durations.format(window)
                                    + " is " + Amount.format(largest));
                        }
                    }
                }
                double stepped = stabilized;
                if (stepped > was && limits.maxStepUp() != null) {
                    double limit = was + step(limits.maxStepUp(), was, integral);
                    if (stepped > limit) {
                        stepped = limit;
                        why.add("maxStepUp " + limits.maxStepUp() + " from " + Amount.format(was));
                    }
                }
                if (stepped < was && limits.maxStepDown() != null) {
                    double limit = was - step(limits.maxStepDown(), was, integral);
                    if (stepped < limit) {
                        stepped = limit;
                        why.add("maxStepDown " + limits.maxStepDown() + " from " + Amount.format(was));
                    }
                }
                // Bounds win over steps and stabilization: a value outside them goes to the nearest bound.
                double bounded = clamp(stepped, low, high, new ArrayList<>());
                if (bounded != stepped) {
                    why.add((bounded == high ? "max " : "min ") + Amount.format(bounded) + " wins over steps");
                    stepped = bounded;
                }
                value = stepped;
                if (value > was) {
                    up = true;
                } else if (value < was) {
                    down = true;
                } else if (within) {
                    tolerated.add(name + " from " + Amount.format(was) + " to " + Amount.format(clamp(requested, low, high, new ArrayList<>()))
                            + " is a change under " + policy.tolerance());
                } else if (wanted < was) {
                    held.add("decrease of " + name + " to " + Amount.format(wanted) + " held at " + Amount.format(was)
                            + ", the largest recommendation in the last " + Durations.format(window));
                } else {
                    unchanged.add(name + " is already " + Amount.format(was)
                            + (requested != was ? " (requested " + Amount.format(requested) + ", " + String.join(", ", why) + ")" : ""));
                }
            }
            if (value != requested) {
                result.changes.add("clamped " + name + " from " + Amount.format(requested) + " to " + Amount.format(value)
                        + " (" + String.join(", ", why) + ")");
            }
            params.put(name, box(value, number));
        }
        if (!anyBounded) {
            result.action = action;
            return result;
        }
        if (up) {
            result.direction = Direction.UP;
        } else if (down) {
            result.direction = Direction.DOWN;
        } else if (!unknown.isEmpty()) {
            result.direction = Direction.UNKNOWN;
        } else if (!held.isEmpty()) {
            List<String> parts = new ArrayList<>(held);
            parts.addAll(tolerated);
            parts.addAll(unchanged);
            result.verdict = Verdict.suppressed(Verdict.Cause.STABILIZATION, action, "suppressed by stabilization: " + String.join("; ", parts));
            return result;
        } else {
            List<String> parts = new ArrayList<>(tolerated);
            parts.addAll(unchanged);
            result.verdict = Verdict.suppressed(Verdict.Cause.TOLERANCE, action,
                    (tolerated.isEmpty() ? "suppressed: no change: " : "suppressed by tolerance (envelope.actions." + action.type()
                            + ".tolerance): ") + String.join("; ", parts));
            return result;
        }
        if (!unknown.isEmpty()) {
            result.notes = "; current " + String.join(", ", unknown) + " unknown ("
                    + (currentProblem == null ? "the plugin reports none" : currentProblem)
                    + "): bounds applied; steps, tolerance and stabilization not, and both cooldowns apply";
        }
        result.action = result.changes.isEmpty() ? action : new Action(action.type(), action.target(), params, action.reason());
        return result;
    }

    private static double clamp(double value, double low, double high, List<String> why) {
        if (value > high) {
            why.add("max " + Amount.format(high));
            return high;
        }
        if (value < low) {
            why.add("min " + Amount.format(low));
            return low;
        }
        return value;
    }

    private static double step(Amount step, double current, boolean integral) {
        double amount = step.of(current);
        return integral ? Math.max(1, Math.floor(amount)) : amount;
    }

    private static boolean integral(Number number) {
        return number instanceof Integer || number instanceof Long || number instanceof Short || number instanceof Byte
                || number instanceof BigInteger;
    }

    /** The value in the requested number's own type, so a plugin that reads an Integer still gets one. */
    private static Number box(double value, Number like) {
        if (like instanceof Integer || like instanceof Short || like instanceof Byte) {
            return (int) Math.round(value);
        }
        if (like instanceof Long || like instanceof BigInteger) {
            return Math.round(value);
        }
        return value;
    }

    static String describe(Action action) {
        return action.type() + " on '" + action.target() + "'" + (action.params().isEmpty() ? "" : " with " + action.params());
    }

    private boolean isNotification(String type) {
        return type.startsWith("notify.") || type.equals(config.breaker().fallback());
    }

    // ---- the breaker ------------------------------------------------------------------------------------

    private boolean openBreakerIfOver(Instant now) {
        if (state.breakerOpenUntil != null) {
            return false;
        }
        EnvelopeConfig.Breaker breaker = config.breaker();
        int actions = EnvelopeState.countSince(state.breakerActions, now, breaker.window());
        int failures = EnvelopeState.countSince(state.breakerFailures, now, breaker.window());
        String reason = null;
        if (failures >= breaker.maxFailures()) {
            reason = failures + " failed action(s) in " + Durations.format(breaker.window()) + ", breaker.maxFailures " + breaker.maxFailures();
        } else if (actions >= breaker.maxActions()) {
            reason = actions + " action(s) in " + Durations.format(breaker.window()) + ", breaker.maxActions " + breaker.maxActions();
        }
        if (reason == null) {
            return false;
        }
        state.breakerOpenedAt = now;
        state.breakerOpenUntil = now.plus(breaker.window());
        state.breakerReason = reason;
        dirty = true;
        LOG.warn("Circuit breaker open: {}; notify-only until {}", reason, state.breakerOpenUntil);
        return true;
    }

    private void closeBreakerIfDue(Instant now) {
        if (state.breakerOpenUntil != null && !now.isBefore(state.breakerOpenUntil)) {
            LOG.info("Circuit breaker closed after {} (it opened at {}: {})", Durations.format(config.breaker().window()),
                    state.breakerOpenedAt, state.breakerReason);
            state.breakerActions.clear();
            state.breakerFailures.clear();
            state.breakerOpenedAt = null;
            state.breakerOpenUntil = null;
            state.breakerReason = null;
            dirty = true;
        }
    }

    /** When the open breaker closes, with why it opened; empty when it is closed. */
    public synchronized Optional<String> breakerOpen() {
        Instant now = clock.instant();
        closeBreakerIfDue(now);
        saveIfChanged(now);
        return state.breakerOpenUntil == null ? Optional.empty()
                : Optional.of("open until " + state.breakerOpenUntil + ": " + state.breakerReason);
    }

    // ---- silences ---------------------------------------------------------------------------------------

    /**
     * Silences actions whose type and target match the globs until {@code until}; saved in the state file.
     *
     * @return the silence, with the id that {@link #unsilence} takes
     */
    public synchronized Silence silence(String typeGlob, String targetGlob, Instant until, String reason, String by) {
        Instant now = clock.instant();
        if (!until.isAfter(now)) {
            throw new IllegalArgumentException("a silence must end in the future; until " + until + " is not after " + now);
        }
        Silence silence = new Silence(SilenceFile.newId(), typeGlob, targetGlob, until, reason, by, now);
        editSilences(now, silences -> {
            silences.add(silence);
            return silences;
        });
        LOG.info("Silence {} set by {}: type {} target {} until {}: {}", silence.id(), by, silence.type(), silence.target(),
                until, reason);
        return silence;
    }

    /** Ends a silence set at run time; false when there is no such silence. */
    public synchronized boolean unsilence(String id) {
        if (configSilences.stream().anyMatch(s -> s.id().equals(id))) {
            throw new IllegalArgumentException("silence " + id + " is written in governor.yaml (envelope.silences): remove it there");
        }
        boolean[] removed = new boolean[1];
        editSilences(clock.instant(), silences -> {
            removed[0] = silences.removeIf(s -> s.id().equals(id));
            return silences;
        });
        if (removed[0]) {
            LOG.info("Silence {} removed", id);
        }
        return removed[0];
    }

    /** The silences in force: those of the configuration, then those set at run time. */
    public synchronized List<Silence> silences() {
        refreshSilences();
        return activeSilences(clock.instant());
    }

    private List<Silence> activeSilences(Instant now) {
        List<Silence> active = new ArrayList<>();
        for (Silence silence : configSilences) {
            if (now.isBefore(silence.until())) {
                active.add(silence);
            }
        }
        for (Silence silence : state.silences) {
            if (now.isBefore(silence.until())) {
                active.add(silence);
            }
        }
        return active;
    }

    private void editSilences(Instant now, UnaryOperator<List<Silence>> edit) {
        state.prune(now, this::policy, type -> policy(type, "").ratePer(), config.breaker().window());
        file.locked(() -> {
            List<Silence> inFile = file.silencesInFile();
            state.silences = edit.apply(new ArrayList<>(inFile != null ? inFile : state.silences)).stream()
                    .filter(s -> now.isBefore(s.until())).toList();
            file.write(state.snapshot(now));
            return null;
        });
        dirty = false;
    }

    /** Picks up silences that {@code governor silence} wrote into the state file while Governor runs. */
    private void refreshSilences() {
        if (file.changedSinceSeen()) {
            List<Silence> inFile = file.silencesInFile();
            if (inFile != null && !inFile.equals(state.silences)) {
                LOG.info("Silences reloaded from {}: {} set at run time", file.path(), inFile.size());
                state.silences = inFile;
            }
        }
    }

    // ---- state ------------------------------------------------------------------------------------------

    private Policy policy(String type, String target) {
        return Policy.resolve(config, databases, mode, type, target);
    }

    private void saveIfChanged(Instant now) {
        if (dirty) {
            try {
                save(now);
            } catch (UncheckedIOException e) {
                saveFailures++;
                LOG.error("Could not save the envelope state to {} ({} failure(s) so far): {}; the limits still hold in memory",
                        file.path(), saveFailures, e.getMessage(), e);
            }
        }
    }

    /** Prunes what has expired and writes the state, keeping the silences the file holds now. */
    private void save(Instant now) {
        state.prune(now, this::policy, type -> policy(type, "").ratePer(), config.breaker().window());
        file.locked(() -> {
            List<Silence> inFile = file.silencesInFile();
            if (inFile != null) {
                state.silences = inFile.stream().filter(s -> now.isBefore(s.until())).toList();
            }
            file.write(state.snapshot(now));
            return null;
        });
        dirty = false;
    }

    /** From now on, failures are Governor stopping actions, not the system failing: they do not count. */
    public void closing() {
        closing = true;
    }

    /** Saves the state a last time. */
    @Override
    public synchronized void close() {
        closing = true;
        dirty = true;
        saveIfChanged(clock.instant());
    }
}
