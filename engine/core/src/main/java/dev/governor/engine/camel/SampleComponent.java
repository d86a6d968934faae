package dev.governor.engine.camel;

import dev.governor.engine.sample.SamplerFactory;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code governor-sample} Camel component: {@code from: governor-sample:host?period=1s} samples a
 * source on a schedule and sends the facts down the route. The sampler's name is the path; {@code period}
 * (default 1s) sets how often; Camel's scheduled-poll options ({@code initialDelay}, {@code repeatCount},
 * ...) apply too.
 */
public final class SampleComponent extends DefaultComponent {

    public static final String NAME = "governor-sample";

    private final Map<String, SamplerFactory> factories;
    private final boolean once;
    private final Clock clock;
    private final AtomicReference<CountDownLatch> firstPolls = new AtomicReference<>(new CountDownLatch(0));
    private final java.util.concurrent.ConcurrentMap<String, SourceStatus> sources = new java.util.concurrent.ConcurrentSkipListMap<>();
    private volatile SourceStatus.Observer observer = SourceStatus.Observer.NONE;

    /**
     * @param factories the samplers by name
     * @param once      true to sample each endpoint once, at once, and no more ({@code governor sample --once})
     */
    public SampleComponent(Map<String, SamplerFactory> factories, boolean once) {
        this(factories, once, Clock.systemUTC());
    }

    /** As above, with the clock that stamps {@link dev.governor.api.SourceDown} facts. */
    public SampleComponent(Map<String, SamplerFactory> factories, boolean once, Clock clock) {
        this.factories = new TreeMap<>(factories);
        this.once = once;
        this.clock = clock;
    }

    Clock clock() {
        return clock;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        SamplerFactory factory = factories.get(remaining);
        if (factory == null) {
            throw new IllegalArgumentException("Unknown sampler '" + remaining + "' in '" + uri + "': known samplers are "
                    + String.join(", ", factories.keySet()));
        }
        Map<String, String> samplerOptions = new LinkedHashMap<>();
        for (String name : factory.optionNames()) {
            Object value = parameters.remove(name);
            if (value != null) {
                samplerOptions.put(name, value.toString());
            }
        }
        factory.validate(samplerOptions);
        SampleEndpoint endpoint = new SampleEndpoint(uri, this, remaining, factory, samplerOptions);
        if (once) {
            endpoint.setInitialDelay(0);
            endpoint.setRepeatCount(1);
        }
        return endpoint;
    }

    /** Expect {@code count} first polls from now on; see {@link #awaitFirstPolls}. */
    public void expectFirstPolls(int count) {
        firstPolls.set(new CountDownLatch(count));
    }

    void polled() {
        firstPolls.get().countDown();
    }

    /** Each sampled source's state after its last attempt, by source name. */
    public java.util.List<SourceStatus> sources() {
        return java.util.List.copyOf(sources.values());
    }

    /** Told of every sampling attempt (metrics). */
    public void observe(SourceStatus.Observer newObserver) {
        observer = newObserver == null ? SourceStatus.Observer.NONE : newObserver;
    }

    void sampled(SourceStatus status, long nanos) {
        sources.put(status.source(), status);
        try {
            observer.sampled(status.sampler(), status.source(), nanos, status.up());
        } catch (RuntimeException e) {
            // Metrics must never stop a route.
        }
    }

    /** Waits until every expected endpoint has polled once; false on timeout. */
    public boolean awaitFirstPolls(long timeout, TimeUnit unit) throws InterruptedException {
        return firstPolls.get().await(timeout, unit);
    }
}
