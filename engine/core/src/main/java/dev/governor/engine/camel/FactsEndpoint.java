package dev.governor.engine.camel;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** {@code governor:facts}: a producer-only endpoint that hands facts to the engine. */
final class FactsEndpoint extends DefaultEndpoint {

    FactsEndpoint(String uri, FactsComponent component) {
        super(uri, component);
    }

    @Override
    public FactsComponent getComponent() {
        return (FactsComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new FactsProducer(this, getComponent().sink(), getComponent().codec());
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("governor:facts only receives facts: use it in 'to', not in 'from'");
    }
}
