package dev.governor.engine.rules;

import dev.governor.api.Action;
import dev.governor.api.Fact;
import dev.governor.api.RuleParams;
import java.lang.invoke.MethodType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.drools.core.common.EqualityKey;
import org.drools.core.common.InternalFactHandle;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.definition.type.FactField;
import org.kie.api.definition.type.FactType;
import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.event.rule.DefaultRuleRuntimeEventListener;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.KieSessionConfiguration;
import org.kie.api.runtime.conf.ClockTypeOption;
import org.kie.api.runtime.rule.FactHandle;
import org.kie.api.runtime.rule.Match;
import org.kie.api.time.SessionPseudoClock;

/**
 * One Drools session, driven from a single thread: insert facts, fire, collect the actions rules
 * inserted. Not thread-safe; {@link RuleEngine} gives it a thread of its own.
 *
 * <p>With a pseudo clock the session's time follows the facts: inserting a fact stamped later than the
 * session's time first advances the clock to it, so replayed samples drive windows and timers exactly
 * as live ones would.
 *
 * <p>Actions are taken out of the session once collected: they are decisions, not state, and would
 * otherwise pile up for as long as the session lives.
 *
 * <p>New rules take over a running session with {@link #carryOver}: the facts move to a session of the new
 * rules, and only matches that are new there lead to actions.
 */
public final class RuleSession implements AutoCloseable {

    /** The global through which rules read their params ({@link RuleParams}), declared in Governor's prelude. */
    public static final String PARAMS_GLOBAL = "params";

    /** How the session tells time. */
    public enum ClockMode { REALTIME, PSEUDO }

    private final CompiledRules rules;
    private final ClockMode clockMode;
    private final KieSession session;
    private final SessionPseudoClock pseudoClock;
    private final AtomicLong ids;
    private final List<Pending> pending = new ArrayList<>();
    /** The matches that inserted an action, with the session time they fired at, oldest first. */
    private final LinkedHashMap<MatchKey, Long> acted = new LinkedHashMap<>();
    /** While facts are carried over: the matches that had already acted in the previous session. */
    private Set<MatchKey> actedBefore = Set.of();
    private int repeatsLeftOut;
    private Match currentMatch;
    private long firings;
    private volatile java.util.function.Consumer<String> firingListener = rule -> { };
    /** While a batch that would not stop firing is looked at: how often each rule fired; null otherwise. */
    private Map<String, Integer> loopCounts;
    /** What the last {@link #fire} stopped because it would not end, or null. */
    private String runaway;

    /**
     * Firings one batch may take before it is taken to loop: this many, plus {@link #FIRINGS_PER_FACT} for
     * each fact of the batch. The default rules fire a few times per fact; a rule set that is still firing
     * after this many has, in practice, two rules undoing each other or a rule that re-triggers itself.
     */
    public static final int FIRINGS_PER_BATCH = 100_000;
    public static final int FIRINGS_PER_FACT = 1_000;
    /** Firings watched, once a batch has taken its limit, to name the rules that keep firing. */
    private static final int LOOP_SAMPLE = 1_000;

    /** An action collected for handing over; {@code decision} is null for a repeat that is left out. */
    private record Pending(Decision decision, FactHandle handle) {
    }

    /**
     * The outcome of {@link #carryOver}.
     *
     * @param session      the session of the new rules, holding the facts carried over
     * @param decisions    actions from matches that are new with these rules, to hand over as usual
     * @param carried      how many facts were carried over
     * @param repeats      actions left out because the same rule had already acted on the same facts
     * @param notCarried   facts that could not be carried over, and why, e.g.
     *                     {@code "2 fact(s) of it.Congested: the rules no longer declare the type"}
     */
    public record CarryOver(RuleSession session, List<Decision> decisions, int carried, int repeats, List<String> notCarried) {
        public CarryOver {
            decisions = List.copyOf(decisions);
            notCarried = List.copyOf(notCarried);
        }
    }

    public RuleSession(CompiledRules rules, ClockMode clockMode) {
        this(rules, clockMode, new AtomicLong());
    }

    /** A session whose decision ids come from {@code ids}, so ids stay unique across reloads. */
    public RuleSession(CompiledRules rules, ClockMode clockMode, AtomicLong ids) {
        this(rules, clockMode, ids, rules.params());
    }

