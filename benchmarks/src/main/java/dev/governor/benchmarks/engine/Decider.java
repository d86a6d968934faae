package dev.governor.benchmarks.engine;

import dev.governor.api.Fact;
import dev.governor.engine.rules.Decision;
import java.util.List;

/** What decides on a batch of facts: the rules session, or the hand-written Java that stands in for it. */
public interface Decider extends AutoCloseable {

    List<Decision> accept(List<Fact> facts);

    @Override
    default void close() {
    }
}
