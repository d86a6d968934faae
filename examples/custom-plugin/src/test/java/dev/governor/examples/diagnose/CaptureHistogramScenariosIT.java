package dev.governor.examples.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.engine.cli.GovernorCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The example rule's scenarios pass, as {@code ./governor test examples/custom-plugin/rules/tests} runs them. */
class CaptureHistogramScenariosIT {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)   // rules that loop on one fact never return
    void everyScenarioOfTheExampleRulePasses() {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            exit = GovernorCommand.execute("test", "rules/tests");
        } finally {
            System.setOut(original);
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(out).isZero();
        assertThat(out).contains("4 scenarios: 4 passed, 0 failed");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void thresholdsWrittenTheWrongWayRoundAreRefusedNamingBothAndTheFix(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("wrong.yaml"), """
                name: enter below exit
                rules: [capture-histogram.drl]
                config:
                  rules:
                    params: { diagnose.liveSet.enter: 0.5, diagnose.liveSet.exit: 0.9 }
                input:
                  - { every: 5s, from: 0s, to: 3m, fact: JvmSample, with: { liveSetBytes: 805306368 } }
                expect:
                  - at: 3m
                    actions: []
                """);
        PrintStream original = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit;
        try {
            PrintStream both = new PrintStream(printed, true, StandardCharsets.UTF_8);
            System.setOut(both);
            System.setErr(both);
            exit = GovernorCommand.execute("test", "--rules", "rules", dir.toString());
        } finally {
            System.setOut(original);
            System.setErr(originalErr);
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(out).isNotZero();
        assertThat(out).contains("rules.params.diagnose.liveSet.enter: 0.5 is below rules.params.diagnose.liveSet.exit: 0.9")
                .contains("raise diagnose.liveSet.enter or lower diagnose.liveSet.exit");
    }
}
