package dev.governor.plugin.hikari;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.spi.ActionHandler;
import dev.governor.spi.ActionPlugin;
import dev.governor.spi.Database;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class HikariPluginTest {

    private static final Database MAIN = new Database("main", "jdbc:postgresql://127.0.0.1:5432/postgres", "postgres",
            null, "governor-test", Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1));

    @Test
    void isFoundByServiceLoaderAndHandlesPoolResize() {
        assertThat(ServiceLoader.load(ActionPlugin.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(plugin -> {
                    assertThat(plugin).isInstanceOf(HikariPlugin.class);
                    assertThat(plugin.name()).isEqualTo("hikari");
                    assertThat(plugin.actionTypes()).containsExactly("pool.resize");
                });
    }

    @Test
    void badSettingsStopStartUpNamingTheSetting() {
        assertBadSettings(Map.of("ceilng", 5), "unknown setting 'ceilng'; the hikari plugin has: ceiling, ceilingFromDatabase, "
                + "ceilings, remotes, settle");
        assertBadSettings(Map.of("ceiling", 0), "ceiling must be a whole number >= 1, was 0");
        assertBadSettings(Map.of("ceiling", "lots"), "ceiling must be a whole number >= 1, was 'lots'");
        assertBadSettings(Map.of("ceilings", Map.of("orders", 2.5)), "ceilings.orders must be a whole number >= 1, was '2.5'");
        assertBadSettings(Map.of("ceilingFromDatabase", Map.of("database", "reporting", "instances", 2)),
                "ceilingFromDatabase.database names 'reporting', which is not in governor.yaml's databases (main)");
        assertBadSettings(Map.of("ceilings", Map.of("orders", Map.of("database", "main", "instances", 0))),
                "ceilings.orders.instances must be a whole number >= 1, was 0");
        assertBadSettings(Map.of("ceilingFromDatabase", Map.of("instances", 3)),
                "ceilingFromDatabase.database is required: the name of a database in governor.yaml's databases, e.g. main");
        assertBadSettings(Map.of("settle", "soon"), "settle must be a duration between 0s and 1m such as 2s, was 'soon'");
        assertBadSettings(Map.of("remotes", Map.of("app-1", Map.of("url", "http://app-1:9010"))),
                "remotes.app-1.url must be a JMX service URL such as service:jmx:rmi:///jndi/rmi://host:9010/jmxrmi, "
                        + "was 'http://app-1:9010' (Service URL must start with service:jmx:)");
        assertBadSettings(Map.of("remotes", Map.of("app-1", Map.of("url", "service:jmx:rmi:///jndi/rmi://app-1:9010/jmxrmi",
                "user", "admin"))), "remotes.app-1.user and remotes.app-1.password go together: set both or neither");
        assertBadSettings(Map.of("remotes", Map.of("app-1", Map.of("url", "service:jmx:rmi:///jndi/rmi://app-1:9010/jmxrmi",
                "timeout", "10m"))), "remotes.app-1.timeout must be a duration between 1ms and 5m such as 5s, was '10m'");
        assertBadSettings(Map.of("remotes", Map.of("app-1", Map.of("pools", "orders"))),
                "remotes.app-1.url is required, e.g. service:jmx:rmi:///jndi/rmi://host:9010/jmxrmi");
    }

    @Test
    void goodSettingsAreAccepted() {
        ActionHandler handler = new HikariPlugin().create(new TestContext(Map.of(
                "ceiling", "50",
                "ceilings", Map.of("orders", 40, "reports", Map.of("database", "main", "instances", 2)),
                "ceilingFromDatabase", Map.of("database", "main", "instances", 3),
                "settle", "500ms",
                "remotes", Map.of("app-1", Map.of("url", "service:jmx:rmi:///jndi/rmi://app-1:9010/jmxrmi",
                        "pools", "orders*, reports", "user", "admin", "password", "secret", "timeout", "2s"))),
                Map.of("main", MAIN)));
        handler.close();
    }

    @Test
    void badParamsFailTheActionWithTheParamsName() throws Exception {
        try (ActionHandler handler = new HikariPlugin().create(new TestContext(Map.of()))) {
            assertFails(handler, Map.of(), "pool.resize needs params.max, the new maximum pool size (a whole number >= 1)");
            assertFails(handler, Map.of("max", 0), "params.max must be a whole number >= 1, was 0");
            assertFails(handler, Map.of("max", 2.5), "params.max must be a whole number >= 1, was 2.5");
            assertFails(handler, Map.of("max", "14"), "params.max must be a whole number >= 1, was '14' (a string)");
            assertFails(handler, Map.of("max", 4, "minIdle", -1), "params.minIdle must be a whole number >= 0, was -1");
            assertFails(handler, Map.of("max", 4, "minIdle", 5), "params.minIdle 5 is above params.max 4; HikariCP needs minIdle <= max");
            assertFails(handler, Map.of("max", 4, "maxx", 5), "pool.resize takes params max and minIdle, not 'maxx'");
        }
    }

    @Test
    void aWholeNumberComputedAsADoubleIsAccepted() {
        assertThat(PoolResizeHandler.Request.of(Map.of("max", 14.0, "minIdle", 3L)))
                .isEqualTo(new PoolResizeHandler.Request(14, 3));
    }

    @Test
    void aPoolThatIsNeitherRegisteredNorVisibleFailsTheAction() throws Exception {
        try (ActionHandler handler = new HikariPlugin().create(new TestContext(Map.of()))) {
            Action action = new Action("pool.resize", "no-such-pool", Map.of("max", 4), "test");
            assertThat(handler.handle(action)).isEqualTo(ActionOutcome.failed(action,
                    "no pool named 'no-such-pool' is registered or visible over JMX", TestContext.NOW));
            assertThat(handler.current("no-such-pool")).isEmpty();
            Action remote = new Action("pool.resize", "app-9/orders", Map.of("max", 4), "test");
            assertThat(handler.handle(remote).message())
                    .isEqualTo("no remote named 'app-9' in plugins.settings.hikari.remotes (none is configured)");
        }
    }

    private static void assertBadSettings(Map<String, Object> settings, String message) {
        assertThatThrownBy(() -> new HikariPlugin().create(new TestContext(settings, Map.of("main", MAIN))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    private static void assertFails(ActionHandler handler, Map<String, Object> params, String message) throws Exception {
        ActionOutcome outcome = handler.handle(new Action("pool.resize", "orders", params, "test"));
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.FAILED);
        assertThat(outcome.message()).isEqualTo(message);
        assertThat(outcome.at()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }
}
