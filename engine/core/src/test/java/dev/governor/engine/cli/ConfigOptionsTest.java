package dev.governor.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.config.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigOptionsTest {

    @Test
    void theCommandLineOverridesTheFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("governor.yaml"), """
                mode: dry-run
                rules: { dir: from-file }
                audit: { file: from-file.jsonl }
                actions: { workers: 3 }
                """);
        ConfigOptions options = new ConfigOptions();
        new CommandLine(options).parseArgs("--config", file.toString(), "--mode", "enforce", "--rules", "cli-rules",
                "--routes", "cli-routes", "--plugins", "cli-plugins", "--audit", "cli.jsonl");
        GovernorConfig config = options.load();
        assertThat(config.mode()).isEqualTo(Mode.ENFORCE);
        assertThat(config.rules().dir()).isEqualTo(Path.of("cli-rules"));
        assertThat(config.routes().dir()).isEqualTo(Path.of("cli-routes"));
        assertThat(config.plugins().dir()).isEqualTo(Path.of("cli-plugins"));
        assertThat(config.audit().file()).isEqualTo(Path.of("cli.jsonl"));
        assertThat(config.actions().workers()).as("keys not overridden keep the file's value").isEqualTo(3);
    }

    @Test
    void withoutOverridesTheFileDecidesRelativeToItsFolder(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("governor.yaml"), "rules: { dir: from-file }\n");
        ConfigOptions options = new ConfigOptions();
        new CommandLine(options).parseArgs("--config", file.toString());
        assertThat(options.load().rules().dir()).isEqualTo(dir.toAbsolutePath().resolve("from-file"));
    }

    @Test
    void withoutAFileHereTheInstallationsConfigurationIsRead(@TempDir Path dir) throws Exception {
        // The working directory of the tests (the module folder) has no governor.yaml.
        assertThat(ConfigOptions.DEFAULT_CONFIG).doesNotExist();
        Path installed = Files.writeString(dir.resolve("governor.yaml"), "mode: dry-run\nrules: { dir: ../rules }\n");
        String before = System.getProperty(ConfigOptions.INSTALLED_CONFIG_PROPERTY);
        try {
            System.setProperty(ConfigOptions.INSTALLED_CONFIG_PROPERTY, installed.toString());
            ConfigOptions options = new ConfigOptions();
            new CommandLine(options).parseArgs();
            GovernorConfig config = options.load();
            assertThat(config.mode()).isEqualTo(Mode.DRY_RUN);
            assertThat(config.rules().dir()).isEqualTo(dir.toAbsolutePath().resolve("../rules"));

            System.setProperty(ConfigOptions.INSTALLED_CONFIG_PROPERTY, dir.resolve("missing.yaml").toString());
            assertThat(options.load().mode()).as("an installation without its file: the defaults").isEqualTo(Mode.ENFORCE);
        } finally {
            if (before == null) {
                System.clearProperty(ConfigOptions.INSTALLED_CONFIG_PROPERTY);
            } else {
                System.setProperty(ConfigOptions.INSTALLED_CONFIG_PROPERTY, before);
            }
        }
    }
}
