package dev.governor.examples.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.engine.cli.GovernorCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The example rule's scenarios pass, as {@code ./governor test examples/custom-plugin/rules/tests} runs them. */
class CaptureHistogramScenariosIT {

    @Test
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
}
