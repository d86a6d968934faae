package dev.governor.engine.http;

import dev.governor.engine.Governor;
import dev.governor.engine.http.ApiServer.Access;
import dev.governor.engine.http.ApiServer.Endpoint;
import java.util.List;

/** The table of Governor's endpoints: one row each ({@link ApiServer} says how to add one). */
public final class GovernorApi {

    private GovernorApi() {
    }

    /** Every endpoint of a running Governor. */
    public static List<Endpoint> endpoints(Governor governor) {
        HealthResource health = new HealthResource(governor);
        RulesResource rules = new RulesResource(governor);
        SeriesResource series = new SeriesResource(governor);
        DashboardFiles dashboard = new DashboardFiles();
        return List.of(
                new Endpoint("GET", "/api/health", Access.READ, "Liveness and readiness: rules, routes, each source up or down",
                        health::get),
                new Endpoint("GET", "/api/rules", Access.READ, "The rule files and names running, and the last reload",
                        rules::get),
                new Endpoint("POST", "/api/rules/reload", Access.CHANGE, "Compile the rules folder and swap the rules in",
                        rules::reload),
                new Endpoint("GET", "/api/series", Access.READ, "Recent values of the dashboard's signals, as columns, since a cursor",
                        series::get),
                new Endpoint("GET", "/*", Access.READ, "The dashboard: a page at / and its files", dashboard::get));
    }
}
