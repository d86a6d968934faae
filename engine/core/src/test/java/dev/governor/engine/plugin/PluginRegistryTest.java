package dev.governor.engine.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.spi.ActionHandler;
import dev.governor.spi.Spi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
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

    @Test
    void aPluginBuiltForThisSpiLoads(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("plugins");
        TestJars.echoPlugin(plugins.resolve("same.jar"), "same", "same.write", "Spi.VERSION");
        try (PluginRegistry registry = PluginRegistry.load(engine, plugins)) {
            assertThat(registry.actionTypes().get("same.write").plugin().spiVersion()).isEqualTo(Spi.VERSION);
        }
    }

    @Test
    void aPluginBuiltForANewerMinorSpiIsRefusedWithTheFix(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("plugins");
        String newer = Spi.MAJOR + "." + (Spi.MINOR + 1);
        Path jar = TestJars.echoPlugin(plugins.resolve("newer.jar"), "newer", "newer.write", "\"" + newer + "\"");
        assertThatThrownBy(() -> PluginRegistry.load(engine, plugins))
                .isInstanceOf(PluginLoadException.class)
                .hasMessage(jar + ": plugin 'newer' (example.newer.EchoPlugin) cannot be loaded: it was built for SPI " + newer
                        + " and this Governor provides SPI " + Spi.VERSION + ", which lacks what " + newer + " added: upgrade"
                        + " Governor to one with SPI " + newer + " or newer, or use a build of the plugin compiled against a"
                        + " governor-api with SPI " + Spi.VERSION);
    }

    @Test
    void aPluginBuiltForAnotherMajorSpiIsRefusedWithTheFix(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("plugins");
        String next = (Spi.MAJOR + 1) + ".0";
        Path jar = TestJars.echoPlugin(plugins.resolve("next.jar"), "next", "next.write", "\"" + next + "\"");
        assertThatThrownBy(() -> PluginRegistry.load(engine, plugins))
                .isInstanceOf(PluginLoadException.class)
                .hasMessage(jar + ": plugin 'next' (example.next.EchoPlugin) cannot be loaded: it was built for SPI " + next
                        + " and this Governor provides SPI " + Spi.VERSION + "; a plugin runs only on the SPI major version"
                        + " it was built for: use a build of the plugin for SPI " + Spi.MAJOR + ".x (compiled against a"
                        + " governor-api with SPI " + Spi.MAJOR + ".x), or upgrade Governor to one with SPI " + (Spi.MAJOR + 1) + ".x");
    }

    @Test
    void anOlderMajorIsRefusedAndAMalformedVersionToo(@TempDir Path dir) throws Exception {
        assertThat(Spi.incompatibility("0.9")).startsWith("it was built for SPI 0.9 and this Governor provides SPI " + Spi.VERSION)
                .doesNotContain("upgrade Governor");
        assertThat(Spi.incompatibility(Spi.MAJOR + ".0")).isNull();
        Path plugins = dir.resolve("plugins");
        Path jar = TestJars.echoPlugin(plugins.resolve("odd.jar"), "odd", "odd.write", "\"latest\"");
        assertThatThrownBy(() -> PluginRegistry.load(engine, plugins))
                .hasMessage(jar + ": plugin 'odd' (example.odd.EchoPlugin) cannot be loaded: its SPI version 'latest' is not"
                        + " MAJOR.MINOR; return Spi.VERSION from spiVersion() and rebuild");
    }

    @Test
    void aPluginUsingAnSpiClassThisGovernorLacksIsNamedAsBuiltForANewerSpi(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("plugins");
        String plugin = """
                package x;
                import dev.governor.spi.*;
                import java.util.Set;
                public final class LaterPlugin implements ActionPlugin {
                    private final Later later = new Later();
                    public String name() { return "later"; }
                    public Set<String> actionTypes() { return Set.of("later.do"); }
                    public ActionHandler create(PluginContext context) { return action -> null; }
                }
                """;
        Path jar = TestJars.build(plugins.resolve("later.jar"),
                Map.of("x.LaterPlugin", plugin, "dev.governor.spi.Later", "package dev.governor.spi; public class Later {}"),
                Map.of("META-INF/services/dev.governor.spi.ActionPlugin", "x.LaterPlugin\n"), Set.of("dev.governor.spi.Later"));
        assertThatThrownBy(() -> PluginRegistry.load(engine, plugins))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageStartingWith(jar + ": cannot load its plugin: ")
                .hasMessageEndingWith("; dev.governor.spi.Later is not in this Governor's SPI " + Spi.VERSION
                        + ": the plugin was built for a newer SPI; upgrade Governor or use a build of the plugin for SPI " + Spi.VERSION);
    }

    @Test
    void aLibraryClassMissingFromThePluginJarIsNamedWhenThePluginStarts(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("plugins");
        String plugin = """
                package x;
                import dev.governor.spi.*;
                import java.util.Set;
                public final class NeedyPlugin implements ActionPlugin {
                    public String name() { return "needy"; }
                    public Set<String> actionTypes() { return Set.of("needy.do"); }
                    public ActionHandler create(PluginContext context) {
                        new lib.Compressor();
                        return action -> null;
                    }
                }
                """;
        Path jar = TestJars.build(plugins.resolve("needy.jar"),
                Map.of("x.NeedyPlugin", plugin, "lib.Compressor", "package lib; public class Compressor {}"),
                Map.of("META-INF/services/dev.governor.spi.ActionPlugin", "x.NeedyPlugin\n"), Set.of("lib.Compressor"));
        try (PluginRegistry registry = PluginRegistry.load(engine, plugins)) {
            assertThatThrownBy(() -> registry.createHandlers(Map.of(), Clock.systemUTC()))
                    .isInstanceOf(PluginLoadException.class)
                    .hasMessage(jar + ": plugin 'needy' failed to start: java.lang.NoClassDefFoundError: lib/Compressor; the class"
                            + " lib.Compressor is missing: bundle the library that has it with the plugin (a folder of jars in"
                            + " the plugins folder, or a shaded jar); only governor-api, SLF4J and Jackson's annotations come"
                            + " from Governor");
        }
    }
}