    /**
     * A session whose rules read {@code params} instead of the params they were compiled with (which
     * {@link RuleCompiler} checked every rule against): for tests that try other thresholds.
     */
    public RuleSession(CompiledRules rules, ClockMode clockMode, AtomicLong ids, RuleParams params) {
        this.rules = rules;
        this.clockMode = clockMode;
        this.ids = ids;
        KieSessionConfiguration configuration = KieServices.Factory.get().newKieSessionConfiguration();
        configuration.setOption(ClockTypeOption.get(clockMode == ClockMode.PSEUDO ? "pseudo" : "realtime"));
        this.session = rules.base().newKieSession(configuration, null);
        this.session.setGlobal(PARAMS_GLOBAL, Objects.requireNonNull(params, "params is null"));
        this.pseudoClock = clockMode == ClockMode.PSEUDO ? session.getSessionClock() : null;
        session.addEventListener(new DefaultAgendaEventListener() {
            @Override
            public void beforeMatchFired(BeforeMatchFiredEvent event) {
                currentMatch = event.getMatch();
            }

            @Override
            public void afterMatchFired(AfterMatchFiredEvent event) {
                currentMatch = null;
                firings++;
                if (loopCounts != null) {
                    loopCounts.merge(event.getMatch().getRule().getName(), 1, Integer::sum);
                }
                try {
                    firingListener.accept(event.getMatch().getRule().getName());
                } catch (RuntimeException e) {
                    // Counting must never break a rule.
                }
            }
        });
        session.addEventListener(new DefaultRuleRuntimeEventListener() {
            @Override
            public void objectInserted(ObjectInsertedEvent event) {
                if (event.getObject() instanceof Action action) {
                    collect(action, event.getFactHandle(), event.getRule() == null ? null : event.getRule().getName());
                }
            }
        });
    }

    private void collect(Action action, FactHandle handle, String ruleName) {
        MatchKey key = currentMatch != null ? MatchKey.of(currentMatch) : null;
        if (key != null) {
            long time = session.getSessionClock().getCurrentTime();
            acted.remove(key);
            acted.put(key, time);
            if (actedBefore.contains(key)) {
                repeatsLeftOut++;
                pending.add(new Pending(null, handle));
                return;
            }
        }
        String rule = ruleName != null ? ruleName
                : currentMatch != null ? currentMatch.getRule().getName() : "(inserted outside a rule)";
        List<Object> facts = currentMatch != null ? currentMatch.getObjects() : List.of();
        Action withReason = action.reason().isEmpty() ? action.withReason(rule) : action;
        Decision decision = new Decision(ids.incrementAndGet(), withReason, rule, facts, now());
        pending.add(new Pending(decision, handle));
    }

    /** Inserts the facts, fires the rules and returns the actions they decided, in order. */
    public List<Decision> insert(Collection<? extends Fact> facts) {
        for (Fact fact : facts) {
            Objects.requireNonNull(fact, "fact is null");
            advanceClockTo(fact.atMillis());
            session.insert(fact);
        }
        return fire(facts.size());
    }

    /**
     * Fires what is due, for example rules whose timers or windows moved on, and returns the decisions. Rules
     * that would fire without end are stopped after a bound (see {@link #runaway()}); the session carries on.
     */
    public List<Decision> fire() {
        return fire(0);
    }

    /**
     * What the last batch stopped because its rules would not stop firing, naming the rules that kept firing
     * and how often, or null. The facts stay in the session and the decisions made before the stop are handed
     * over; the rules fire again at the next batch (and are stopped again if they still loop).
     */
    public String runaway() {
        return runaway;
    }

    private List<Decision> fire(int facts) {
        runaway = null;
        long limit = FIRINGS_PER_BATCH + (long) FIRINGS_PER_FACT * facts;
        int bound = (int) Math.min(Integer.MAX_VALUE - LOOP_SAMPLE, limit);
        fireBounded(bound);
        if (pending.isEmpty()) {
            forgetOldMatches();
            return List.of();
        }
        List<Decision> decisions = new ArrayList<>(pending.size());
        // Deleting may itself fire rules that insert more actions: loop until nothing is left.
        while (!pending.isEmpty()) {
            List<Pending> handled = new ArrayList<>(pending);
            pending.clear();
            for (Pending p : handled) {
                if (p.decision() != null) {
                    decisions.add(p.decision());
                }
                session.delete(p.handle());
            }
            fireBounded(bound);
        }
        forgetOldMatches();
        return decisions;
    }

