package dev.governor.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.engine.cli.GovernorCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code governor demo} as the command line finds it, and what it says about bad input before it starts anything. */
class DemoCommandTest {

    private record Result(int exit, String out, String err) {
    }

    private static Result governor(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int exit = GovernorCommand.execute(args);
            return new Result(exit, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void theCommandLineFindsTheDemoOnTheClassPath() {
        Result help = governor("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("demo ", "Start an embedded PostgreSQL 17");
        Result demoHelp = governor("demo", "--help");
        assertThat(demoHelp.exit()).isZero();
        assertThat(demoHelp.out()).contains("--duration=DURATION", "--work=DIR", "--port=PORT", "--no-api");
    }

    @Test
    void aBadDurationIsAUsageErrorNamingTheOption(@TempDir Path work) {
        Result result = governor("demo", "--duration", "soon", "--work", work.resolve("w").toString());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("--duration: ").contains("soon");
        assertThat(work.resolve("w")).as("nothing was started or written").doesNotExist();

        Result zero = governor("demo", "--duration", "0s");
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).contains("--duration must be positive, was 0s");
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        Result result = governor("demo", "--port", "70000");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("--port must be between 0 and 65535, was 70000");
    }

    @Test
    void aFolderWithoutRulesStopsBeforeAnythingStartsAndSaysWhatToDo(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("no-rules"));
        Result result = governor("demo", "--rules", empty.toString(), "--work", dir.resolve("w").toString());
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains("governor: no *.drl rule files in " + empty.toAbsolutePath(), "--rules DIR");
        assertThat(result.out()).as("no demo output: nothing started").doesNotContain("starting an embedded PostgreSQL");
        assertThat(dir.resolve("w")).doesNotExist();
    }
}
