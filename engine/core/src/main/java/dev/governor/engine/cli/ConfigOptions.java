package dev.governor.engine.cli;

import dev.governor.engine.config.ConfigLoader;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.config.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the configuration comes from, and the command-line overrides shared by the commands. */
final class ConfigOptions {

    static final Path DEFAULT_CONFIG = Path.of("governor.yaml");

    /**
     * The configuration file of an installation, when there is no {@code governor.yaml} in the working directory:
     * the installed launcher ({@code bin/governor}) sets it to its {@code config/governor.yaml}.
     */
    static final String INSTALLED_CONFIG_PROPERTY = "governor.config";

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file. Default: governor.yaml in the working directory, if present; else the installation's "
                    + "config/governor.yaml (bin/governor); otherwise built-in defaults.")
    Path config;

    @Option(names = "--rules", paramLabel = "DIR", description = "Folder of *.drl rule files (rules.dir).")
    Path rules;

    @Option(names = "--routes", paramLabel = "DIR", description = "Folder of Camel YAML routes (routes.dir).")
    Path routes;

    @Option(names = "--plugins", paramLabel = "DIR", description = "Folder of third-party plugin jars (plugins.dir).")
    Path plugins;

    @Option(names = "--audit", paramLabel = "FILE", description = "Audit file, JSON Lines (audit.file).")
    Path audit;

    @Option(names = "--mode", paramLabel = "MODE", converter = ModeConverter.class,
            description = "enforce or dry-run (mode).")
    Mode mode;

    /** The configuration file's settings, then the command line's on top. */
    GovernorConfig load() {
        GovernorConfig loaded;
        if (config != null) {
            loaded = new ConfigLoader().load(config);
        } else if (Files.isRegularFile(DEFAULT_CONFIG)) {
            loaded = new ConfigLoader().load(DEFAULT_CONFIG);
        } else if (System.getProperty(INSTALLED_CONFIG_PROPERTY) != null
                && Files.isRegularFile(Path.of(System.getProperty(INSTALLED_CONFIG_PROPERTY)))) {
            loaded = new ConfigLoader().load(Path.of(System.getProperty(INSTALLED_CONFIG_PROPERTY)));
        } else {
            loaded = GovernorConfig.defaults();
        }
        if (rules != null) {
            loaded = loaded.withRulesDir(rules);
        }
        if (routes != null) {
            loaded = loaded.withRoutesDir(routes);
        }
        if (plugins != null) {
            loaded = loaded.withPluginsDir(plugins);
        }
        if (audit != null) {
            loaded = loaded.withAuditFile(audit);
        }
        if (mode != null) {
            loaded = loaded.withMode(mode);
        }
        return loaded;
    }

    static final class ModeConverter implements picocli.CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            return Mode.parse(value);
        }
    }
}
