package dev.governor.engine.camel;

import dev.governor.engine.config.Durations;
import dev.governor.engine.sample.SamplerFactory;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.ScheduledPollEndpoint;

/** {@code governor-sample:NAME?period=1s}: a scheduled source of facts. */
public final class SampleEndpoint extends ScheduledPollEndpoint {

    private final String samplerName;
    private final SamplerFactory factory;
    private final Map<String, String> samplerOptions;
    private Duration period = Duration.ofSeconds(1);

    SampleEndpoint(String uri, SampleComponent component, String samplerName, SamplerFactory factory,
                   Map<String, String> samplerOptions) {
        super(uri, component);
        this.samplerName = samplerName;
        this.factory = factory;
        this.samplerOptions = Map.copyOf(samplerOptions);
        setInitialDelay(0);
        setDelay(period.toMillis());
    }

    @Override
    public SampleComponent getComponent() {
        return (SampleComponent) super.getComponent();
    }

    /** How often to sample, e.g. {@code 500ms}, {@code 10s}; default 1s. */
    public void setPeriod(String text) {
        Duration parsed = Durations.parse(text);
        if (parsed.isZero() || parsed.isNegative()) {
            throw new IllegalArgumentException("period must be positive, was " + text);
        }
        this.period = parsed;
        setDelay(parsed.toMillis());
    }

    public String getPeriod() {
        return Durations.format(period);
    }

    public String getSamplerName() {
        return samplerName;
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        SampleConsumer consumer = new SampleConsumer(this, processor, factory, samplerOptions, getComponent().clock());
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("governor-sample:" + samplerName + " is a source: use it in 'from', not in 'to'");
    }
}
