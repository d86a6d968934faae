package dev.governor.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code governor check} reads the envelope's configuration like the service does. */
class EnvelopeCheckCommandTest {

    @TempDir
    Path dir;

    private CliRun check(String yaml) throws Exception {
        Path config = Files.writeString(dir.resolve("governor.yaml"), yaml);
        // No rules: compiling them is not what this is about, and costs seconds.
        Path rules = Files.createDirectories(dir.resolve("rules"));
        return CliRun.of("check", "--rules", rules.toString(), "--routes", CheckCommandTest.DEFAULT_ROUTES,
                "--plugins", dir.resolve("plugins").toString(), "--config", config.toString());
    }

    @Test
    void rulesForATypeNoPluginHandlesAreAnError() throws Exception {
        CliRun run = check("envelope: { actions: { notify.lgo: { cooldown: 5m } } }\n");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("envelope.actions.notify.lgo: no plugin handles action type 'notify.lgo' (handled: ")
                .contains(" notify.log, ");
    }

    @Test
    void aFallbackNoPluginHandlesIsAWarning() throws Exception {
        CliRun run = check("envelope: { breaker: { fallback: pager.page }, actions: { notify.log: { cooldown: 5m } } }\n");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("warning: envelope.breaker.fallback: No plugin handles action type 'pager.page'");
    }
}
