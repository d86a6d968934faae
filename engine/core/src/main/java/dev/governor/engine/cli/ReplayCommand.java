package dev.governor.engine.cli;

import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.config.Mode;
import dev.governor.engine.simulate.Replay;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code governor replay FILE}: recorded facts through the rules and the envelope, as fast as they go. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay recorded facts (JSON Lines, as governor sample prints and record: writes) through the rules "
                + "and the safety envelope on simulated time, as fast as possible. Nothing is carried out.",
                "Prints each decision: time, rule, action, verdict; then a summary. A line that is not a fact is reported "
                        + "as file:line: problem and skipped; exits 1 if there was any, else 0."})
final class ReplayCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The recorded facts, one JSON object per line, each with its \"at\".")
    Path file;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (envelope, mode, rules.dir). Default: governor.yaml in the working directory, if present.")
    Path config;

    @Option(names = "--rules", paramLabel = "DIR", description = "Folder of *.drl rule files (rules.dir).")
    Path rules;

    @Option(names = "--mode", paramLabel = "MODE", converter = ConfigOptions.ModeConverter.class,
            description = "enforce or dry-run (mode).")
    Mode mode;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ConfigOptions options = new ConfigOptions();
        options.config = config;
        options.rules = rules;
        options.mode = mode;
        GovernorConfig loaded = options.load();
        Replay.Summary summary = Replay.run(file, loaded, GovernorCommand.class.getClassLoader(),
                spec.commandLine().getOut(), spec.commandLine().getErr());
        return summary.ok() ? 0 : GovernorCommand.FAILED;
    }
}
