package dev.governor.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.spi.Spi;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {

    @Test
    void everyCommandHasHelp() {
        for (String command : GovernorCommand.commandNames()) {
            if (command.equals("help")) {
                continue;
            }
            CliRun run = CliRun.of(command, "--help");
            assertThat(run.exitCode()).as(command).isZero();
            assertThat(run.out()).as(command).contains("Usage: governor " + command);
        }
        assertThat(GovernorCommand.commandNames()).contains("run", "check", "sample", "plugins");
    }

    @Test
    void versionNamesGovernor() {
        CliRun run = CliRun.of("--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("governor ");
    }

    @Test
    void pluginsListsNotifyLog(@TempDir Path dir) {
        CliRun run = CliRun.of("plugins", "--plugins", dir.toString(), "--config", writeEmpty(dir));
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("ACTION TYPE\\s+PLUGIN\\s+SPI\\s+FROM")
                .containsPattern("notify\\.log\\s+notify\\s+" + Pattern.quote(Spi.VERSION) + "\\s+classpath");
    }

    @Test
    void aBadModeIsAUsageError() {
        CliRun run = CliRun.of("check", "--mode", "maybe");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("expected 'enforce' or 'dry-run', got 'maybe'");
    }

    @Test
    void noCommandIsAUsageError() {
        CliRun run = CliRun.of();
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing command");
    }

    private static String writeEmpty(Path dir) {
        try {
            return java.nio.file.Files.writeString(dir.resolve("governor.yaml"), "").toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
