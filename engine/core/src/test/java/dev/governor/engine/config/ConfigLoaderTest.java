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
    void readsRuleParamsFlatOrNestedAndKeepsThemWhenTheRulesFolderIsOverridden() {
        GovernorConfig config = loader.parse("""
                rules:
                  dir: my-rules
                  params:
                    pool.grow.step: 4
                    mvcc: { idleInTransaction: { notifyAfter: 10m } }
                """, "governor.yaml");
        assertThat(config.rules().params()).containsEntry("pool.grow.step", 4)
                .containsEntry("mvcc", Map.of("idleInTransaction", Map.of("notifyAfter", "10m")));
        assertThat(config.withRulesDir(Path.of("other")).rules().params()).isEqualTo(config.rules().params());
        assertThat(config.resolvedAgainst(Path.of("/etc/governor")).rules().params()).isEqualTo(config.rules().params());
        assertThat(GovernorConfig.defaults().rules().params()).isEmpty();
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
    void rulesReloadByDefaultAfterTheFilesSettle() {
        GovernorConfig defaults = loader.parse("rules: { dir: r }\n", "governor.yaml");
        assertThat(defaults.rules().reload()).isTrue();
        assertThat(defaults.rules().reloadDebounce()).isEqualTo(Duration.ofMillis(300));

        GovernorConfig off = loader.parse("rules: { reload: false, reloadDebounce: 2s }\n", "governor.yaml");
        assertThat(off.rules().reload()).isFalse();
        assertThat(off.rules().reloadDebounce()).isEqualTo(Duration.ofSeconds(2));
        assertThat(off.withRulesDir(Path.of("elsewhere")).rules()).as("a --rules override keeps the settings")
                .isEqualTo(new GovernorConfig.Rules(Path.of("elsewhere"), null, false, Duration.ofSeconds(2)));
    }

    @Test
    void aWrongReloadSettingStopsWithItsPath() {
        assertThatThrownBy(() -> loader.parse("rules: { reload: sometimes }\n", "governor.yaml"))
                .hasMessage("governor.yaml: 'rules.reload': expected true or false, got 'sometimes'");
        assertThatThrownBy(() -> loader.parse("rules: { reload: 1 }\n", "governor.yaml"))
                .hasMessageStartingWith("governor.yaml: 'rules.reload': expected true or false");
        assertThatThrownBy(() -> loader.parse("rules: { reloadDebounce: soon }\n", "governor.yaml"))
                .hasMessageStartingWith("governor.yaml: 'rules.reloadDebounce': expected a duration such as 500ms, 30s, 5m or 1h");
        assertThatThrownBy(() -> loader.parse("rules: { reloadDebounce: 5m }\n", "governor.yaml"))
                .hasMessage("governor.yaml: 'rules': reloadDebounce must be between 0s and 1m, was 5m");
        assertThatThrownBy(() -> loader.parse("rules: { reloads: false }\n", "governor.yaml"))
                .hasMessage("governor.yaml: unknown key 'rules.reloads'; expected one of: dir, params, reload, reloadDebounce");
    }

    @Test
    void invalidYamlNamesTheLine() {
        assertThatThrownBy(() -> loader.parse("mode: enforce\nrules: [\n", "governor.yaml"))
                .hasMessageStartingWith("governor.yaml:")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void yamlNestedTooDeepIsAConfigurationError() {
        String deep = "rules: { params: " + "[".repeat(5_000) + "]".repeat(5_000) + " }\n";
        assertThatThrownBy(() -> loader.parse(deep, "governor.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("governor.yaml")
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
    void theEnvelopeHasConservativeDefaults() {
        EnvelopeConfig envelope = loader.parse("", "governor.yaml").envelope();
        assertThat(envelope.state()).isEqualTo(Path.of("state", "envelope.json"));
        assertThat(envelope.breaker()).isEqualTo(new EnvelopeConfig.Breaker(30, 5, Duration.ofMinutes(10), "notify.log"));
        assertThat(envelope.actions()).isEmpty();
        assertThat(envelope.silences()).isEmpty();
        EnvelopeConfig.ActionRules resize = EnvelopeConfig.ActionRules.builtIn("pool.resize", java.util.List.of());
        assertThat(resize.params()).containsOnlyKeys("max", "minIdle");
        assertThat(resize.params().get("max").min()).as("bounds must be configured").isNull();
        // a pool may double every 5 s and shrink to its rule's max in one step; executors move slower
        assertThat(resize.params().get("max").maxStepUp()).isEqualTo(EnvelopeConfig.Amount.percent(100));
        assertThat(resize.params().get("max").maxStepDown()).isEqualTo(EnvelopeConfig.Amount.percent(100));
        assertThat(resize.cooldown()).isEqualTo(new EnvelopeConfig.Cooldown(Duration.ofSeconds(5), Duration.ofMinutes(5)));
        assertThat(resize.stabilization()).isEqualTo(new EnvelopeConfig.Stabilization(Duration.ofMinutes(5)));
        EnvelopeConfig.ActionRules executor = EnvelopeConfig.ActionRules.builtIn("executor.resize", java.util.List.of());
        assertThat(executor.params().get("max").maxStepDown()).isEqualTo(EnvelopeConfig.Amount.percent(50));
        assertThat(executor.cooldown()).isEqualTo(new EnvelopeConfig.Cooldown(Duration.ofMinutes(1), Duration.ofMinutes(5)));
        assertThat(EnvelopeConfig.ActionRules.builtIn("cpu.affinity", java.util.List.of()).enabled()).isFalse();
        assertThat(EnvelopeConfig.ActionRules.builtIn("pg.vacuum", java.util.List.of("main", "dw")).allow())
                .containsExactly("main/*", "dw/*");
    }

    @Test
    void readsTheEnvelope() {
        GovernorConfig config = loader.parse("""
                envelope:
                  state: var/envelope.json
                  breaker: { maxActions: 10, maxFailures: 3, window: 5m, fallback: notify.webhook }
                  actions:
                    pool.resize:
                      enabled: true
                      dryRun: false
                      params:
                        max:     { min: 2, max: 40, maxStepUp: 4, maxStepDown: "50%" }
                        minIdle: { min: 0, max: 40 }
                      cooldown: { up: 1m, down: 5m }
                      stabilization: { down: 5m }
                      tolerance: 10%
                      rate: { max: 10, per: 1h }
                      allow: ["*"]
                      deny: [legacy]
                      targets:
                        "orders*": { params: { max: { max: 20 } }, dryRun: true }
                    pg.terminate:
                      allowRoles: [app]
                      allowApplications: [billing-*]
                    notify.log: { cooldown: 30s }
                  silences:
                    - { target: "main/*", until: 2026-12-01T06:00:00Z, reason: "db maintenance", by: ops-oncall }
                """, "governor.yaml");
        EnvelopeConfig envelope = config.envelope();
        assertThat(envelope.state()).isEqualTo(Path.of("var/envelope.json"));
        assertThat(envelope.breaker()).isEqualTo(new EnvelopeConfig.Breaker(10, 3, Duration.ofMinutes(5), "notify.webhook"));
        assertThat(envelope.actions()).containsOnlyKeys("pool.resize", "pg.terminate", "notify.log");
        EnvelopeConfig.ActionRules resize = envelope.actions().get("pool.resize");
        assertThat(resize.params().get("max")).isEqualTo(new EnvelopeConfig.ParamLimits(2.0, 40.0,
                EnvelopeConfig.Amount.absolute(4), EnvelopeConfig.Amount.percent(50)));
        assertThat(resize.cooldown()).isEqualTo(new EnvelopeConfig.Cooldown(Duration.ofMinutes(1), Duration.ofMinutes(5)));
        assertThat(resize.stabilization().down()).isEqualTo(Duration.ofMinutes(5));
        assertThat(resize.tolerance()).isEqualTo(EnvelopeConfig.Amount.percent(10));
        assertThat(resize.rate()).isEqualTo(new EnvelopeConfig.Rate(10, Duration.ofHours(1)));
        assertThat(resize.deny()).containsExactly("legacy");
        assertThat(resize.targets().get("orders*").params().get("max").max()).isEqualTo(20.0);
        assertThat(resize.targets().get("orders*").dryRun()).isTrue();
        assertThat(envelope.actions().get("pg.terminate").allowApplications()).containsExactly("billing-*");
        assertThat(envelope.actions().get("notify.log").cooldown()).isEqualTo(EnvelopeConfig.Cooldown.of(Duration.ofSeconds(30)));
        assertThat(envelope.silences()).singleElement().satisfies(silence -> {
            assertThat(silence.type()).isEqualTo("*");
            assertThat(silence.until()).isEqualTo(java.time.Instant.parse("2026-12-01T06:00:00Z"));
            assertThat(silence.by()).isEqualTo("ops-oncall");
        });
    }

    @Test
    void theEnvelopeIsStrictToo() {
        assertThatThrownBy(() -> loader.parse("envelope:\n  actions:\n    pool.resize: { cooldwn: 1m }\n", "governor.yaml"))
                .hasMessageStartingWith("governor.yaml: unknown key 'envelope.actions.pool.resize.cooldwn'; expected one of: ")
                .hasMessageContaining("cooldown");
        assertThatThrownBy(() -> loader.parse("envelope:\n  actions:\n    pool.resize: { targets: { a: { rate: { max: 1 } } } }\n", "governor.yaml"))
                .as("the rate budget belongs to the type").hasMessageContaining("unknown key 'envelope.actions.pool.resize.targets.a.rate'");
        assertThatThrownBy(() -> loader.parse("envelope:\n  actions:\n    pool.resize: { cooldown: soon }\n", "governor.yaml"))
                .hasMessage("governor.yaml: 'envelope.actions.pool.resize.cooldown': expected a duration such as 500ms, 30s, 5m or 1h, got 'soon'");
        assertThatThrownBy(() -> loader.parse("envelope:\n  actions:\n    pool.resize: { cooldown: { up: 1m, dwn: 5m } }\n", "governor.yaml"))
                .hasMessage("governor.yaml: unknown key 'envelope.actions.pool.resize.cooldown.dwn'; expected one of: down, up");
        assertThatThrownBy(() -> loader.parse("envelope:\n  actions:\n    pool.resize: { tolerance: lots }\n", "governor.yaml"))
                .hasMessage("governor.yaml: 'envelope.actions.pool.resize.tolerance': expected a number or a percentage such as 50%, got 'lots'");
        assertThatThrownBy(() -> loader.parse("envelope:\n  actions:\n    pool.resize: { params: { max: { min: 9, max: 3 } } }\n", "governor.yaml"))
                .hasMessage("governor.yaml: 'envelope.actions.pool.resize.params.max': min 9 is above max 3");
        assertThatThrownBy(() -> loader.parse("envelope:\n  actions:\n    Pool: { enabled: true }\n", "governor.yaml"))
                .hasMessageContaining("'Pool' is not an action type");
        assertThatThrownBy(() -> loader.parse("envelope:\n  breaker: { maxActions: 0 }\n", "governor.yaml"))
                .hasMessage("governor.yaml: 'envelope.breaker': maxActions must be at least 1, was 0");
        assertThatThrownBy(() -> loader.parse("envelope:\n  actions:\n    echo.write: { rate: { per: 1h } }\n", "governor.yaml"))
                .hasMessage("governor.yaml: 'envelope.actions.echo.write.rate': max must be at least 1, was null");
        assertThatThrownBy(() -> loader.parse("envelope:\n  silences:\n    - { target: x, until: tomorrow, reason: r, by: b }\n", "governor.yaml"))
                .hasMessageStartingWith("governor.yaml: 'envelope.silences[0].until': expected a time such as 2026-12-01T06:00:00Z");
        assertThatThrownBy(() -> loader.parse("envelope:\n  silences:\n    - { target: x, until: 2026-12-01T06:00:00Z, by: b }\n", "governor.yaml"))
                .hasMessage("governor.yaml: 'envelope.silences[0]': reason is required");
    }

    @Test
    void theEnvelopeStateIsRelativeToTheConfigurationFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("governor.yaml"), "envelope: { state: var/envelope.json }\n");
        assertThat(loader.load(file).envelope().state()).isEqualTo(dir.toAbsolutePath().resolve("var/envelope.json"));
    }

    @Test
    void aMissingFileIsAnError(@TempDir Path dir) {
        assertThatThrownBy(() -> loader.load(dir.resolve("nope.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("nope.yaml: no such file");
    }

    @Test
    void readsTheApiSectionAndResolvesItsFilesAgainstTheConfigurationFolder() {
        GovernorConfig config = new ConfigLoader(Map.of("TLS_PASSWORD", "changeit")::get).parse("""
                api:
                  enabled: true
                  bind: 0.0.0.0
                  port: 9000
                  token: a-token-of-sixteen-chars
                  maxBodyBytes: 65536
                  tls: { keyStore: tls/governor.p12, keyStorePassword: "${TLS_PASSWORD}" }
                """, "governor.yaml").resolvedAgainst(java.nio.file.Path.of("/etc/governor"));
        GovernorConfig.Api api = config.api();
        assertThat(api.enabled()).isTrue();
        assertThat(api.bind()).isEqualTo("0.0.0.0");
        assertThat(api.port()).isEqualTo(9000);
        assertThat(api.maxBodyBytes()).isEqualTo(65536);
        assertThat(api.tls().keyStore()).isEqualTo(java.nio.file.Path.of("/etc/governor/tls/governor.p12"));
        assertThat(api.tls().keyStorePassword()).isEqualTo("changeit");
        assertThat(api.tokenFile()).isEqualTo(java.nio.file.Path.of("/etc/governor/state/api-token"));
        assertThat(api.toString()).doesNotContain("a-token-of-sixteen-chars", "changeit");
    }

    @Test
    void theApiIsLeftToTheCallerWhenNotSetAndListensOnThisMachineOnly() {
        GovernorConfig.Api api = GovernorConfig.defaults().api();
        assertThat(api.enabled()).isNull();
        assertThat(api.enabledOr(false)).isFalse();
        assertThat(api.enabledOr(true)).isTrue();
        assertThat(api.bind()).isEqualTo("127.0.0.1");
        assertThat(api.port()).isEqualTo(8787);
        assertThat(api.maxBodyBytes()).isEqualTo(1024 * 1024);
    }

    @Test
    void aBadApiSettingNamesItsKey() {
        assertThatThrownBy(() -> new ConfigLoader().parse("api: { port: 70000 }", "governor.yaml"))
                .isInstanceOf(ConfigException.class).hasMessage("governor.yaml: 'api': port must be between 0 and 65535, was 70000");
        assertThatThrownBy(() -> new ConfigLoader().parse("api: { prot: 1 }", "governor.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("governor.yaml: unknown key 'api.prot'; expected one of: bind, enabled");
        assertThatThrownBy(() -> new ConfigLoader().parse("api: { tls: { keyStorePassword: x } }", "governor.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("keyStore is required");
    }
}
