package dev.governor.engine.cli;

import dev.governor.engine.simulate.ScenarioSuite;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code governor test [DIR]}: the rule scenarios of a folder, through the rules and the envelope, on simulated time. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Run rule scenarios (*.yaml) through the rules and the safety envelope on simulated time, "
                + "with plugins replaced by a recorder.",
                "Prints PASS or FAIL per scenario, and for a failure the expected and dispatched actions; "
                        + "exits 1 if any scenario fails or is malformed, else 0."})
final class TestCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = "rules/tests",
            description = "Folder of scenario files, or one file. Default: ${DEFAULT-VALUE}.")
    Path dir;

    @Option(names = "--rules", paramLabel = "DIR",
            description = "Folder the scenarios' rules: are relative to. Default: the parent of the scenarios' folder (rules/ for rules/tests).")
    Path rules;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.exists(dir)) {
            err.println("governor: " + dir + ": no such folder of scenarios");
            err.flush();
            return GovernorCommand.FAILED;
        }
        List<Path> files = ScenarioSuite.files(dir);
        if (files.isEmpty()) {
            out.println("no scenario files (*.yaml) in " + dir);
            out.flush();
            return 0;
        }
        Path rulesDir = rules != null ? rules : ScenarioSuite.defaultRulesDir(dir);
        ScenarioSuite.Outcome outcome = ScenarioSuite.run(files, rulesDir, GovernorCommand.class.getClassLoader(), out);
        return outcome.ok() ? 0 : GovernorCommand.FAILED;
    }
}
