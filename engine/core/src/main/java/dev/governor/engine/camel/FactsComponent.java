package dev.governor.engine.camel;

import dev.governor.engine.FactSink;
import dev.governor.engine.json.FactCodec;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code governor} Camel component: {@code to: governor:facts} hands a route's message to the
 * rules engine. The body may be a fact, a list of facts, or JSON text (one fact object or an array).
 */
public final class FactsComponent extends DefaultComponent {

    public static final String NAME = "governor";

    private final FactSink sink;
    private final FactCodec codec;

    public FactsComponent(FactSink sink, FactCodec codec) {
        this.sink = sink;
        this.codec = codec;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        if (!"facts".equals(remaining)) {
            throw new IllegalArgumentException("Unknown Governor endpoint '" + uri + "': use 'governor:facts'");
        }
        return new FactsEndpoint(uri, this);
    }

    FactSink sink() {
        return sink;
    }

    FactCodec codec() {
        return codec;
    }
}
