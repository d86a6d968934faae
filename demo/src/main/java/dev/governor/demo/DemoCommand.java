package dev.governor.demo;

import dev.governor.engine.cli.Subcommand;
import dev.governor.engine.config.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code governor demo}: found by the command line through {@link Subcommand} when this module is on the class path. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start an embedded PostgreSQL 17, a workload that needs governing (a pool too small for its callers, "
                + "a table under constant updates, a session idle in a transaction, CPU-heavy workers) and Governor with "
                + "the default rules on short durations, and tell what happens as it happens.",
                "Runs until Ctrl-C or --duration, prints a summary and stops everything it started."})
public final class DemoCommand implements Subcommand, Callable<Integer> {

    /** Where {@code governor.home} (set by the launchers) keeps the default rules. */
    static final String HOME_PROPERTY = "governor.home";

    @Option(names = "--duration", paramLabel = "DURATION",
            description = "Stop after this long (90s, 5m); default: run until Ctrl-C.")
    String duration;

    @Option(names = "--rules", paramLabel = "DIR",
            description = "The rules folder. Default: the default rules (rules/ of the Governor installation or source tree).")
    Path rules;

    @Option(names = "--work", paramLabel = "DIR",
            description = "Where the demo writes its configuration, routes, audit and envelope state. Default: a new temporary folder.")
    Path work;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8787",
            description = "The port of the dashboard and HTTP API on 127.0.0.1; a free one when it is taken. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--no-api", description = "Serve no dashboard or HTTP API.")
    boolean noApi;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Duration runFor = null;
        if (duration != null) {
            try {
                runFor = Durations.parse(duration);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--duration: " + e.getMessage());
            }
            if (runFor.isNegative() || runFor.isZero()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--duration must be positive, was " + duration);
            }
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be between 0 and 65535, was " + port);
        }
        Path rulesDir = rules != null ? rules : defaultRules();
        if (!hasRules(rulesDir)) {
            throw new IllegalArgumentException("no *.drl rule files in " + rulesDir.toAbsolutePath()
                    + ": run the demo from Governor's folder, or give the rules with --rules DIR");
        }
        Path workDir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("governor-demo-");
        PrintWriter out = spec.commandLine().getOut();
        out.println("governor demo: a workload in trouble, and what Governor does about it"
                + (runFor == null ? " (Ctrl-C to stop)" : " (for " + Durations.format(runFor) + "; Ctrl-C stops it earlier)"));
        out.println("the demo's configuration: " + workDir.resolve("governor.yaml"));
        out.println();
        out.flush();

        Demo demo = new Demo(rulesDir, workDir, runFor, noApi ? null : port, out);
        CountDownLatch finished = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> {
            demo.stop();
            try {
                // let the demo stop what it started and print its summary before the JVM goes
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "governor-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            demo.run();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already (Ctrl-C): the hook is running
            }
        }
        return 0;
    }

    static Path defaultRules() {
        String home = System.getProperty(HOME_PROPERTY);
        return home == null || home.isBlank() ? Path.of("rules") : Path.of(home, "rules");
    }

    private static boolean hasRules(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.drl")) {
            return files.iterator().hasNext();
        }
    }
}