    /**
     * Fires at most {@code bound} rules. Past it, watches {@link #LOOP_SAMPLE} more firings to name the rules that
     * keep firing, lets the others fire (at most {@code bound} again), and clears the agenda. Below the bound this
     * costs nothing but the bound's check: the listener counts only while a batch is being looked at.
     */
    private void fireBounded(int bound) {
        if (runaway != null || session.fireAllRules(bound) < bound) {
            return;
        }
        loopCounts = new TreeMap<>();
        Map<String, Integer> counts = loopCounts;
        int more;
        try {
            more = session.fireAllRules(LOOP_SAMPLE);
        } finally {
            loopCounts = null;
        }
        if (more < LOOP_SAMPLE) {
            return;   // a large batch that did end, just past the bound
        }
        // The other rules still get to fire on this batch, once; then whatever is left on the agenda goes.
        session.fireAllRules(match -> !counts.containsKey(match.getRule().getName()), bound);
        session.getAgenda().clear();
        runaway = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(e -> "'" + e.getKey() + "' (" + e.getValue() + ")")
                .collect(Collectors.joining(", ", "the rules fired " + bound + " times on one batch and would not stop, "
                        + "so they were stopped for this batch; kept firing (firings of the next " + LOOP_SAMPLE + "): ",
                        ". Two rules undo each other (one inserts what the other deletes, e.g. an enter threshold on the "
                                + "wrong side of its exit one), or a rule modifies a fact its own conditions match again"));
    }

    /**
     * Forgets matches older than the facts' retention: their facts have left the session, so they cannot
     * be carried over and matched again. This keeps the memory of matches as bounded as the session.
     */
    private void forgetOldMatches() {
        long horizon = session.getSessionClock().getCurrentTime() - rules.factRetention().toMillis();
        Iterator<Long> times = acted.values().iterator();
        while (times.hasNext() && times.next() < horizon) {
            times.remove();
        }
    }

    /**
     * Opens a session of {@code next} holding this session's facts, fires it, and returns it with the
     * actions that are new. This session is left as it was: the caller closes it once it has switched over.
     *
     * <p><b>What carries over.</b> Every fact Governor knows (samples, metrics, {@code ActionOutcome}s), with
     * its own timestamp, so windows, "for" durations and accumulates go on as if nothing happened, and a rule
     * that looks for its own earlier outcome still finds it. Facts of types declared in the rules (markers a
     * rule keeps as state) are copied into the new rules' type of the same name, field by field; a type the new
     * rules no longer declare, or a field whose type changed, cannot be carried and is reported in
     * {@link CarryOver#notCarried()}. Other objects rules inserted are carried as they are. Not carried:
     * facts a rule inserted logically ({@code insertLogical}), which the new rules derive again from the facts
     * they rest on, and {@code Action}s, which are decisions already handed over (between two batches there are
     * none left in the session). An action a plugin is still carrying out reports its outcome into the new
     * session, like any other fact that arrives after the switch.
     *
     * <p><b>What fires.</b> The new session sees the carried facts as new, so without care every rule would
     * fire again for every match it had already acted on: a rule that notifies on every {@code PoolSample} with
     * {@code waiting > 0} would send one action per sample still in the session. The envelope's cooldown would
     * hold most of them back, but each would still be audited, and their outcomes would feed other rules.
     * Dropping every action the carried facts lead to would be as wrong the other way: a threshold lowered from
     * 5 to 3 should act on the pool whose last sample said 4 now, not when the next sample comes, and a rule
     * added for an event seen a second ago should see it. So each session remembers which matches acted (the
     * rule's package and name, and the facts and values the match bound, compared by value), for as long as
     * those facts stay in the session; on a carry-over an action is left out when the same rule had already
     * acted on the same match, and handed over when the match is new. A rule whose conditions changed but still
     * match the same facts does not act again; a renamed rule counts as a new rule.
     */
    public CarryOver carryOver(CompiledRules next) {
        RuleSession fresh = new RuleSession(next, clockMode, ids);
        fresh.firingListener = firingListener;
        try {
            fresh.advanceClockTo(session.getSessionClock().getCurrentTime());
            fresh.acted.putAll(acted);
            fresh.actedBefore = new HashSet<>(acted.keySet());
            List<InternalFactHandle> handles = new ArrayList<>();
            for (FactHandle handle : session.getFactHandles()) {
                handles.add((InternalFactHandle) handle);
            }
            handles.sort(Comparator.comparingLong(InternalFactHandle::getId));
            List<Object> state = new ArrayList<>();
            List<Fact> facts = new ArrayList<>();
            Map<String, Integer> notCarried = new TreeMap<>();
            for (InternalFactHandle handle : handles) {
                Object object = handle.getObject();
                EqualityKey equality = handle.getEqualityKey();
                if (object instanceof Action || equality != null && equality.getStatus() == EqualityKey.JUSTIFIED) {
                    continue;
                }
                if (object instanceof Fact fact) {
                    facts.add(fact);
                    continue;
                }
                FactType declared = declaredType(rules.base(), object.getClass());
                if (declared == null) {
                    state.add(object);
                    continue;
                }
                String problem = copyInto(next.base(), declared, object, state);
                if (problem != null) {
                    notCarried.merge(object.getClass().getName() + ": " + problem, 1, Integer::sum);
                }
            }
            // Oldest first, as they came: the sort is stable, so facts of the same instant keep their order.
            facts.sort(Comparator.comparingLong(Fact::atMillis));
            state.forEach(fresh.session::insert);
            facts.forEach(fresh.session::insert);
            List<Decision> decisions = fresh.fire(state.size() + facts.size());   // a bound for all of them
            List<String> problems = new ArrayList<>();
            notCarried.forEach((problem, count) -> problems.add(count + " fact(s) of " + problem));
            return new CarryOver(fresh, decisions, state.size() + facts.size(), fresh.repeatsLeftOut, problems);
        } catch (RuntimeException | Error e) {
            fresh.close();
            throw e;
        } finally {
            fresh.actedBefore = Set.of();
            fresh.repeatsLeftOut = 0;
        }
    }

