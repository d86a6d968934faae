package dev.governor.engine.camel;

import dev.governor.api.Fact;
import dev.governor.api.SourceDown;
import dev.governor.engine.sample.Sampler;
import dev.governor.engine.sample.SamplerFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.ScheduledPollConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the sampler on Camel's schedule and sends its facts (a {@code List<Fact>}) down the route.
 * Each endpoint polls on its own scheduler thread, so a slow source never delays another.
 *
 * <p>A sampler that throws does not stop the route: the consumer sends a {@link SourceDown} fact
 * instead, then backs off (the period, doubled after each failure, at most {@link #MAX_BACKOFF} or the
 * period if that is longer) and tries again. The first sample that succeeds ends the outage.
 */
final class SampleConsumer extends ScheduledPollConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(SampleConsumer.class);

    /** Header on each exchange: the sampler's name. */
    static final String SAMPLER_HEADER = "GovernorSampler";

    /** The longest pause between attempts on a source that is down, unless the period is longer. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final SamplerFactory factory;
    private final Map<String, String> options;
    private final Clock clock;
    private Sampler sampler;
    private String source;

    // Outage state; touched only by this endpoint's scheduler thread.
    private Instant downSince;
    private int failures;
    private String lastError;
    private Instant nextAttempt = Instant.MIN;

    SampleConsumer(SampleEndpoint endpoint, Processor processor, SamplerFactory factory, Map<String, String> options,
                   Clock clock) {
        super(endpoint, processor);
        this.factory = factory;
        this.options = options;
        this.clock = clock;
    }

    @Override
    public SampleEndpoint getEndpoint() {
        return (SampleEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        sampler = factory.create(options);
        String named = sampler.source();
        source = named == null || named.isBlank() ? getEndpoint().getSamplerName() : named;
        super.doStart();
    }

    @Override
    protected int poll() throws Exception {
        try {
            Instant now = clock.instant();
            if (now.isBefore(nextAttempt)) {
                return 0;
            }
            List<? extends Fact> facts;
            long started = System.nanoTime();
            try {
                facts = sampler.sample();
                recovered();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            } catch (Exception | LinkageError e) {
                facts = List.of(down(e));
            }
            long took = System.nanoTime() - started;
            getEndpoint().getComponent().sampled(new SourceStatus(source, getEndpoint().getSamplerName(), downSince == null,
                    now, downSince, failures, downSince == null ? null : lastError, took / 1e6), took);
            if (facts.isEmpty()) {
                return 0;
            }
            send(facts);
            return facts.size();
        } finally {
            getEndpoint().getComponent().polled();
        }
    }

    private SourceDown down(Throwable e) {
        Instant now = clock.instant();
        String error = dev.governor.engine.Secrets.mask(describe(e));
        lastError = error;
        if (downSince == null) {
            downSince = now;
            LOG.warn("Source {} is down: {}", source, error);
        } else {
            LOG.debug("Source {} is still down after {} attempts: {}", source, failures + 1, error);
        }
        failures++;
        Duration backoff = backoff(failures);
        nextAttempt = now.plus(backoff);
        return new SourceDown(source, error, downSince, failures, now);
    }

    private void recovered() {
        if (downSince != null) {
            LOG.info("Source {} is back after {} failed attempts since {}", source, failures, downSince);
        }
        downSince = null;
        failures = 0;
        lastError = null;
        nextAttempt = Instant.MIN;
    }

    /** The pause after the n-th failure in a row: the period, doubled each time, capped. */
    Duration backoff(int failuresInARow) {
        long period = Math.max(1, getEndpoint().getDelay());
        long cap = Math.max(period, MAX_BACKOFF.toMillis());
        long millis = period;
        for (int i = 1; i < failuresInARow && millis < cap; i++) {
            millis *= 2;
        }
        // The scheduler fires every period; the next attempt is the first poll at or after this time.
        return Duration.ofMillis(Math.min(cap, millis) - period / 2);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !text.contains(cause.getMessage())) {
            text = text + ": " + cause.getMessage();
        }
        return text;
    }

    private void send(List<? extends Fact> facts) throws Exception {
        Exchange exchange = createExchange(false);
        exchange.getMessage().setBody(List.copyOf(facts));
        exchange.getMessage().setHeader(SAMPLER_HEADER, getEndpoint().getSamplerName());
        try {
            getProcessor().process(exchange);
            if (exchange.getException() != null && (!isRunAllowed() || getEndpoint().getCamelContext().isStopping())) {
                // Sampled just as the routes stop: the rest of the route refuses it, as it should; not an error.
                LOG.debug("Sample from {} dropped: the route is stopping", getEndpoint().getEndpointUri());
            } else if (exchange.getException() != null) {
                getExceptionHandler().handleException("Error processing sample from " + getEndpoint().getEndpointUri(),
                        exchange, exchange.getException());
            }
        } finally {
            releaseExchange(exchange, false);
        }
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        if (sampler != null) {
            sampler.close();
            sampler = null;
        }
    }
}
