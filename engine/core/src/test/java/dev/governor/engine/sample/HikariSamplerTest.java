package dev.governor.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.engine.camel.CamelRoutes;
import dev.governor.engine.json.FactCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HikariSamplerTest {

    private final SamplerFactory factory = HikariSampler.factory(Clock.systemUTC());

    @Test
    void aMalformedUrlIsRefusedWithAnExample() {
        assertThatThrownBy(() -> factory.validate(Map.of("url", "db-app:9010")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("url: expected a JMX service URL such as service:jmx:rmi:///jndi/rmi://host:9010/jmxrmi")
                .hasMessageContaining("'db-app:9010'");
    }

    @Test
    void onlyRmiUrlsNamingAHostAreAccepted() {
        assertThatThrownBy(() -> factory.validate(Map.of("url", "service:jmx:jmxmp://db-app:5555")))
                .hasMessageStartingWith("url: only JMX over RMI is supported")
                .hasMessageContaining("'jmxmp'");
        assertThatThrownBy(() -> factory.validate(Map.of("url", "service:jmx:rmi:///jndi/rmi:///jmxrmi")))
                .hasMessageStartingWith("url: names no host");
    }

    @Test
    void credentialsGoTogetherAndThePasswordIsNeverRepeated() {
        assertThatThrownBy(() -> factory.validate(Map.of("url", "service:jmx:rmi:///jndi/rmi://db-app:9010/jmxrmi",
                "password", "s3cret-value")))
                .hasMessage("user and password go together: set both or neither");
        assertThatThrownBy(() -> factory.validate(Map.of("user", "monitor", "password", "s3cret-value")))
                .hasMessageStartingWith("user, password and timeout apply to remote pools only")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-value"));
    }

    @Test
    void aBadTimeoutOrPoolsOptionIsRefusedNamingIt() {
        String url = "service:jmx:rmi:///jndi/rmi://db-app:9010/jmxrmi";
        assertThatThrownBy(() -> factory.validate(Map.of("url", url, "timeout", "soon")))
                .hasMessageStartingWith("timeout: expected a duration such as 500ms");
        assertThatThrownBy(() -> factory.validate(Map.of("url", url, "timeout", "0s")))
                .hasMessageStartingWith("timeout: expected between 1ms and 5m");
        assertThatThrownBy(() -> factory.validate(Map.of("pools", "orders,")))
                .hasMessageStartingWith("pools: expected comma-separated names or globs");
    }

    @Test
    void creatingARemoteSamplerReachesNothingAndNamesItsSource() throws Exception {
        Map<String, String> options = Map.of("url", "service:jmx:rmi:///jndi/rmi://db-app.invalid:9010/jmxrmi",
                "user", "monitor", "password", "s3cret-value");
        factory.validate(options);
        try (Sampler sampler = factory.create(options)) {
            assertThat(sampler.source()).isEqualTo("hikari/db-app.invalid:9010");
        }
        try (Sampler local = factory.create(Map.of())) {
            assertThat(local.source()).isEqualTo("hikari");
        }
        assertThat(factory.optionNames()).containsExactlyInAnyOrder("url", "pools", "user", "password", "timeout", "acquireStats");
    }

    @Test
    void aRouteWithABadUrlFailsTheCheckNamingTheOption(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pools.yaml"), """
                - route:
                    from:
                      uri: governor-sample:hikari
                      parameters: { url: "localhost:9010" }
                      steps:
                        - to: governor:facts
                """);
        String problem = CamelRoutes.checkRoute(file, new FactCodec(Clock.systemUTC()), Samplers.builtIn(Clock.systemUTC()));
        assertThat(problem).startsWith(file.toString()).contains("url: expected a JMX service URL");
    }
}
