package dev.governor.engine.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.engine.CurrentFacts;
import dev.governor.engine.Governor;
import dev.governor.engine.Secrets;
import dev.governor.engine.json.FactCodec;
import dev.governor.spi.Glob;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@code GET /api/facts}: the newest fact of each subject, by type ({@link CurrentFacts}). Filters, each a glob
 * ({@code *} any run of characters): {@code type}, {@code key} (what the fact is about: {@code orders},
 * {@code main/public/*}), {@code source} (the sampler, route id or {@code api} it came from); {@code limit}
 * (default 1000, at most 50000).
 */
final class FactsResource {

    private final Governor governor;
    private final FactCodec codec;

    FactsResource(Governor governor, FactCodec codec) {
        this.governor = governor;
        this.codec = codec;
    }

    ApiResponse get(ApiRequest request) {
        int limit = request.intParam("limit", 1000, 1, 50_000);
        Predicate<CurrentFacts.Entry> filter = glob(request.param("type"), CurrentFacts.Entry::type)
                .and(glob(request.param("key"), CurrentFacts.Entry::key))
                .and(glob(request.param("source"), CurrentFacts.Entry::source));
        List<CurrentFacts.Entry> entries = governor.currentFacts().current(filter);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("count", Math.min(limit, entries.size()));
        body.put("matching", entries.size());
        body.put("truncated", entries.size() > limit);
        ObjectNode types = body.putObject("types");
        for (CurrentFacts.Entry entry : entries.subList(0, Math.min(limit, entries.size()))) {
            ArrayNode ofType = types.has(entry.type()) ? (ArrayNode) types.get(entry.type()) : types.putArray(entry.type());
            ObjectNode row = ofType.addObject();
            row.put("key", entry.key());
            row.put("source", entry.source());
            row.put("receivedAt", entry.receivedAt().toString());
            row.set("fact", Secrets.mask(codec.toJson(entry.fact())));
        }
        return ApiResponse.json(body);
    }

    private static Predicate<CurrentFacts.Entry> glob(Optional<String> pattern, java.util.function.Function<CurrentFacts.Entry, String> field) {
        return pattern.<Predicate<CurrentFacts.Entry>>map(p -> {
            Glob glob = Glob.of(p);
            return entry -> glob.matches(field.apply(entry));
        }).orElse(entry -> true);
    }
}
