package dev.governor.benchmarks.engine;

import dev.governor.api.Fact;
import dev.governor.engine.rules.CompiledRules;
import dev.governor.engine.rules.Decision;
import dev.governor.engine.rules.RuleSession;
import java.util.List;

/** The real rules session on a pseudo clock that follows the facts, as {@code governor replay} runs it. */
public final class RulesDecider implements Decider {

    private final RuleSession session;

    public RulesDecider(CompiledRules rules) {
        this.session = new RuleSession(rules, RuleSession.ClockMode.PSEUDO);
    }

    @Override
    public List<Decision> accept(List<Fact> facts) {
        return session.insert(facts);
    }

    public long factCount() {
        return session.factCount();
    }

    @Override
    public void close() {
        session.close();
    }
}
