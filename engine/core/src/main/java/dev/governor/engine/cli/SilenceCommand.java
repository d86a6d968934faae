package dev.governor.engine.cli;

import dev.governor.engine.config.Durations;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.envelope.Silence;
import dev.governor.engine.envelope.SilenceFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code governor silence add|list|remove}: silences in the envelope's state file ({@code envelope.state}).
 * Works whether or not Governor runs; a running Governor sees the change at its next action.
 */
@Command(name = "silence", mixinStandardHelpOptions = true,
        description = {"Silence actions by type and target until a time, list silences, remove one.",
                "Edits the envelope's state file (envelope.state); a running Governor picks the change up at its next action."},
        subcommands = {SilenceCommand.Add.class, SilenceCommand.ListSilences.class, SilenceCommand.Remove.class})
final class SilenceCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: add, list or remove");
    }

    /** Where the state file is: {@code --state}, or {@code envelope.state} of the configuration. */
    static final class Where {
        @Option(names = "--config", paramLabel = "FILE",
                description = "Configuration file. Default: governor.yaml in the working directory, if present.")
        Path config;

        @Option(names = "--state", paramLabel = "FILE", description = "The envelope's state file. Default: envelope.state of the configuration.")
        Path state;

        GovernorConfig configuration() {
            ConfigOptions options = new ConfigOptions();
            options.config = config;
            return options.load();
        }

        Path stateFile(GovernorConfig configuration) {
            return state != null ? state : configuration.envelope().state();
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Silence every action whose type and target match, until a time.")
    static final class Add implements Callable<Integer> {
        @Mixin
        Where where;

        @Option(names = "--type", paramLabel = "GLOB", description = "Action type glob, e.g. pg.* (default: every type).")
        String type;

        @Option(names = "--target", paramLabel = "GLOB", description = "Target glob, e.g. main/public.* (default: every target).")
        String target;

        @ArgGroup(exclusive = true, multiplicity = "1")
        End end;

        static final class End {
            @Option(names = "--for", paramLabel = "DURATION", description = "How long, e.g. 30m or 2h.")
            String duration;

            @Option(names = "--until", paramLabel = "TIME", description = "Until when, e.g. 2026-12-01T06:00:00Z.")
            String until;
        }

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why; it is in every audit line the silence causes.")
        String reason;

        @Option(names = "--by", paramLabel = "NAME", defaultValue = "${sys:user.name}",
                description = "Who sets it. Default: ${DEFAULT-VALUE}.")
        String by;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (type == null && target == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Give --type, --target or both (--type '*' silences every action)");
            }
            Instant now = Instant.now();
            Instant until;
            if (end.duration != null) {
                until = now.plus(Durations.parse(end.duration));
            } else {
                try {
                    until = OffsetDateTime.parse(end.until).toInstant();
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("--until: expected a time such as 2026-12-01T06:00:00Z, got '" + end.until + "'");
                }
            }
            Path file = where.stateFile(where.configuration());
            Silence silence = SilenceFile.add(file, type, target, until, reason, by, now);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%s: silenced type %s, target %s, until %s, by %s: %s%n", silence.id(), silence.type(),
                    silence.target(), silence.until(), silence.by(), silence.reason());
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "The silences in force: those written in governor.yaml, then those set with silence add.")
    static final class ListSilences implements Callable<Integer> {
        @Mixin
        Where where;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            GovernorConfig configuration = where.configuration();
            Instant now = Instant.now();
            List<Silence> silences = new ArrayList<>();
            for (int i = 0; i < configuration.envelope().silences().size(); i++) {
                var rule = configuration.envelope().silences().get(i);
                if (now.isBefore(rule.until())) {
                    silences.add(new Silence("config-" + (i + 1), rule.type(), rule.target(), rule.until(), rule.reason(), rule.by(), null));
                }
            }
            silences.addAll(SilenceFile.list(where.stateFile(configuration), now));
            PrintWriter out = spec.commandLine().getOut();
            if (silences.isEmpty()) {
                out.println("(no silence in force)");
            } else {
                String format = "%-11s  %-14s  %-24s  %-20s  %-12s  %s%n";
                out.printf(format, "ID", "TYPE", "TARGET", "UNTIL", "BY", "REASON");
                for (Silence s : silences) {
                    out.printf(format, s.id(), s.type(), s.target(), s.until(), s.by(), s.reason());
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "End a silence set with silence add.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        Where where;

        @Parameters(paramLabel = "ID", description = "The silence's id, as silence list shows it.")
        String id;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (id.startsWith("config-")) {
                throw new IllegalArgumentException("silence " + id + " is written in governor.yaml (envelope.silences): remove it there");
            }
            Path file = where.stateFile(where.configuration());
            if (!SilenceFile.remove(file, id, Instant.now())) {
                throw new IllegalArgumentException("no silence " + id + " in " + file + " (governor silence list shows them)");
            }
            spec.commandLine().getOut().println("removed " + id);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
