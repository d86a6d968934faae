package dev.governor.engine.rules;

import dev.governor.api.Action;
import java.time.Instant;
import java.util.List;

/**
 * An action a rule inserted, with what led to it.
 *
 * @param id     unique within this run, in decision order
 * @param action the action, its reason filled with the rule's name when the rule left it empty
 * @param rule   the name of the rule that inserted it
 * @param facts  the facts the rule matched (records, or accumulate results)
 * @param at     the session time of the decision
 */
public record Decision(long id, Action action, String rule, List<Object> facts, Instant at) {

    public Decision {
        facts = List.copyOf(facts);
    }
}
