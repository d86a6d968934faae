package dev.governor.engine.sample;

import dev.governor.api.Fact;
import java.util.List;

/**
 * Reads one source (the host, a pool, a database) and returns what it saw as facts. A sampler is
 * created once per endpoint and called from one scheduler thread at a time; it holds what it needs
 * between samples (a handle, the previous counters) and releases it in {@link #close()}.
 *
 * <p>A sampler that cannot reach its source throws; the endpoint then reports a
 * {@link dev.governor.api.SourceDown} fact, backs off, and tries again later. A sampler must bound its
 * own waits (connect and query timeouts), so that a source that hangs fails instead.
 */
public interface Sampler extends AutoCloseable {

    List<? extends Fact> sample() throws Exception;

    /**
     * The source's name in {@link dev.governor.api.SourceDown} facts, e.g. {@code postgres/main}; by
     * default the sampler's name.
     */
    default String source() {
        return null;
    }

    @Override
    default void close() {
    }
}
