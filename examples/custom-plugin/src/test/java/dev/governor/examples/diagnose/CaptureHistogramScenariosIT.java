package dev.governor.examples.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.engine.cli.GovernorCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
        assertThat(out).contains("5 scenarios: 5 passed, 0 failed");
    }
}
