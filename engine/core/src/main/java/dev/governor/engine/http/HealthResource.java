package dev.governor.engine.http;

import dev.governor.engine.Governor;
import dev.governor.engine.camel.SourceStatus;
import dev.governor.engine.rules.ReloadResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;

/**
 * {@code GET /api/health}: liveness and readiness. 200 while Governor is ready (rules loaded, the rules thread
 * running, every route started), else 503; {@code status} is {@code UP}, {@code DEGRADED} (ready, but a sampled
 * source is down: its rules see {@code SourceDown} facts) or {@code DOWN}.
 */
final class HealthResource {

    private final Governor governor;

    HealthResource(Governor governor) {
        this.governor = governor;
    }

    ApiResponse get(ApiRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        ReloadResult last = governor.reloader().lastResult();
        boolean rulesLoaded = governor.rules() != null;
        boolean engineRunning = governor.engine().running();

        List<Map<String, Object>> routes = new ArrayList<>();
        int started = 0;
        for (Route route : governor.routes().context().getRoutes()) {
            ServiceStatus status = governor.routes().context().getRouteController().getRouteStatus(route.getRouteId());
            boolean up = status == ServiceStatus.Started;
            started += up ? 1 : 0;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", route.getRouteId());
            row.put("from", dev.governor.engine.Secrets.mask(route.getEndpoint().getEndpointBaseUri()));
            row.put("status", status == null ? "Unknown" : status.name());
            routes.add(row);
        }
        boolean routesStarted = started == routes.size();

        List<Map<String, Object>> sources = new ArrayList<>();
        boolean sourceDown = false;
        for (SourceStatus source : governor.routes().samples().sources()) {
            sourceDown |= !source.up();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("source", source.source());
            row.put("sampler", source.sampler());
            row.put("up", source.up());
            row.put("lastAttempt", source.lastAttempt());
            row.put("lastMillis", Math.round(source.lastMillis() * 1000) / 1000.0);
            if (!source.up()) {
                row.put("downSince", source.downSince());
                row.put("failures", source.failures());
                row.put("error", source.error());
            }
            sources.add(row);
        }

        boolean ready = rulesLoaded && engineRunning && routesStarted;
        body.put("status", !ready ? "DOWN" : sourceDown ? "DEGRADED" : "UP");
        body.put("live", engineRunning);
        body.put("ready", ready);
        body.put("mode", governor.config().mode().text());

        Map<String, Object> rules = new LinkedHashMap<>();
        rules.put("loaded", rulesLoaded);
        rules.put("rules", rulesLoaded ? governor.rules().ruleNames().size() : 0);
        rules.put("files", rulesLoaded ? governor.rules().files().size() : 0);
        rules.put("lastReloadAt", last.at());
        rules.put("lastReloadOk", last.ok());
        body.put("rules", rules);

        Map<String, Object> engine = new LinkedHashMap<>();
        engine.put("running", engineRunning);
        engine.put("factsInSession", governor.engine().factCount());
        engine.put("factsIn", governor.engine().factsIn());
        engine.put("queued", governor.engine().queued());
        body.put("engine", engine);

        Map<String, Object> routesBody = new LinkedHashMap<>();
        routesBody.put("started", started);
        routesBody.put("total", routes.size());
        routesBody.put("routes", routes);
        body.put("routes", routesBody);
        body.put("sources", sources);
        body.put("breaker", governor.envelope().breakerOpen().orElse("closed"));
        body.put("actionsInFlight", governor.dispatcher().inFlight());
        return ApiResponse.json(ready ? 200 : 503, body);
    }
}
