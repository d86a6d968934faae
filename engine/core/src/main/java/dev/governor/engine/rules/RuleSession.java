package dev.governor.engine.rules;

import dev.governor.api.Action;
import dev.governor.api.Fact;
import dev.governor.api.RuleParams;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.kie.api.KieServices;
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
 */
public final class RuleSession implements AutoCloseable {

    /** The global through which rules read their params ({@link RuleParams}), declared in Governor's prelude. */
    public static final String PARAMS_GLOBAL = "params";

    /** How the session tells time. */
    public enum ClockMode { REALTIME, PSEUDO }

    private final KieSession session;
    private final SessionPseudoClock pseudoClock;
    private final AtomicLong ids;
    private final List<Pending> pending = new ArrayList<>();
    private Match currentMatch;
    private long firings;

    private record Pending(Decision decision, FactHandle handle) {
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
            if (pseudoClock != null) {
                long ahead = fact.atMillis() - pseudoClock.getCurrentTime();
                if (ahead > 0) {
                    pseudoClock.advanceTime(ahead, TimeUnit.MILLISECONDS);
                }
            }
            session.insert(fact);
        }
        return fire();
    }

    /** Fires what is due, for example rules whose timers or windows moved on, and returns the decisions. */
    public List<Decision> fire() {
        session.fireAllRules();
        if (pending.isEmpty()) {
            return List.of();
        }
        List<Decision> decisions = new ArrayList<>(pending.size());
        for (Pending p : pending) {
            decisions.add(p.decision());
        }
        // Deleting may itself fire rules that insert more actions: loop until nothing is left.
        while (!pending.isEmpty()) {
            List<Pending> handled = new ArrayList<>(pending);
            pending.clear();
            for (Pending p : handled) {
                session.delete(p.handle());
            }
            session.fireAllRules();
            for (Pending p : pending) {
                decisions.add(p.decision());
            }
        }
        return decisions;
    }

    /** Moves a pseudo clock forward (a no-op on the real clock's sessions) and fires what became due. */
    public List<Decision> advanceTo(Instant instant) {
        if (pseudoClock != null) {
            long ahead = instant.toEpochMilli() - pseudoClock.getCurrentTime();
            if (ahead > 0) {
                pseudoClock.advanceTime(ahead, TimeUnit.MILLISECONDS);
            }
        }
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

    /** Rule firings since the session was opened. */
    public long firings() {
        return firings;
    }

    @Override
    public void close() {
        session.dispose();
    }
}
