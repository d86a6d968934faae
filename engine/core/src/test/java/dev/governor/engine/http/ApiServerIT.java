package dev.governor.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.http.ApiServer.Access;
import dev.governor.engine.http.ApiServer.Endpoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server on its own, as an endpoint author sees it: path parameters, the dashboard's files under every other path. */
class ApiServerIT {

    @Test
    void exactPathsWinOverTheDashboardMountedAtTheRoot() throws Exception {
        GovernorConfig.Api config = GovernorConfig.Api.defaults().withPort(0).withToken("server-test-token-0123456789");
        ApiToken token = ApiToken.resolve(config, name -> null);
        List<Endpoint> endpoints = List.of(
                new Endpoint("GET", "/*", Access.READ, "static", new DashboardFiles()::get),
                new Endpoint("GET", "/api/series/{name}", Access.READ, "one series",
                        request -> ApiResponse.json(Map.of("name", request.pathParam("name"),
                                "window", request.param("window").orElse("1h")))));
        try (ApiServer server = ApiServer.start(config, token, endpoints, ApiServer.Observer.NONE)) {
            ApiClient client = new ApiClient(server.url(), null);
            ApiClient.Reply index = client.get("/");
            assertThat(index.status()).isEqualTo(200);
            assertThat(index.header("Content-Type")).startsWith("text/html");
            assertThat(index.body()).contains("<title>Governor</title>");
            assertThat(client.get("/dashboard.css").header("Content-Type")).startsWith("text/css");
            assertThat(client.get("/nothing.js").status()).isEqualTo(404);

            ApiClient.Reply series = client.get("/api/series/queue%20depth?window=5m");
            assertThat(series.status()).isEqualTo(200);
            assertThat(series.json().get("name").asText()).isEqualTo("queue depth");
            assertThat(series.json().get("window").asText()).isEqualTo("5m");
            assertThat(client.post("/api/series/x", "{}").status()).isEqualTo(405);
        }
    }
}
