package dev.governor.engine.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.spi.ActionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRegistryTest {

    private final ClassLoader engine = getClass().getClassLoader();

    @Test
    void findsTheNotifyPluginOnTheClasspath(@TempDir Path empty) {
        try (PluginRegistry registry = PluginRegistry.load(engine, empty.resolve("absent"))) {
            assertThat(registry.actionTypes()).containsKey("notify.log");
            assertThat(registry.actionTypes().get("notify.log").source()).isEqualTo("classpath");
        }
    }

    @Test
    void aJarInThePluginsFolderIsDiscoveredAndUsedWithItsOwnClassLoader(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("plugins");
        Path jar = TestJars.echoPlugin(plugins.resolve("echo.jar"), "echo", "echo.write");
        Path out = dir.resolve("echo.txt");
        try (PluginRegistry registry = PluginRegistry.load(engine, plugins)) {
            assertThat(registry.actionTypes().get("echo.write").source()).isEqualTo(jar.toString());
            Map<String, ActionHandler> handlers = registry.createHandlers(Map.of("echo", Map.of("file", out.toString())), Clock.systemUTC());
            ActionOutcome outcome = handlers.get("echo.write").handle(new Action("echo.write", "orders", "test"));
            assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.APPLIED);
            assertThat(outcome.message()).isEqualTo("echoed orders by echo; camel visible: false");
            assertThat(Files.readString(out)).isEqualTo("orders" + System.lineSeparator());
        }
        assertThatThrownBy(() -> Class.forName("example.echo.Helper", false, engine))
                .as("the plugin's classes stay out of the engine")
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void aFolderOfJarsIsOnePlugin(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("plugins");
        TestJars.echoPlugin(plugins.resolve("echo-folder/echo.jar"), "echo-folder", "folder.write");
        try (PluginRegistry registry = PluginRegistry.load(engine, plugins)) {
            assertThat(registry.actionTypes().get("folder.write").source()).isEqualTo(plugins.resolve("echo-folder").toString());
        }
    }

    @Test
    void twoPluginsClaimingOneActionTypeStopStartUp(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("plugins");
        Path jar = TestJars.echoPlugin(plugins.resolve("impostor.jar"), "impostor", "notify.log");
        assertThatThrownBy(() -> PluginRegistry.load(engine, plugins))
                .isInstanceOf(PluginLoadException.class)
                .hasMessage("Action type 'notify.log' is claimed by two plugins: notify (classpath) and impostor (" + jar
                        + "); remove one of them from the classpath or the plugins folder");
    }

    @Test
    void aJarWithNoProviderIsNamedWithTheFix(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("plugins");
        Path jar = TestJars.build(plugins.resolve("empty.jar"), Map.of("x.Nothing", "package x; class Nothing {}"), Map.of());
        assertThatThrownBy(() -> PluginRegistry.load(engine, plugins))
                .hasMessage(jar + " is in the plugins folder but provides no plugin: add "
                        + "META-INF/services/dev.governor.spi.ActionPlugin naming the class that implements dev.governor.spi.ActionPlugin");
    }

    @Test
    void aProviderNamingAMissingClassIsNamedWithTheJar(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("plugins");
        Path jar = TestJars.build(plugins.resolve("broken.jar"), Map.of("x.Nothing", "package x; class Nothing {}"),
                Map.of("META-INF/services/dev.governor.spi.ActionPlugin", "x.MissingPlugin\n"));
        assertThatThrownBy(() -> PluginRegistry.load(engine, plugins))
                .hasMessageStartingWith(jar + ": cannot load its plugin: ")
                .hasMessageContaining("x.MissingPlugin");
    }

    @Test
    void settingsForAPluginThatIsNotLoadedAreAnError(@TempDir Path dir) {
        try (PluginRegistry registry = PluginRegistry.load(engine, dir)) {
            assertThatThrownBy(() -> registry.createHandlers(Map.of("notfy", Map.of()), Clock.systemUTC()))
                    .hasMessageStartingWith("governor.yaml: 'plugins.settings.notfy': no plugin is named 'notfy'; loaded plugins: ")
                    .hasMessageContaining("notify");
        }
    }

    @Test
    void aBadSettingNamesThePluginAndTheSetting(@TempDir Path dir) {
        try (PluginRegistry registry = PluginRegistry.load(engine, dir)) {
            assertThatThrownBy(() -> registry.createHandlers(Map.of("notify", Map.of("level", "loud")), Clock.systemUTC()))
                    .hasMessage("governor.yaml: 'plugins.settings.notify': level must be info, warn or error, was 'loud'");
        }
    }

    @Test
    void unhandledTypesGetTheModuleToAdd(@TempDir Path dir) {
        try (PluginRegistry registry = PluginRegistry.load(engine, dir)) {
            assertThat(registry.unhandledMessage("pool.resize"))
                    .startsWith("No plugin handles action type 'pool.resize'; put governor-plugin-hikari on the classpath"
                            + " or its jar in the plugins folder");
            assertThat(registry.unhandledMessage("acme.page")).contains("put the jar of the plugin that provides it in the plugins folder");
        }
    }
}
