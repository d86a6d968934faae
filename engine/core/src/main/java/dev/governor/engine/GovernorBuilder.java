package dev.governor.engine;

import com.zaxxer.hikari.HikariDataSource;
import dev.governor.api.Registry;
import dev.governor.api.ThrottlingExecutor;
import dev.governor.engine.config.ConfigLoader;
import dev.governor.engine.config.EnvelopeConfig;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.config.Mode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * Governor inside an application: it samples this JVM and the pools and executors given here, the rules of
 * a folder decide, and the plugins on the application's class path act on those same pools and executors.
 *
 * <pre>{@code
 * Governor governor = Governor.embedded()
 *         .rules(Path.of("rules"))
 *         .pool("orders", dataSource)
 *         .executor("workers", executor, throttle)
 *         .bounds("pool.resize", "max", 2, 20)
 *         .start();
 * ...
 * governor.close();      // stops Governor and unregisters what it registered; the pools and executors stay
 * }</pre>
 *
 * <p>Defaults, for an application: no HTTP port, no host or PostgreSQL sampling, no plugins folder (only the
 * plugins on the class path), routes of its own that sample this JVM ({@code jvm}, named {@code local}), its
 * pools ({@code hikari}) and its executors ({@code executor}) every {@link #samplePeriod}, the audit in
 * {@code audit/audit.jsonl} and the envelope's state in {@code state/envelope.json} under the working folder,
 * and the envelope's defaults: resizes and throttles stay denied until their bounds are set
 * ({@link #bounds}, or {@code envelope.actions} in a {@link #config} file). A {@link #config} file gives
 * every other setting, and what is set here wins over it.
 *
 * <p>Pools and executors are registered in {@link Registry#global()}, which the samplers and plugins read,
 * when {@link #start} is called, and unregistered when the Governor it returns is closed. Not thread-safe:
 * build on one thread.
 */
public final class GovernorBuilder {

    private Path configFile;
    private GovernorConfig baseConfig;
    private Path rulesDir;
    private Map<String, Object> ruleParams = new LinkedHashMap<>();
    private Path routesDir;
    private Path pluginsDir;
    private Path auditFile;
    private Path stateFile;
    private Mode mode;
    private EnvelopeConfig envelope;
    private final Map<String, Map<String, double[]>> bounds = new LinkedHashMap<>();
    private Duration samplePeriod = Duration.ofSeconds(1);
    private Clock clock = Clock.systemUTC();
    private ClassLoader pluginClassLoader = Governor.class.getClassLoader();
    private final Map<String, HikariDataSource> pools = new LinkedHashMap<>();
    private final Map<String, ThreadPoolExecutor> executors = new LinkedHashMap<>();
    private final Map<String, ThrottlingExecutor> throttles = new LinkedHashMap<>();

    GovernorBuilder() {
    }

    /** Reads a {@code governor.yaml} (envelope, plugin settings, rule params...); what this builder sets wins. */
    public GovernorBuilder config(Path file) {
        this.configFile = Objects.requireNonNull(file, "file is null");
        this.baseConfig = null;
        return this;
    }

    /** Starts from this configuration; what this builder sets wins. */
    public GovernorBuilder config(GovernorConfig config) {
        this.baseConfig = Objects.requireNonNull(config, "config is null");
        this.configFile = null;
        return this;
    }

    /** The folder of {@code *.drl} files (and their {@code params.yaml}); required unless a config file names it. */
    public GovernorBuilder rules(Path dir) {
        this.rulesDir = Objects.requireNonNull(dir, "dir is null");
        return this;
    }

    /** Overrides a rule param, as {@code rules.params} does ({@code "pool.grow.for", "10s"}). */
    public GovernorBuilder ruleParam(String key, Object value) {
        ruleParams.put(Objects.requireNonNull(key, "key is null"), Objects.requireNonNull(value, "value is null"));
        return this;
    }

    /** Camel YAML routes of the application's own, instead of the sampling routes this builder writes. */
    public GovernorBuilder routes(Path dir) {
        this.routesDir = Objects.requireNonNull(dir, "dir is null");
        return this;
    }

    /** A folder of plugin jars, beside the plugins on the class path; default none. */
    public GovernorBuilder plugins(Path dir) {
        this.pluginsDir = Objects.requireNonNull(dir, "dir is null");
        return this;
    }

    /** The class loader whose plugins (META-INF/services) are used; default Governor's. */
    public GovernorBuilder pluginClassLoader(ClassLoader loader) {
        this.pluginClassLoader = Objects.requireNonNull(loader, "loader is null");
        return this;
    }

    public GovernorBuilder audit(Path file) {
        this.auditFile = Objects.requireNonNull(file, "file is null");
        return this;
    }

    /** Where the envelope keeps cooldowns, windows and silences across restarts. */
    public GovernorBuilder state(Path file) {
        this.stateFile = Objects.requireNonNull(file, "file is null");
        return this;
    }

    public GovernorBuilder mode(Mode newMode) {
        this.mode = Objects.requireNonNull(newMode, "mode is null");
        return this;
    }

    /** Decide and audit, execute nothing. */
    public GovernorBuilder dryRun() {
        return mode(Mode.DRY_RUN);
    }

    /** The whole safety envelope; {@link #bounds} still apply on top of it. */
    public GovernorBuilder envelope(EnvelopeConfig config) {
        this.envelope = Objects.requireNonNull(config, "config is null");
        return this;
    }

    /**
     * The bounds of a numeric parameter of an action type, e.g. {@code bounds("pool.resize", "max", 2, 20)}:
     * a larger or smaller request is clamped, and the action is no longer denied for want of bounds. The
     * type's other envelope rules (steps, cooldowns, stabilization) keep their values.
     */
    public GovernorBuilder bounds(String actionType, String param, double min, double max) {
        Objects.requireNonNull(actionType, "actionType is null");
        Objects.requireNonNull(param, "param is null");
        if (!(min <= max)) {
            throw new IllegalArgumentException(actionType + "." + param + ": min " + min + " is above max " + max);
        }
        bounds.computeIfAbsent(actionType, t -> new LinkedHashMap<>()).put(param, new double[] {min, max});
        return this;
    }

    /** How often the built-in routes sample this JVM, the pools and the executors; default 1s. */
    public GovernorBuilder samplePeriod(Duration period) {
        Objects.requireNonNull(period, "period is null");
        if (period.compareTo(Duration.ofMillis(100)) < 0 || period.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("samplePeriod must be between 100ms and 1h, was " + period);
        }
        this.samplePeriod = period;
        return this;
    }

    /** The clock that stamps samples and outcomes; the system's by default. */
    public GovernorBuilder clock(Clock newClock) {
        this.clock = Objects.requireNonNull(newClock, "clock is null");
        return this;
    }

    /**
     * A HikariCP pool to sample ({@code PoolSample} with {@code pool == name}) and resize ({@code pool.resize}
     * on {@code name}).
     *
     * @throws IllegalArgumentException when the data source is not, and does not wrap, a {@link HikariDataSource}
     */
    public GovernorBuilder pool(String name, DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource is null");
        HikariDataSource hikari;
        try {
            if (dataSource instanceof HikariDataSource direct) {
                hikari = direct;
            } else if (dataSource.isWrapperFor(HikariDataSource.class)) {
                hikari = dataSource.unwrap(HikariDataSource.class);
            } else {
                throw new IllegalArgumentException("pool '" + name + "': Governor samples and resizes HikariCP pools;"
                        + " " + dataSource.getClass().getName() + " is not a HikariDataSource and does not wrap one");
            }
        } catch (SQLException e) {
            throw new IllegalArgumentException("pool '" + name + "': cannot unwrap " + dataSource.getClass().getName() + ": " + e, e);
        }
        putOnce(pools, name, hikari, "pool");
        return this;
    }

    /** A thread pool to sample ({@code ExecutorSample}) and resize; throttled by its sizes ({@code executor.throttle}). */
    public GovernorBuilder executor(String name, ThreadPoolExecutor executor) {
        putOnce(executors, name, Objects.requireNonNull(executor, "executor is null"), "executor");
        return this;
    }

    /**
     * A thread pool and the {@link ThrottlingExecutor} in front of it, under one name: {@code executor.throttle}
     * then sets the throttle's limit, however the pool's queue is built (see the executor plugin's README).
     */
    public GovernorBuilder executor(String name, ThreadPoolExecutor executor, ThrottlingExecutor throttle) {
        executor(name, executor);
        throttles.put(name, Objects.requireNonNull(throttle, "throttle is null"));
        return this;
    }

    /**
     * The configuration {@link #start} would start with (before the routes folder it writes). Its plugins folder
     * is used only when {@link #plugins} or a {@link #config} was given: an application should not load
     * whatever jars lie in a {@code plugins} folder of its working directory.
     */
    public GovernorConfig toConfig() {
        GovernorConfig config = baseConfig != null ? baseConfig
                : configFile != null ? new ConfigLoader().load(configFile)
                : GovernorConfig.defaults();
        if (rulesDir != null) {
            config = config.withRulesDir(rulesDir);
        } else if (baseConfig == null && configFile == null) {
            throw new IllegalStateException("rules(dir) is required: the folder of *.drl files that govern this application");
        }
        if (!ruleParams.isEmpty()) {
            Map<String, Object> params = new LinkedHashMap<>(config.rules().params());
            params.putAll(ruleParams);
            config = config.withRules(new GovernorConfig.Rules(config.rules().dir(), params, config.rules().reload(),
                    config.rules().reloadDebounce()));
        }
        if (routesDir != null) {
            config = config.withRoutesDir(routesDir);
        }
        if (pluginsDir != null) {
            config = config.withPluginsDir(pluginsDir);
        }
        if (auditFile != null) {
            config = config.withAuditFile(auditFile);
        }
        if (mode != null) {
            config = config.withMode(mode);
        }
        EnvelopeConfig envelopeConfig = envelope != null ? envelope : config.envelope();
        if (stateFile != null) {
            envelopeConfig = envelopeConfig.withState(stateFile);
        }
        for (Map.Entry<String, Map<String, double[]>> type : bounds.entrySet()) {
            envelopeConfig = withBounds(envelopeConfig, type.getKey(), type.getValue());
        }
        return config.withEnvelope(envelopeConfig);
    }

    /**
     * Registers the pools and executors, writes the sampling routes (unless {@link #routes} was given) and
     * starts Governor. Everything is checked first, as {@code governor run} checks it; a failure unregisters
     * what was registered.
     */
    public Governor start() throws Exception {
        GovernorConfig config = toConfig();
        List<Runnable> undo = new ArrayList<>();
        try {
            if (routesDir == null) {
                Path generated = Files.createTempDirectory("governor-routes-");
                Files.writeString(generated.resolve("embedded-sampling.yaml"), samplingRoutes(samplePeriod));
                config = config.withRoutesDir(generated);
                undo.add(() -> deleteTree(generated));
            }
            Registry registry = Registry.global();
            pools.forEach((name, pool) -> register(registry, HikariDataSource.class, name, pool, undo));
            executors.forEach((name, executor) -> register(registry, ThreadPoolExecutor.class, name, executor, undo));
            throttles.forEach((name, throttle) -> register(registry, ThrottlingExecutor.class, name, throttle, undo));
            boolean pluginsFolder = pluginsDir != null || configFile != null || baseConfig != null;
            return Governor.start(config, clock, pluginClassLoader, pluginsFolder ? config.plugins().dir() : null, null,
                    () -> runAll(undo));
        } catch (Exception | Error e) {
            runAll(undo);
            throw e;
        }
    }

    /** The routes an embedded Governor samples with: this JVM, the registered pools and executors. */
    static String samplingRoutes(Duration period) {
        String every = period.toMillis() + "ms";
        StringBuilder yaml = new StringBuilder("# Written by Governor.embedded(): this JVM, its pools and executors.\n");
        for (String sampler : List.of("jvm", "hikari", "executor")) {
            yaml.append("""
                    - route:
                        id: embedded-%1$s-sampling
                        from:
                          uri: governor-sample:%1$s
                          parameters:
                            period: %2$s
                          steps:
                            - to: governor:facts
                    """.formatted(sampler, every));
        }
        return yaml.toString();
    }

    private static <T> void register(Registry registry, Class<T> kind, String name, T resource, List<Runnable> undo) {
        var previous = registry.register(kind, name, resource);
        undo.add(0, () -> {
            // Only what this Governor registered, and only if nobody has replaced it since.
            if (registry.find(kind, name).orElse(null) == resource) {
                registry.unregister(kind, name);
                previous.ifPresent(earlier -> registry.register(kind, name, earlier));
            }
        });
    }

    private static <T> void putOnce(Map<String, T> map, String name, T value, String what) {
        Objects.requireNonNull(name, what + " name is null");
        if (map.putIfAbsent(name, value) != null) {
            throw new IllegalArgumentException("two " + what + "s are named '" + name + "': actions target them by name");
        }
    }

    private static EnvelopeConfig withBounds(EnvelopeConfig envelope, String type, Map<String, double[]> limits) {
        Map<String, EnvelopeConfig.ActionRules> actions = new LinkedHashMap<>(envelope.actions());
        EnvelopeConfig.ActionRules rules = actions.getOrDefault(type, EnvelopeConfig.ActionRules.none());
        Map<String, EnvelopeConfig.ParamLimits> params = new LinkedHashMap<>(rules.params() == null ? Map.of() : rules.params());
        limits.forEach((param, minMax) -> {
            EnvelopeConfig.ParamLimits old = params.get(param);
            params.put(param, new EnvelopeConfig.ParamLimits(minMax[0], minMax[1], old == null ? null : old.maxStepUp(),
                    old == null ? null : old.maxStepDown()));
        });
        actions.put(type, new EnvelopeConfig.ActionRules(rules.enabled(), rules.dryRun(), params, rules.cooldown(),
                rules.stabilization(), rules.tolerance(), rules.rate(), rules.allow(), rules.deny(), rules.allowRoles(),
                rules.allowApplications(), rules.targets()));
        return new EnvelopeConfig(envelope.state(), envelope.breaker(), actions, envelope.silences());
    }

    private static void runAll(List<Runnable> undo) {
        for (Runnable step : undo) {
            try {
                step.run();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(GovernorBuilder.class).warn("Cleaning up after Governor failed: {}", e.getMessage(), e);
            }
        }
        undo.clear();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
