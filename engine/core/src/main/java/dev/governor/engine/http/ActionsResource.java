package dev.governor.engine.http;

import dev.governor.engine.Governor;
import dev.governor.engine.Secrets;
import dev.governor.engine.dispatch.Dispatcher;
import dev.governor.engine.json.FactCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/actions/in-flight}: the actions handed to a plugin whose outcome is not known yet, oldest
 * first, with the rule that decided each and how long it has been running.
 */
final class ActionsResource {

    private final Governor governor;

    ActionsResource(Governor governor) {
        this.governor = governor;
    }

    ApiResponse inFlight(ApiRequest request) {
        Instant now = Instant.now();
        List<Dispatcher.Running> running = governor.dispatcher().running();
        List<Map<String, Object>> rows = running.stream().map(action -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", action.decision().id());
            row.put("rule", action.decision().rule());
            row.put("type", action.action().type());
            row.put("target", action.action().target());
            row.put("params", Secrets.mask(FactCodec.mapper().valueToTree(action.action().params())));
            row.put("reason", action.action().reason());
            row.put("since", action.since());
            row.put("runningMillis", Math.max(0, Duration.between(action.since(), now).toMillis()));
            return row;
        }).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", rows.size());
        body.put("timeoutMillis", governor.config().actions().timeout().toMillis());
        body.put("actions", rows);
        return ApiResponse.json(body);
    }
}
