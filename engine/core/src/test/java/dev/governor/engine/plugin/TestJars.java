package dev.governor.engine.plugin;

import dev.governor.spi.ActionPlugin;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds real plugin jars for tests: compiles Java sources against governor-api and packs them. */
public final class TestJars {

    private TestJars() {
    }

    /**
     * @param sources   class name to source text
     * @param resources extra entries (e.g. {@code META-INF/services/...}) to text
     */
    public static Path build(Path jar, Map<String, String> sources, Map<String, String> resources) throws IOException {
        return build(jar, sources, resources, Set.of());
    }

    /**
     * As {@link #build(Path, Map, Map)}, leaving the classes named in {@code leftOut} out of the jar (they are
     * compiled, so the others may use them): a jar that misses a class it needs.
     */
    public static Path build(Path jar, Map<String, String> sources, Map<String, String> resources, Set<String> leftOut)
            throws IOException {
        Path work = Files.createTempDirectory("plugin-src");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "--release", "17",
                "-classpath", codeSource(ActionPlugin.class) + java.io.File.pathSeparator + codeSource(org.slf4j.Logger.class)));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = work.resolve("src").resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            arguments.add(file.toString());
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int status = compiler.run(null, null, null, arguments.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException("test plugin sources do not compile");
        }
        Files.createDirectories(jar.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String entry = classes.relativize(file).toString().replace('\\', '/');
                if (leftOut.contains(entry.replaceAll("\\.class$", "").replace('/', '.'))) {
                    continue;
                }
                jarOut.putNextEntry(new JarEntry(entry));
                jarOut.write(Files.readAllBytes(file));
                jarOut.closeEntry();
            }
            for (Map.Entry<String, String> resource : resources.entrySet()) {
                jarOut.putNextEntry(new JarEntry(resource.getKey()));
                jarOut.write(resource.getValue().getBytes(StandardCharsets.UTF_8));
                jarOut.closeEntry();
            }
        }
        return jar;
    }

    /**
     * A plugin named {@code name} handling {@code type}: it writes the action's target to the file in
     * its {@code file} setting and reports, in its message, whether the engine's Camel is visible to it.
     */
    public static Path echoPlugin(Path jar, String name, String type) throws IOException {
        return echoPlugin(jar, name, type, "Spi.VERSION");
    }

    /** As {@link #echoPlugin(Path, String, String)}, its {@code spiVersion()} returning {@code spiVersion}, a Java expression. */
    public static Path echoPlugin(Path jar, String name, String type, String spiVersion) throws IOException {
        String pkg = "example." + name.replace('-', '_');
        String plugin = """
                package %1$s;
                import dev.governor.api.*;
                import dev.governor.spi.*;
                import java.nio.file.*;
                import java.util.Set;
                public final class EchoPlugin implements ActionPlugin {
                    public String name() { return "%2$s"; }
                    public Set<String> actionTypes() { return Set.of("%3$s"); }
                    public String spiVersion() { return %4$s; }
                    public ActionHandler create(PluginContext context) {
                        String file = context.setting("file", "");
                        return action -> {
                            if (!file.isEmpty()) {
                                Files.writeString(Path.of(file), action.target() + System.lineSeparator(),
                                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                            }
                            boolean camelVisible;
                            try {
                                Class.forName("org.apache.camel.CamelContext", false, EchoPlugin.class.getClassLoader());
                                camelVisible = true;
                            } catch (ClassNotFoundException e) {
                                camelVisible = false;
                            }
                            return ActionOutcome.applied(action, "echoed " + action.target() + " by " + Helper.NAME
                                    + "; camel visible: " + camelVisible, context.clock().instant());
                        };
                    }
                }
                """.formatted(pkg, name, type, spiVersion);
        String helper = "package " + pkg + ";\nfinal class Helper { static final String NAME = \"" + name + "\"; }\n";
        return build(jar, Map.of(pkg + ".EchoPlugin", plugin, pkg + ".Helper", helper),
                Map.of("META-INF/services/dev.governor.spi.ActionPlugin", pkg + ".EchoPlugin\n"));
    }

    private static String codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
