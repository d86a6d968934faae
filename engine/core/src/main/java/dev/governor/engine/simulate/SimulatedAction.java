package dev.governor.engine.simulate;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.engine.envelope.Verdict;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.rules.Decision;
import java.time.Instant;

/**
 * An action a rule decided in a simulation and what the safety envelope made of it.
 *
 * @param at       the simulated time of the decision
 * @param decision the rule's decision: its action as requested, the rule, the facts it matched
 * @param verdict  the envelope's verdict
 * @param outcome  the outcome inserted back into the rules: the recorder's for a dispatched action
 *                 ({@code APPLIED} unless the scenario says otherwise), the verdict's for the others
 */
public record SimulatedAction(Instant at, Decision decision, Verdict verdict, ActionOutcome outcome) {

    /** True when the envelope let the action through to where its plugin would have run it. */
    public boolean dispatched() {
        return verdict.runs();
    }

    /** The action as it would have been carried out: clamped when the envelope changed it. */
    public Action action() {
        return verdict.action();
    }

    /** The name of the rule that decided it. */
    public String rule() {
        return decision.rule();
    }

    /** {@code pool.resize on 'orders' {"max":12}}: an action as reports print it. */
    public static String describe(Action action) {
        String params = "";
        if (!action.params().isEmpty()) {
            try {
                params = " " + FactCodec.mapper().writeValueAsString(action.params());
            } catch (JsonProcessingException e) {
                params = " " + action.params();
            }
        }
        return action.type() + " on '" + action.target() + "'" + params;
    }

    /** {@code ADMITTED}, or the verdict's label and message when the envelope changed or held the action. */
    public String verdictText() {
        return verdict.kind() == Verdict.Kind.ADMITTED ? "ADMITTED" : verdict.label() + ": " + verdict.message();
    }
}
