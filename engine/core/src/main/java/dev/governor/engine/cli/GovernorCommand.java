package dev.governor.engine.cli;

import dev.governor.api.Fact;
import dev.governor.engine.Governor;
import dev.governor.engine.camel.CamelRoutes;
import dev.governor.engine.check.Checker;
import dev.governor.engine.config.ConfigException;
import dev.governor.engine.config.Durations;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.plugin.LoadedPlugin;
import dev.governor.engine.plugin.PluginLoadException;
import dev.governor.engine.plugin.PluginRegistry;
import dev.governor.engine.rules.RuleCompilationException;
import dev.governor.engine.sample.Samplers;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code governor}: the command line. */
@Command(name = "governor", mixinStandardHelpOptions = true, versionProvider = GovernorCommand.Version.class,
        description = "A rules-driven resource governor: samples become facts, rules decide, plugins act, the audit tells.",
        subcommands = {
                GovernorCommand.Run.class,
                GovernorCommand.Check.class,
                GovernorCommand.Sample.class,
                GovernorCommand.Plugins.class,
                TestCommand.class,
                ReplayCommand.class,
                SilenceCommand.class,
                CommandLine.HelpCommand.class})
public final class GovernorCommand implements Runnable {

    /** Exit code when Governor cannot start or a check finds errors. */
    static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code, without exiting. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new GovernorCommand());
        for (Subcommand extra : java.util.ServiceLoader.load(Subcommand.class, GovernorCommand.class.getClassLoader())) {
            commandLine.addSubcommand(extra);
        }
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (e instanceof ConfigException || e instanceof PluginLoadException || e instanceof IllegalArgumentException) {
                err.println("governor: " + e.getMessage());
            } else if (e instanceof dev.governor.engine.camel.RouteException routes) {
                routes.problems().forEach(err::println);
                err.println("governor: the routes cannot start (" + routes.problems().size() + " error(s))");
            } else if (e instanceof RuleCompilationException rules) {
                rules.problems().forEach(err::println);
                err.println("governor: the rules do not compile (" + rules.problems().size() + " error(s))");
            } else {
                err.println("governor: " + e);
                e.printStackTrace(err);
            }
            err.flush();
            return FAILED;
        });
        return commandLine;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: run, check, sample, plugins, test, replay or silence");
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run Governor until SIGTERM or Ctrl-C: routes sample, rules decide, plugins act.")
    static final class Run implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Option(names = "--record", paramLabel = "FILE",
                description = "Append every fact the routes deliver to FILE as JSON Lines, for governor replay (record).")
        java.nio.file.Path record;

        @Option(names = "--bind", paramLabel = "ADDRESS",
                description = "Address the HTTP API listens on (api.bind). Default: 127.0.0.1, this machine only.")
        String bind;

        @Option(names = "--port", paramLabel = "PORT",
                description = "Port of the HTTP API (api.port). Default: 8787; 0 picks a free one.")
        Integer port;

        @Option(names = "--no-api", description = "Do not serve the HTTP API (api.enabled: false).")
        boolean noApi;

        @Override
        public Integer call() throws Exception {
            GovernorConfig config = options.load();
            if (record != null) {
                config = config.withRecordFile(record);
            }
            config = config.withApi(apiSettings(config.api()));
            Governor governor = Governor.start(config);
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                governor.close();
                stopped.countDown();
            }, "governor-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            stopped.await();
            return 0;
        }

        /** governor run serves the API unless the configuration or --no-api says otherwise. */
        GovernorConfig.Api apiSettings(GovernorConfig.Api api) {
            GovernorConfig.Api settings = noApi ? api.withEnabled(false) : api.withEnabled(api.enabledOr(true));
            if (bind != null) {
                settings = settings.withBind(bind);
            }
            if (port != null) {
                if (port < 0 || port > 65535) {
                    throw new IllegalArgumentException("--port must be between 0 and 65535, was " + port);
                }
                settings = settings.withPort(port);
            }
            return settings;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Compile the rules, parse the routes and the configuration, load the plugins.",
                    "Prints each problem as file:line: message; exits 1 if there is any error, else 0."})
    static final class Check implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            GovernorConfig config;
            try {
                config = options.load();
            } catch (ConfigException e) {
                err.println(e.getMessage());
                err.flush();
                return FAILED;
            }
            Checker.Result result = new Checker(GovernorCommand.class.getClassLoader()).check(config);
            result.warnings().forEach(w -> err.println("warning: " + w));
            result.errors().forEach(err::println);
            err.flush();
            if (!result.ok()) {
                out.printf("%d error(s)%n", result.errors().size());
                out.flush();
                return FAILED;
            }
            out.printf("OK: %d rule(s) in %d file(s), %d route file(s), mode %s%n",
                    result.rules(), result.ruleFiles(), result.routeFiles(), config.mode());
            out.flush();
            return 0;
        }
    }

    @Command(name = "sample", mixinStandardHelpOptions = true,
            description = "Run each sampling route (from: governor-sample:...) once and print the facts as JSON Lines.")
    static final class Sample implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Option(names = "--once", required = true, description = "Sample once and exit (the only mode for now).")
        boolean once;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
                description = "How long to wait for every sampling route. Default: ${DEFAULT-VALUE}.")
        String timeout;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            GovernorConfig config = options.load();
            Duration wait = Durations.parse(timeout);
            PrintWriter out = spec.commandLine().getOut();
            FactCodec codec = new FactCodec(Clock.systemUTC());
            Object lock = new Object();
            try (CamelRoutes routes = CamelRoutes.start(config.routes().dir(), facts -> {
                synchronized (lock) {
                    for (Fact fact : facts) {
                        out.println(codec.write(fact));
                    }
                    out.flush();
                }
            }, codec, Samplers.builtIn(Clock.systemUTC(), config), true)) {
                if (!routes.sampleOnce(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    spec.commandLine().getErr().println("governor: not every sampling route sampled within " + timeout);
                    return FAILED;
                }
            }
            return 0;
        }
    }

    @Command(name = "plugins", mixinStandardHelpOptions = true,
            description = "List each action type and the plugin (and jar) that provides it.")
    static final class Plugins implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            GovernorConfig config = options.load();
            PrintWriter out = spec.commandLine().getOut();
            try (PluginRegistry registry = PluginRegistry.load(GovernorCommand.class.getClassLoader(), config.plugins().dir())) {
                Map<String, LoadedPlugin> types = registry.actionTypes();
                int width = Math.max(11, types.keySet().stream().mapToInt(String::length).max().orElse(0));
                // SPI: the version each plugin was built for (ActionPlugin.spiVersion()), against this Governor's Spi.VERSION
                String row = "%-" + width + "s  %-10s  %-5s  %s%n";
                out.printf(row, "ACTION TYPE", "PLUGIN", "SPI", "FROM");
                types.forEach((type, plugin) ->
                        out.printf(row, type, plugin.name(), plugin.plugin().spiVersion(), plugin.source()));
                if (types.isEmpty()) {
                    out.println("(no plugins found on the classpath or in " + config.plugins().dir() + ")");
                }
                out.flush();
            }
            return 0;
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = GovernorCommand.class.getPackage().getImplementationVersion();
            return new String[] {"governor " + (version == null ? "(development build)" : version),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }

    static List<String> commandNames() {
        return List.copyOf(commandLine().getSubcommands().keySet());
    }
}
