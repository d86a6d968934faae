package dev.governor.engine.camel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.api.Fact;
import dev.governor.engine.FactSink;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.json.InvalidFactException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/**
 * Turns a message body into facts and hands them to the sink, all or none. A body that is not a fact
 * fails the exchange with {@link InvalidFactException}, whose message names the element and the field;
 * the route goes on with the next message, and its error handler (a dead letter channel, say) keeps
 * the rejected one.
 */
final class FactsProducer extends DefaultProducer {

    /** Header set on the exchange: how many facts were accepted. */
    static final String ACCEPTED_HEADER = "GovernorFactsAccepted";

    private final FactSink sink;
    private final FactCodec codec;

    FactsProducer(FactsEndpoint endpoint, FactSink sink, FactCodec codec) {
        super(endpoint);
        this.sink = sink;
        this.codec = codec;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        List<Fact> facts = toFacts(exchange.getMessage().getBody());
        String sampler = exchange.getMessage().getHeader(SampleConsumer.SAMPLER_HEADER, String.class);
        String source = sampler != null ? sampler : exchange.getFromRouteId() != null ? exchange.getFromRouteId() : "route";
        sink.accept(facts, source);
        exchange.getMessage().setHeader(ACCEPTED_HEADER, facts.size());
    }

    private List<Fact> toFacts(Object body) throws Exception {
        if (body == null) {
            throw new InvalidFactException(List.of("empty body: expected a fact, a list of facts, or JSON"));
        }
        if (body instanceof Fact fact) {
            return List.of(fact);
        }
        if (body instanceof String text) {
            return codec.read(text);
        }
        if (body instanceof byte[] bytes) {
            return codec.read(new String(bytes, StandardCharsets.UTF_8));
        }
        if (body instanceof InputStream stream) {
            try (stream) {
                return codec.read(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        if (body instanceof JsonNode node) {
            return codec.read(node);
        }
        if (body instanceof Map<?, ?> map) {
            return codec.read(FactCodec.mapper().<JsonNode>valueToTree(map));
        }
        if (body instanceof Collection<?> collection) {
            if (collection.stream().allMatch(Fact.class::isInstance)) {
                List<Fact> facts = new ArrayList<>(collection.size());
                collection.forEach(item -> facts.add((Fact) item));
                return facts;
            }
            return codec.read(FactCodec.mapper().<JsonNode>valueToTree(collection));
        }
        throw new InvalidFactException(List.of("a body of type " + body.getClass().getName()
                + " is not a fact: send a fact, a list of facts, or JSON (convert it first, e.g. with 'marshal: json')"));
    }
}
