package dev.governor.engine.sample;

import static dev.governor.engine.sample.HostSampler.Options.Kind.HOST;
import static dev.governor.engine.sample.HostSampler.Options.Kind.NETWORK;
import static dev.governor.engine.sample.HostSampler.Options.Kind.TCP;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every copy of the default routes samples the host every second without counting TCP connections, and counts them
 * every 30 s on an endpoint that sends nothing else, so rules still see one {@code HostSample} stream.
 */
class DefaultHostRoutesTest {

    /** A {@code governor-sample:host} endpoint of a routes file: its period and what it samples. */
    record HostEndpoint(String id, String period, HostSampler.Options options) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../routes/sampling.yaml", "../../demo/src/main/resources/dev/governor/demo/routes.yaml"})
    void sampleTheHostEverySecondAndItsTcpConnectionsEveryThirtySeconds(String file) throws Exception {
        List<HostEndpoint> endpoints = hostEndpoints(Path.of(file));

        assertThat(endpoints).filteredOn(e -> e.options().host()).singleElement()
                .satisfies(e -> assertThat(e.period()).isEqualTo("1s"))
                .satisfies(e -> assertThat(e.options().facts()).containsExactly(HOST, NETWORK));
        assertThat(endpoints).filteredOn(e -> e.options().tcp()).singleElement()
                .satisfies(e -> assertThat(e.period()).isEqualTo("30s"))
                .satisfies(e -> assertThat(e.options().facts()).containsExactly(TCP));
        assertThat(endpoints).hasSize(2);
    }

    private static List<HostEndpoint> hostEndpoints(Path file) throws Exception {
        JsonNode routes = new YAMLMapper().readTree(file.toFile());
        return StreamSupport.stream(routes.spliterator(), false)
                .map(item -> item.path("route"))
                .filter(route -> route.path("from").path("uri").asText().equals("governor-sample:host"))
                .map(route -> {
                    Map<String, String> options = new LinkedHashMap<>();
                    route.path("from").path("parameters").fields()
                            .forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
                    String period = options.remove("period");
                    return new HostEndpoint(route.path("id").asText(), period, HostSampler.Options.parse(options));
                })
                .toList();
    }
}
