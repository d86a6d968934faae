package dev.governor.engine.camel;

import dev.governor.api.Fact;
import dev.governor.engine.sample.Sampler;
import dev.governor.engine.sample.SamplerFactory;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.ScheduledPollConsumer;

/**
 * Calls the sampler on Camel's schedule and sends its facts (a {@code List<Fact>}) down the route.
 * A sampler that throws fails that poll only: Camel logs it and the next poll tries again.
 */
final class SampleConsumer extends ScheduledPollConsumer {

    /** Header on each exchange: the sampler's name. */
    static final String SAMPLER_HEADER = "GovernorSampler";

    private final SamplerFactory factory;
    private final Map<String, String> options;
    private Sampler sampler;

    SampleConsumer(SampleEndpoint endpoint, Processor processor, SamplerFactory factory, Map<String, String> options) {
        super(endpoint, processor);
        this.factory = factory;
        this.options = options;
    }

    @Override
    public SampleEndpoint getEndpoint() {
        return (SampleEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        sampler = factory.create(options);
        super.doStart();
    }

    @Override
    protected int poll() throws Exception {
        try {
            List<? extends Fact> facts = sampler.sample();
            if (facts.isEmpty()) {
                return 0;
            }
            Exchange exchange = createExchange(false);
            exchange.getMessage().setBody(List.copyOf(facts));
            exchange.getMessage().setHeader(SAMPLER_HEADER, getEndpoint().getSamplerName());
            try {
                getProcessor().process(exchange);
                if (exchange.getException() != null) {
                    getExceptionHandler().handleException("Error processing sample from " + getEndpoint().getEndpointUri(),
                            exchange, exchange.getException());
                }
            } finally {
                releaseExchange(exchange, false);
            }
            return facts.size();
        } finally {
            getEndpoint().getComponent().polled();
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
