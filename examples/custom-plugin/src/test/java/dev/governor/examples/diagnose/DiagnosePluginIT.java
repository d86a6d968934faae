package dev.governor.examples.diagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.governor.engine.Governor;
import dev.governor.engine.config.ConfigLoader;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.plugin.LoadedPlugin;
import dev.governor.engine.plugin.PluginRegistry;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.XZInputStream;

/**
 * The packaged plugin, as a user installs it: its folder ({@code target/jvm-diagnose}, built by {@code package})
 * copied into a plugins folder, loaded by a Governor whose own class path has neither the plugin's classes nor its
 * library, fired by the example rule on real JVM samples, and listed by {@code governor plugins}.
 */
class DiagnosePluginIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path plugins;
    private final ClassLoader engine = new WithoutThePlugin(DiagnosePluginIT.class.getClassLoader());

    @BeforeEach
    void installThePackagedPlugin() throws IOException {
        Path folder = Path.of(System.getProperty("plugin.folder", "target/jvm-diagnose"));
        assertThat(folder.resolve("xz-1.10.jar")).as("the packaged plugin folder (run package first)").isRegularFile();
        plugins = Files.createDirectories(dir.resolve("plugins/jvm-diagnose"));
        try (Stream<Path> jars = Files.list(folder)) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, plugins.resolve(jar.getFileName()));
            }
        }
        plugins = plugins.getParent();
    }

    @Test
    void theExampleRuleCapturesAHistogramThroughThePluginAndTheAuditSaysWhere() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("jvm.yaml"), """
                - route:
                    id: jvm-sampling
                    from:
                      uri: governor-sample:jvm
                      parameters: { period: 500ms }
                      steps:
                        - to: governor:facts
                """);
        Path diagnostics = dir.resolve("diagnostics");
        Path rules = Path.of("rules").toAbsolutePath();
        Path yaml = dir.resolve("governor.yaml");
        Files.writeString(yaml, """
                rules:
                  dir: %s
                  reload: false
                  params:                       # any live set counts: the rule fires on the first sample
                    diagnose.liveSet.enter: 0.0
                    diagnose.liveSet.exit: 0.0
                    diagnose.liveSet.for: 0s
                routes: { dir: routes }
                plugins:
                  dir: plugins
                  settings:
                    diagnose: { dir: %s, compress: xz }
                audit: { file: audit/audit.jsonl }
                envelope:
                  state: state/envelope.json
                  actions:
                    jvm.diagnose: { cooldown: 10m }
                """.formatted(rules, diagnostics));
        GovernorConfig config = new ConfigLoader().load(yaml);

        JsonNode line;
        try (Governor governor = Governor.start(config, Clock.systemUTC(), engine)) {
            line = awaitAuditLine(config.audit().file(), "jvm.diagnose", Duration.ofSeconds(60));
        }
        assertThat(line.path("rule").asText()).isEqualTo("Capture a class histogram when the live set climbs");
        assertThat(line.path("action").path("target").asText()).isEqualTo("self");
        assertThat(line.path("status").asText()).as(line.toString()).isEqualTo("APPLIED");
        String message = line.path("message").asText();
        assertThat(message).startsWith("class histogram of self written to " + diagnostics.resolve("self-histogram-"));
        Path file = Path.of(message.substring("class histogram of self written to ".length(), message.indexOf(" (")));
        assertThat(file.getFileName().toString()).matches("self-histogram-\\d{8}T\\d{6}\\.\\d{3}Z\\.txt\\.xz");
        try (InputStream in = new XZInputStream(Files.newInputStream(file))) {
            String histogram = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(histogram).contains("java.lang.String").contains("dev.governor.engine.Governor").contains("Total");
        }
    }

    @Test
    void thePluginHasItsOwnClassLoaderAndSeesOnlyTheSpiOfTheEngine() throws Exception {
        try (PluginRegistry registry = PluginRegistry.load(engine, plugins)) {
            LoadedPlugin loaded = registry.actionTypes().get("jvm.diagnose");
            assertThat(loaded.source()).isEqualTo(plugins.resolve("jvm-diagnose").toString());
            ClassLoader own = loaded.plugin().getClass().getClassLoader();
            assertThat(own.getName()).isEqualTo("plugin:jvm-diagnose");

            // Its library comes from its folder, and the engine cannot see it.
            Class<?> xz = Class.forName("org.tukaani.xz.XZOutputStream", false, own);
            assertThat(Path.of(xz.getProtectionDomain().getCodeSource().getLocation().toURI()))
                    .isEqualTo(plugins.resolve("jvm-diagnose/xz-1.10.jar"));
            assertThatThrownBy(() -> Class.forName("org.tukaani.xz.XZOutputStream", false, engine))
                    .isInstanceOf(ClassNotFoundException.class);
            assertThatThrownBy(() -> Class.forName(DiagnosePlugin.class.getName(), false, engine))
                    .isInstanceOf(ClassNotFoundException.class);

            // The engine's libraries are on the engine's class path, and not visible to the plugin.
            for (String engineClass : List.of("org.apache.camel.CamelContext", "org.kie.api.KieServices",
                    "com.fasterxml.jackson.databind.ObjectMapper", "dev.governor.engine.Governor")) {
                assertThat(Class.forName(engineClass, false, engine)).isNotNull();
                assertThatThrownBy(() -> Class.forName(engineClass, false, own))
                        .as(engineClass).isInstanceOf(ClassNotFoundException.class);
            }
            // The SPI is shared: the same classes on both sides.
            assertThat(Class.forName("dev.governor.spi.ActionPlugin", false, own)).isSameAs(dev.governor.spi.ActionPlugin.class);
            assertThat(Class.forName("dev.governor.api.Action", false, own)).isSameAs(dev.governor.api.Action.class);
        }
    }

    @Test
    void governorPluginsListsIt() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx256m", "-cp", engineClassPath(), "dev.governor.engine.cli.GovernorCommand",
                "plugins", "--plugins", plugins.toString()));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(err).isZero();
        String spi = "\\s+" + java.util.regex.Pattern.quote(dev.governor.spi.Spi.VERSION) + "\\s+";
        assertThat(out).containsPattern("(?m)^jvm\\.diagnose\\s+diagnose" + spi
                + java.util.regex.Pattern.quote(plugins.resolve("jvm-diagnose").toString()) + "$");
        assertThat(out).containsPattern("(?m)^notify\\.log\\s+notify" + spi + "classpath$");
    }

    /** This JVM's class path without the plugin's classes, its test classes and its library: what ./governor runs on. */
    private static String engineClassPath() {
        Path own = Path.of(System.getProperty("plugin.classes", "target/classes")).toAbsolutePath();
        List<String> kept = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath();
            if (path.equals(own) || path.startsWith(own.resolveSibling("test-classes")) || isPluginLibrary(path.toString())) {
                continue;
            }
            kept.add(entry);
        }
        return String.join(File.pathSeparator, kept);
    }

    private static boolean isPluginLibrary(String location) {
        return location.contains("/org/tukaani/xz/") || location.contains("/jvm-diagnose/");
    }

    private static JsonNode awaitAuditLine(Path audit, String type, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<JsonNode> found = readLines(audit).stream()
                    .filter(node -> type.equals(node.path("action").path("type").asText()))
                    .findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no " + type + " line in " + audit + " within " + timeout + "; it has: " + readLines(audit));
    }

    private static List<JsonNode> readLines(Path audit) {
        if (!Files.exists(audit)) {
            return List.of();
        }
        try {
            List<JsonNode> nodes = new ArrayList<>();
            for (String text : Files.readAllLines(audit)) {
                if (!text.isBlank()) {
                    nodes.add(JSON.readTree(text));
                }
            }
            return nodes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The test's class loader as the engine's: this module's own classes (target/classes, with their
     * META-INF/services entry) and the plugin's library are on the test class path, and a Governor that could
     * see them would find the plugin twice. Without them it sees what ./governor's class path has.
     */
    private static final class WithoutThePlugin extends ClassLoader {
        private final String ownClasses;

        WithoutThePlugin(ClassLoader parent) {
            super("engine", parent);
            this.ownClasses = Path.of(System.getProperty("plugin.classes", "target/classes")).toAbsolutePath().toUri().toString();
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("dev.governor.examples.") || name.startsWith("org.tukaani.")) {
                throw new ClassNotFoundException(name + " (not on the engine's class path)");
            }
            return super.loadClass(name, resolve);
        }

        @Override
        public URL getResource(String name) {
            URL url = super.getResource(name);
            return url == null || hidden(url) ? null : url;
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            List<URL> kept = new ArrayList<>();
            for (URL url : Collections.list(super.getResources(name))) {
                if (!hidden(url)) {
                    kept.add(url);
                }
            }
            return Collections.enumeration(kept);
        }

        private boolean hidden(URL url) {
            String text = url.toString();
            return text.startsWith(ownClasses) || isPluginLibrary(text);
        }
    }
}
