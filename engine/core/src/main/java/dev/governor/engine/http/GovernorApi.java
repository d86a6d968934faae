package dev.governor.engine.http;

import dev.governor.engine.Governor;
import dev.governor.engine.http.ApiServer.Access;
import dev.governor.engine.http.ApiServer.Endpoint;
import dev.governor.engine.json.FactCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The table of Governor's endpoints, one row each ({@link ApiServer} says how to add one). {@code docs/api.md}
 * documents them; {@code openapi.json} beside this class describes them, and {@code ApiContractIT} checks that it
 * describes exactly these.
 */
public final class GovernorApi {

    /** The OpenAPI description, a classpath resource beside this class. */
    static final String OPENAPI = "dev/governor/engine/http/openapi.json";

    /** Prometheus' text exposition format. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private GovernorApi() {
    }

    /** Every endpoint of a running Governor. */
    public static List<Endpoint> endpoints(Governor governor, FactCodec codec) {
        HealthResource health = new HealthResource(governor);
        FactsResource facts = new FactsResource(governor, codec);
        SamplesResource samples = new SamplesResource(governor, codec);
        DecisionsResource decisions = new DecisionsResource(governor);
        ActionsResource actions = new ActionsResource(governor);
        SilencesResource silences = new SilencesResource(governor);
        RulesResource rules = new RulesResource(governor);
        SeriesResource series = new SeriesResource(governor);
        DashboardFiles dashboard = new DashboardFiles();
        byte[] openApi = openApi();
        return List.of(
                new Endpoint("GET", "/api/health", Access.READ, "Liveness and readiness: rules, routes, each source up or down",
                        health::get),
                new Endpoint("GET", "/api/facts", Access.READ, "The newest fact of each subject, by type", facts::get),
                new Endpoint("POST", "/api/samples", Access.CHANGE, "Facts in: one or an array, as JSON", samples::post),
                new Endpoint("GET", "/api/decisions", Access.READ, "The audit's latest lines, filtered and paged", decisions::get),
                new Endpoint("GET", "/api/actions/in-flight", Access.READ, "Actions running now", actions::inFlight),
                new Endpoint("GET", "/api/silences", Access.READ, "The silences in force", silences::list),
                new Endpoint("POST", "/api/silences", Access.CHANGE, "Silence actions by type and target", silences::add),
                new Endpoint("DELETE", "/api/silences/{id}", Access.CHANGE, "End a silence set at run time", silences::remove),
                new Endpoint("GET", "/api/rules", Access.READ, "The rule files and names running, and the last reload",
                        rules::get),
                new Endpoint("POST", "/api/rules/reload", Access.CHANGE, "Compile the rules folder and swap the rules in",
                        rules::reload),
                new Endpoint("GET", "/api/openapi.json", Access.READ, "This API's OpenAPI description",
                        request -> new ApiResponse(200, ApiResponse.JSON, openApi, Map.of())),
                new Endpoint("GET", "/metrics", Access.READ, "Metrics, in Prometheus' text format",
                        request -> ApiResponse.text(PROMETHEUS_TEXT, governor.metrics().scrape())),
                new Endpoint("GET", "/api/series", Access.READ, "Recent values of the dashboard's signals, as columns, since a cursor",
                        series::get),
                new Endpoint("GET", "/*", Access.READ, "The dashboard: a page at / and its files", dashboard::get));
    }

    static byte[] openApi() {
        try (InputStream in = GovernorApi.class.getClassLoader().getResourceAsStream(OPENAPI)) {
            if (in == null) {
                throw new IllegalStateException(OPENAPI + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + OPENAPI, e);
        }
    }
}
