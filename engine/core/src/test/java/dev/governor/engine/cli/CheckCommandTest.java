package dev.governor.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {

    static final String DEFAULT_RULES = Path.of("../../rules").toString();
    static final String DEFAULT_ROUTES = Path.of("../../routes").toString();

    @TempDir
    Path dir;
    Path rules;
    Path routes;

    @BeforeEach
    void folders() throws Exception {
        rules = Files.createDirectories(dir.resolve("rules"));
        routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("ok.yaml"), """
                - route:
                    from:
                      uri: direct:samples
                      steps:
                        - to: governor:facts
                """);
    }

    private CliRun check() {
        return CliRun.of("check", "--rules", rules.toString(), "--routes", routes.toString(),
                "--plugins", dir.resolve("plugins").toString(), "--config", writeEmptyConfig());
    }

    private String writeEmptyConfig() {
        try {
            return Files.writeString(dir.resolve("governor.yaml"), "").toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theDefaultRulesAndRoutesPass() {
        CliRun run = CliRun.of("check", "--rules", DEFAULT_RULES, "--routes", DEFAULT_ROUTES,
                "--plugins", dir.resolve("plugins").toString(), "--config", writeEmptyConfig());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("OK: 65 rule(s) in 4 file(s), 1 route file(s), mode enforce");
    }

    @Test
    void aMisspeltRuleParamInTheConfigurationFailsNamingItAndTheKnownOnes() throws Exception {
        Path config = Files.writeString(dir.resolve("tuned.yaml"), "rules:\n  params:\n    pool.grow.stepp: 4\n");
        CliRun run = CliRun.of("check", "--rules", DEFAULT_RULES, "--routes", DEFAULT_ROUTES,
                "--plugins", dir.resolve("plugins").toString(), "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("rules.params.pool.grow.stepp: no such rule param; pool.* params: pool.grow.exit, "
                + "pool.grow.for, pool.grow.retry, pool.grow.step, ").contains("(every param is in ../../rules/params.yaml)").doesNotContain("mvcc.");
    }

    @Test
    void aBandOverriddenTheWrongWayRoundFailsNamingBothKeysTheirValuesAndTheFix() throws Exception {
        Path config = Files.writeString(dir.resolve("tuned.yaml"),
                "rules:\n  params:\n    memory.liveSet.enter: 0.5\n    pool.shrink.exit: 0.2\n");
        CliRun run = CliRun.of("check", "--rules", DEFAULT_RULES, "--routes", DEFAULT_ROUTES,
                "--plugins", dir.resolve("plugins").toString(), "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).containsPattern("rules.params.memory.liveSet.enter: 0.5 is below memory.liveSet.exit: 0.75 "
                + "\\(\\.\\./\\.\\./rules/params.yaml:[0-9]+\\): band 'memory.liveSet' is entered at or above memory.liveSet.enter "
                + "and left below memory.liveSet.exit").contains("raise memory.liveSet.enter or lower memory.liveSet.exit")
                .containsPattern("pool.shrink.enter: 0.3 \\(\\.\\./\\.\\./rules/params.yaml:[0-9]+\\) is above "
                        + "rules.params.pool.shrink.exit: 0.2")
                .contains("lower pool.shrink.enter or raise pool.shrink.exit (the exit at or above the enter)");
    }

    @Test
    void aRuleParamOverrideOfTheRightKindPasses() throws Exception {
        Path config = Files.writeString(dir.resolve("tuned.yaml"),
                "rules:\n  params:\n    pool.grow.step: 4\n    mvcc: { idleInTransaction: { notifyAfter: 10m } }\n");
        CliRun run = CliRun.of("check", "--rules", DEFAULT_RULES, "--routes", DEFAULT_ROUTES,
                "--plugins", dir.resolve("plugins").toString(), "--config", config.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    @Test
    void aSyntaxErrorFailsWithFileAndLine() throws Exception {
        Path file = Files.writeString(rules.resolve("broken.drl"), """
                package t;
                import dev.governor.api.PoolSample;

                rule "broken"
                when
                    PoolSample( waiting > )
                then
                end
                """);
        CliRun run = check();
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(file + ":6: ");
        assertThat(run.out()).contains("error(s)");
    }

    @Test
    void anUnknownFieldFailsWithFileAndLine() throws Exception {
        Path file = Files.writeString(rules.resolve("typo.drl"), """
                package t;
                import dev.governor.api.HostSample;

                rule "typo"
                when
                    HostSample( memoryUsd > 0 )
                then
                end
                """);
        CliRun run = check();
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).containsPattern(java.util.regex.Pattern.quote(file + ":6: ") + ".*memoryUsd");
    }

    @Test
    void anActionTypeNoPluginHandlesFailsWithTheFix() throws Exception {
        // every built-in plugin is on this classpath: a third-party type is the one nobody handles
        Path file = Files.writeString(rules.resolve("page.drl"), """
                package t;
                import dev.governor.api.Action;
                import dev.governor.api.PoolSample;
                rule "page"
                when
                    $p : PoolSample( waiting > 0 )
                then
                    insert( new Action( "pager.page", $p.pool(), "" ) );
                end
                """);
        CliRun run = check();
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(file + ":8: No plugin handles action type 'pager.page'; put the jar of the plugin that "
                + "provides it in the plugins folder");
    }

    @Test
    void aBrokenRouteFailsNamingTheFile() throws Exception {
        Path file = Files.writeString(routes.resolve("broken.yaml"), """
                - route:
                    from:
                      uri: governor-sample:hots
                      steps:
                        - to: governor:facts
                """);
        CliRun run = check();
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(file.toString()).contains("Unknown sampler 'hots'");
    }

    @Test
    void invalidRouteYamlFailsNamingTheFile() throws Exception {
        Path file = Files.writeString(routes.resolve("garbled.yaml"), """
                - route:
                    from:
                      uri: direct:x
                      steps:
                        - too: governor:facts
                """);
        CliRun run = check();
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(file.toString());
    }

    @Test
    void aBadConfigurationFailsWithTheKeyPath() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yaml"), "actions:\n  workerz: 3\n");
        CliRun run = CliRun.of("check", "--config", config.toString(), "--rules", rules.toString(), "--routes", routes.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("unknown key 'actions.workerz'");
    }

    @Test
    void emptyFoldersPassWithWarnings() {
        CliRun run = check();
        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("warning: ").contains("no *.drl files");
    }
}
