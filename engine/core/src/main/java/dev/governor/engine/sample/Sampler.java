package dev.governor.engine.sample;

import dev.governor.api.Fact;
import java.util.List;

/**
 * Reads one source (the host, a pool, a database) and returns what it saw as facts. A sampler is
 * created once per endpoint and called from one scheduler thread at a time; it holds what it needs
 * between samples (a handle, the previous counters) and releases it in {@link #close()}.
 */
public interface Sampler extends AutoCloseable {

    List<? extends Fact> sample() throws Exception;

    @Override
    default void close() {
    }
}
