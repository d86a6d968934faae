package dev.governor.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every scenario in the project's {@code rules/tests} passes against the default rules: {@code governor test}, as CI runs it. */
class RuleScenariosIT {

    private static final Path SCENARIOS = Path.of("../../rules/tests");

    @Test
    void everyScenarioOfTheDefaultRulesPasses() {
        CliRun run = CliRun.of("test", SCENARIOS.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).as(run.out()).contains("PASS  ").doesNotContain("FAIL  ", "ERROR ").containsPattern("passed, 0 failed\n$");
    }
}