    private static FactType declaredType(KieBase base, Class<?> type) {
        FactType declared = base.getFactType(type.getPackageName(), type.getSimpleName());
        return declared != null && declared.getFactClass() == type ? declared : null;
    }

    /** Copies a fact of a declared type into the new rules' type of that name; returns why not, or null. */
    private static String copyInto(KieBase next, FactType from, Object object, List<Object> into) {
        FactType to = next.getFactType(from.getFactClass().getPackageName(), from.getFactClass().getSimpleName());
        if (to == null) {
            return "the rules no longer declare the type";
        }
        Object copy;
        try {
            copy = to.newInstance();
        } catch (ReflectiveOperationException e) {
            return "cannot create one: " + e.getMessage();
        }
        for (FactField field : from.getFields()) {
            FactField target = to.getField(field.getName());
            if (target == null) {
                continue;
            }
            Object value = from.get(object, field.getName());
            if (value == null) {
                if (target.getType().isPrimitive()) {
                    continue;
                }
            } else if (!MethodType.methodType(target.getType()).wrap().returnType().isInstance(value)) {
                return "field '" + field.getName() + "' is now " + target.getType().getSimpleName();
            }
            to.set(copy, field.getName(), value);
        }
        into.add(copy);
        return null;
    }

    private void advanceClockTo(long millis) {
        if (pseudoClock != null) {
            long ahead = millis - pseudoClock.getCurrentTime();
            if (ahead > 0) {
                pseudoClock.advanceTime(ahead, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The rules this session runs. */
    public CompiledRules rules() {
        return rules;
    }

    /** Moves a pseudo clock forward (a no-op on the real clock's sessions) and fires what became due. */
    public List<Decision> advanceTo(Instant instant) {
        advanceClockTo(instant.toEpochMilli());
        return fire();
    }

    /** The session's current time. */
    public Instant now() {
        return Instant.ofEpochMilli(session.getSessionClock().getCurrentTime());
    }

    /** Facts currently in the session. */
    public long factCount() {
        return session.getFactCount();
    }

    /** The objects in the session, in no particular order. */
    List<Object> objects() {
        return new ArrayList<>(session.getObjects());
    }

    /** How many matches that acted the session remembers, for carrying over. */
    int rememberedMatches() {
        return acted.size();
    }

    /** Told the rule's name at each firing, on the rules thread (metrics); carried over to the next session. */
    public void onFiring(java.util.function.Consumer<String> listener) {
        firingListener = listener == null ? rule -> { } : listener;
    }

    /** Rule firings since the session was opened. */
    public long firings() {
        return firings;
    }

    @Override
    public void close() {
        session.dispose();
    }
}
