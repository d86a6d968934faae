package dev.governor.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.engine.config.GovernorConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** governor run serves the API unless told not to; --bind and --port win over the configuration. */
class RunApiOptionsTest {

    private static GovernorCommand.Run run(String... args) {
        CommandLine.ParseResult parsed = GovernorCommand.commandLine().parseArgs(args);
        return (GovernorCommand.Run) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void runServesTheApiOnTheLoopbackAddressByDefault() {
        GovernorConfig.Api api = run("run").apiSettings(GovernorConfig.Api.defaults());
        assertThat(api.enabled()).isTrue();
        assertThat(api.bind()).isEqualTo("127.0.0.1");
        assertThat(api.port()).isEqualTo(8787);
    }

    @Test
    void bindAndPortWinOverTheConfiguration() {
        GovernorConfig.Api configured = GovernorConfig.Api.defaults().withBind("10.0.0.5").withPort(9000);
        GovernorConfig.Api api = run("run", "--bind", "0.0.0.0", "--port", "0").apiSettings(configured);
        assertThat(api.bind()).isEqualTo("0.0.0.0");
        assertThat(api.port()).isZero();
    }

    @Test
    void theConfigurationOrNoApiTurnsItOff() {
        assertThat(run("run").apiSettings(GovernorConfig.Api.defaults().withEnabled(false)).enabled()).isFalse();
        assertThat(run("run", "--no-api").apiSettings(GovernorConfig.Api.defaults().withEnabled(true)).enabled()).isFalse();
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        assertThatThrownBy(() -> run("run", "--port", "65536").apiSettings(GovernorConfig.Api.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--port must be between 0 and 65535");
    }
}
