package dev.governor.engine.rules;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.Fact;
import dev.governor.api.RuleParams;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The default rules (rules/*.drl with rules/params.yaml) in a session on a pseudo clock, driven as the service
 * drives them: facts in, decisions out, and each decision's outcome back in at the same time, as a plugin
 * would answer. Compiled once per test JVM.
 */
final class RulePack implements AutoCloseable {

    static final Path DEFAULT_RULES = Path.of("../../rules");
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static CompiledRules compiled;

    private final RuleSession session;
    private final List<Decision> decisions = new ArrayList<>();
    private Function<Action, ActionOutcome.Status> answer = action -> ActionOutcome.Status.APPLIED;
    private Function<Action, Action> carriedOut = action -> action;

    static synchronized CompiledRules rules() {
        if (compiled == null) {
            compiled = new RuleCompiler(Duration.ofMinutes(5)).compileFolder(DEFAULT_RULES);
        }
        return compiled;
    }

    /** The default rules with these params overridden. */
    RulePack(Map<String, ?> overrides) {
        this.session = new RuleSession(rules(), RuleSession.ClockMode.PSEUDO, new AtomicLong(), rules().params().with(overrides));
    }

    RulePack() {
        this(Map.of());
    }

    /** How the "plugin" answers each action from now on (APPLIED by default). */
    RulePack answering(Function<Action, ActionOutcome.Status> answer) {
        this.answer = answer;
        return this;
    }

    /** What the "plugin" reports it carried out (the action itself by default; a clamped one, say). */
    RulePack carryingOut(Function<Action, Action> carriedOut) {
        this.carriedOut = carriedOut;
        return this;
    }

    static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    /** Inserts the facts, answers each decision, and returns the decisions made now. */
    List<Decision> insert(Fact... facts) {
        List<Decision> now = session.insert(List.of(facts));
        List<Decision> all = new ArrayList<>(now);
        List<Decision> pending = now;
        while (!pending.isEmpty()) {
            List<ActionOutcome> outcomes = new ArrayList<>();
            for (Decision decision : pending) {
                outcomes.add(new ActionOutcome(carriedOut.apply(decision.action()), answer.apply(decision.action()), "test",
                        session.now()));
            }
            pending = session.insert(outcomes);
            all.addAll(pending);
        }
        decisions.addAll(all);
        return all;
    }

    /** Every decision so far. */
    List<Decision> decisions() {
        return decisions;
    }

    /** Every decision so far, as "SECONDS TYPE TARGET", for readable assertions. */
    List<String> timeline() {
        return decisions.stream().map(RulePack::describe).toList();
    }

    static String describe(Decision d) {
        return Duration.between(T0, d.at()).toSeconds() + "s " + d.action().type() + " " + d.action().target();
    }

    RuleParams params() {
        return rules().params();
    }

    long factCount() {
        return session.factCount();
    }

    @Override
    public void close() {
        session.close();
    }
}
