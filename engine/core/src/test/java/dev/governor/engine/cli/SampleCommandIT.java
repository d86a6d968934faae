package dev.governor.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.engine.json.FactCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleCommandIT {

    @Test
    void sampleOncePrintsHostAndJvmFactsFromTheDefaultRoutes(@TempDir Path dir) throws Exception {
        CliRun run = CliRun.of("sample", "--once", "--routes", CheckCommandTest.DEFAULT_ROUTES,
                "--config", Files.writeString(dir.resolve("governor.yaml"), "").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<JsonNode> facts = new java.util.ArrayList<>();
        for (String line : run.out().lines().toList()) {
            facts.add(FactCodec.mapper().readTree(line));
        }
        assertThat(facts).extracting(f -> f.get("type").asText())
                .contains("HostSample", "TcpConnections", "JvmSample", "MemoryPoolSample")
                .as("no database is configured, so no PostgreSQL facts")
                .noneMatch(type -> type.startsWith("Pg"));
        assertThat(facts).as("one endpoint samples the host, another only its TCP connections")
                .filteredOn(f -> f.get("type").asText().equals("HostSample")).hasSize(1);
        assertThat(facts).filteredOn(f -> f.get("type").asText().equals("TcpConnections")).hasSize(1);
        JsonNode host = facts.stream().filter(f -> f.get("type").asText().equals("HostSample")).findFirst().orElseThrow();
        assertThat(host.get("cpuLoad").asDouble()).isBetween(0.0, 1.0);
        assertThat(host.get("memoryTotal").asLong()).isPositive();
        assertThat(host.get("memoryUsed").asLong() + host.get("memoryAvailable").asLong())
                .isEqualTo(host.get("memoryTotal").asLong());
    }

    @Test
    void onlySamplingRoutesRunAndEachOnce(@TempDir Path dir) throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("two.yaml"), """
                - route:
                    from:
                      uri: governor-sample:host
                      parameters: { period: 50ms, network: false, tcp: false }
                      steps:
                        - to: governor:facts
                - route:
                    from:
                      uri: governor-sample:host
                      parameters: { period: 10s, network: false, tcp: false }
                      steps:
                        - to: governor:facts
                - route:
                    from:
                      uri: timer:never-in-sample-mode
                      parameters: { period: 10 }
                      steps:
                        - setBody:
                            constant: '{"type":"Metric","name":"from.timer","value":1}'
                        - to: governor:facts
                """);
        CliRun run = CliRun.of("sample", "--once", "--routes", routes.toString(),
                "--config", Files.writeString(dir.resolve("governor.yaml"), "").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines()).hasSize(2).allMatch(line -> line.startsWith("{\"type\":\"HostSample\""));
    }
}
