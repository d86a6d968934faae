package dev.governor.benchmarks.loop;

import dev.governor.engine.Governor;
import dev.governor.engine.config.ConfigLoader;
import dev.governor.engine.config.GovernorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Governor started in this JVM, as an application embeds it: the default rules and routes of this source tree,
 * the plugins on the classpath, its audit and envelope state in a folder of its own.
 */
public final class InProcessGovernor implements AutoCloseable {

    private final Governor governor;
    private final Path dir;

    /**
     * @param extraYaml configuration over the defaults (envelope bounds, rule params, databases), as YAML text
     *                  whose top-level keys do not repeat those written here (mode, rules.dir, routes, plugins.dir,
     *                  audit, envelope.state)
     */
    public InProcessGovernor(Path root, Path dir, String extraYaml) throws Exception {
        this.dir = dir;
        Files.createDirectories(dir);
        String yaml = """
                mode: enforce
                routes: { dir: %s }
                audit: { file: %s }
                """.formatted(root.resolve("routes"), dir.resolve("audit.jsonl")) + extraYaml
                .replace("@RULES@", root.resolve("rules").toString())
                .replace("@STATE@", dir.resolve("envelope.json").toString())
                .replace("@PLUGINS@", dir.resolve("no-plugin-jars").toString());
        Files.writeString(dir.resolve("governor.yaml"), yaml);
        GovernorConfig config = new ConfigLoader().parse(yaml, dir.resolve("governor.yaml").toString());
        this.governor = Governor.start(config);
    }

    public Governor governor() {
        return governor;
    }

    /** The audit file: one line per action, with its verdict and outcome. */
    public Path audit() {
        return dir.resolve("audit.jsonl");
    }

    @Override
    public void close() throws IOException {
        governor.close();
    }
}
