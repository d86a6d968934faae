package dev.governor.engine;

import dev.governor.api.Fact;
import java.util.List;

/** Where facts go: the rules engine in a running Governor, standard output for {@code governor sample}. */
@FunctionalInterface
public interface FactSink {

    /**
     * Takes these facts, all or none. Throws {@link IllegalStateException} when they cannot be taken
     * now (for example the engine's queue is full), so the sender can retry or report.
     */
    void accept(List<? extends Fact> facts);

    /**
     * Takes these facts from a named source: the sampler ({@code host}, {@code postgres}), the route id of any other
     * route, or {@code api} for {@code POST /api/samples}. Sinks that keep no account of sources take them as
     * {@link #accept(List)} does.
     */
    default void accept(List<? extends Fact> facts, String source) {
        accept(facts);
    }
}
