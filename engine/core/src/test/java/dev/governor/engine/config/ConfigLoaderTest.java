package dev.governor.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private final ConfigLoader loader = new ConfigLoader(Map.of("DB_PASSWORD", "s3cret", "EMPTY", "")::get);

    @Test
    void anEmptyFileMeansEveryDefault() {
        GovernorConfig config = loader.parse("", "governor.yaml");
        assertThat(config).isEqualTo(GovernorConfig.defaults());
        assertThat(config.mode()).isEqualTo(Mode.ENFORCE);
        assertThat(config.rules().dir()).isEqualTo(Path.of("rules"));
        assertThat(config.audit().file()).isEqualTo(Path.of("audit", "audit.jsonl"));
        assertThat(config.actions().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.engine().factRetention()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void readsEveryKey() {
        GovernorConfig config = loader.parse("""
                mode: dry-run
                rules: { dir: my-rules }
                routes: { dir: my-routes }
                plugins:
                  dir: extra
                  settings:
                    notify: { level: error }
                audit: { file: var/audit.jsonl }
                engine: { factRetention: 10m, queueCapacity: 500 }
                actions: { timeout: 1500ms, workers: 2 }
                """, "governor.yaml");
        assertThat(config.mode()).isEqualTo(Mode.DRY_RUN);
        assertThat(config.rules().dir()).isEqualTo(Path.of("my-rules"));
        assertThat(config.routes().dir()).isEqualTo(Path.of("my-routes"));
        assertThat(config.plugins().dir()).isEqualTo(Path.of("extra"));
        assertThat(config.plugins().settings()).containsEntry("notify", Map.of("level", "error"));
        assertThat(config.audit().file()).isEqualTo(Path.of("var/audit.jsonl"));
        assertThat(config.engine().factRetention()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.engine().queueCapacity()).isEqualTo(500);
        assertThat(config.actions().timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.actions().workers()).isEqualTo(2);
    }

    @Test
    void readsDatabasesWithDefaultsAndKeepsThePasswordOutOfItsText() {
        GovernorConfig config = loader.parse("""
                databases:
                  main:
                    url: jdbc:postgresql://db.internal:5432/orders
                    user: governor
                    password: ${DB_PASSWORD}
                    queryTimeout: 3s
                  local:
                    url: jdbc:postgresql://127.0.0.1:5432/postgres
                """, "governor.yaml");
        assertThat(config.databases()).containsOnlyKeys("local", "main");
        GovernorConfig.Database main = config.databases().get("main");
        assertThat(main.url()).isEqualTo("jdbc:postgresql://db.internal:5432/orders");
        assertThat(main.password()).isEqualTo("s3cret");
        assertThat(main.applicationName()).isEqualTo("governor");
        assertThat(main.queryTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(main.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(main.lockTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(main.toString()).doesNotContain("s3cret").contains("password=***");
        assertThat(config.toString()).doesNotContain("s3cret");
        assertThat(config.databases().get("local").user()).isNull();
    }

    @Test
    void aDatabaseWithoutAUsableUrlOrWithABadNameIsRefused() {
        assertThatThrownBy(() -> loader.parse("databases:\n  main:\n    user: governor\n", "governor.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'databases.main': url is required");
        assertThatThrownBy(() -> loader.parse("databases:\n  main:\n    url: jdbc:mysql://x/y\n", "governor.yaml"))
                .hasMessageContaining("url must start with jdbc:postgresql:");
        assertThatThrownBy(() -> loader.parse("databases:\n  main:\n    url: jdbc:postgresql://x/y\n    pasword: x\n", "governor.yaml"))
                .hasMessageContaining("unknown key 'databases.main.pasword'");
        assertThatThrownBy(() -> loader.parse("databases:\n  \"a/b\":\n    url: jdbc:postgresql://x/y\n", "governor.yaml"))
                .hasMessageContaining("database name 'a/b' must be letters, digits");
    }

    @Test
    void anUnknownKeyStopsWithItsPathAndTheKnownKeys() {
        assertThatThrownBy(() -> loader.parse("actions:\n  timout: 5s\n", "governor.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("governor.yaml: unknown key 'actions.timout'; expected one of: timeout, workers");
        assertThatThrownBy(() -> loader.parse("mdoe: dry-run\n", "governor.yaml"))
                .hasMessageStartingWith("governor.yaml: unknown key 'mdoe'");
    }

    @Test
    void aWrongTypeStopsWithItsPathAndWhatIsExpected() {
        assertThatThrownBy(() -> loader.parse("actions:\n  workers: many\n", "governor.yaml"))
                .hasMessage("governor.yaml: 'actions.workers': expected a whole number, got 'many'");
        assertThatThrownBy(() -> loader.parse("actions:\n  timeout: soon\n", "governor.yaml"))
                .hasMessageStartingWith("governor.yaml: 'actions.timeout': expected a duration such as 500ms, 30s, 5m or 1h");
        assertThatThrownBy(() -> loader.parse("actions:\n  timeout: 30\n", "governor.yaml"))
                .hasMessageContaining("'actions.timeout'");
        assertThatThrownBy(() -> loader.parse("mode: yolo\n", "governor.yaml"))
                .hasMessageContaining("'mode'")
                .hasMessageContaining("expected 'enforce' or 'dry-run'");
        assertThatThrownBy(() -> loader.parse("rules: some-folder\n", "governor.yaml"))
                .hasMessageContaining("'rules': expected a mapping of keys");
    }

    @Test
    void anOutOfRangeValueStopsWithItsPath() {
        assertThatThrownBy(() -> loader.parse("actions:\n  workers: 0\n", "governor.yaml"))
                .hasMessage("governor.yaml: 'actions': workers must be between 1 and 64, was 0");
    }

    @Test
    void invalidYamlNamesTheLine() {
        assertThatThrownBy(() -> loader.parse("mode: enforce\nrules: [\n", "governor.yaml"))
                .hasMessageStartingWith("governor.yaml:")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void environmentVariablesFillValues() {
        GovernorConfig config = loader.parse("""
                plugins:
                  settings:
                    notify:
                      logger: "db-${DB_PASSWORD}"
                      level: ${LEVEL:-warn}
                      literal: "$${DB_PASSWORD}"
                """, "governor.yaml");
        Map<String, Object> notify = config.plugins().settings().get("notify");
        assertThat(notify).containsEntry("logger", "db-s3cret")
                .containsEntry("level", "warn")
                .containsEntry("literal", "${DB_PASSWORD}");
    }

    @Test
    void aMissingEnvironmentVariableStopsWithItsName() {
        assertThatThrownBy(() -> loader.parse("audit:\n  file: ${AUDIT_DIR}/audit.jsonl\n", "governor.yaml"))
                .hasMessage("governor.yaml: 'audit.file': environment variable AUDIT_DIR is not set"
                        + " (write ${AUDIT_DIR:-fallback} for a fallback)");
    }

    @Test
    void relativePathsInAFileAreRelativeToItsFolder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("conf/governor.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "rules: { dir: ../r }\naudit: { file: /var/log/governor/audit.jsonl }\n");
        GovernorConfig config = loader.load(file);
        assertThat(config.rules().dir().normalize()).isEqualTo(dir.resolve("r").toAbsolutePath().normalize());
        assertThat(config.audit().file()).isEqualTo(Path.of("/var/log/governor/audit.jsonl"));
        assertThat(config.routes().dir()).isEqualTo(dir.resolve("conf/routes").toAbsolutePath());
    }

    @Test
    void aMissingFileIsAnError(@TempDir Path dir) {
        assertThatThrownBy(() -> loader.load(dir.resolve("nope.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("nope.yaml: no such file");
    }
}
