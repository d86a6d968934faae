package dev.governor.engine;

import dev.governor.api.ActionOutcome;
import dev.governor.engine.audit.AuditLog;
import dev.governor.engine.camel.CamelRoutes;
import dev.governor.engine.config.ConfigException;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.config.Mode;
import dev.governor.engine.dispatch.Dispatcher;
import dev.governor.engine.envelope.Envelope;
import dev.governor.engine.envelope.EnvelopeGate;
import dev.governor.engine.envelope.Verdict;
import dev.governor.engine.http.ApiServer;
import dev.governor.engine.http.ApiToken;
import dev.governor.engine.http.GovernorApi;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.plugin.PluginRegistry;
import dev.governor.engine.rules.ActionTypeReference;
import dev.governor.engine.rules.CompiledRules;
import dev.governor.engine.rules.Decision;
import dev.governor.engine.rules.RuleCompiler;
import dev.governor.engine.rules.RuleEngine;
import dev.governor.engine.rules.RuleFolder;
import dev.governor.engine.rules.RuleProblem;
import dev.governor.engine.rules.RuleReloader;
import dev.governor.engine.rules.RuleSession;
import dev.governor.engine.sample.Samplers;
import dev.governor.engine.series.SeriesStore;
import dev.governor.engine.simulate.FactRecorder;
import dev.governor.spi.ActionHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Governor: routes bring samples in as facts, rules decide, the safety envelope admits, plugins
 * act, the audit says what happened. {@link #start} checks everything it can before anything runs (plugins,
 * their settings, the envelope and its state file, the rules, the routes) and fails with a message naming
 * what to fix; {@link #close} stops in order: the HTTP API, routes, then rules, then actions in flight (and the envelope
 * saves its state), then the audit.
 *
 * <p>With {@code api.enabled: true} it serves the HTTP API ({@link #api()}, {@code docs/api.md}); an embedded
 * Governor opens no port unless asked, {@code governor run} serves it unless {@code api.enabled: false}.
 *
 * <p>With {@code rules.reload} (the default) a change in the rules folder is compiled and swapped in while
 * Governor runs ({@link RuleReloader}); {@link #reloader()} tells how the last reload went.
 */
public final class Governor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Governor.class);

    private final GovernorConfig config;
    private final List<AutoCloseable> toClose;
    private final RuleReloader reloader;
    private final RuleEngine engine;
    private final EnvelopeGate gate;
    private final AuditLog audit;
    private final CamelRoutes routes;
    private final GovernorMetrics metrics;
    private final CurrentFacts currentFacts;
    private final SeriesStore series;
    private volatile ApiServer api;

    /** How many (type, key) pairs {@link #currentFacts()} keeps. */
    static final int CURRENT_FACTS_CAPACITY = 50_000;

    private Governor(GovernorConfig config, List<AutoCloseable> toClose, RuleReloader reloader, RuleEngine engine,
                     EnvelopeGate gate, AuditLog audit, CamelRoutes routes, GovernorMetrics metrics, CurrentFacts currentFacts,
                     SeriesStore series) {
        this.config = config;
        this.toClose = toClose;
        this.reloader = reloader;
        this.engine = engine;
        this.gate = gate;
        this.audit = audit;
        this.routes = routes;
        this.metrics = metrics;
        this.currentFacts = currentFacts;
        this.series = series;
    }

    /** Starts Governor with the system clock and the plugins on this class's classpath. */
    public static Governor start(GovernorConfig config) throws Exception {
        return start(config, Clock.systemUTC(), Governor.class.getClassLoader());
    }

    public static Governor start(GovernorConfig config, Clock clock, ClassLoader pluginClassLoader) throws Exception {
        return start(config, clock, pluginClassLoader, null);
    }

    /**
     * Starts Governor and tells {@code observer} of every decision once its verdict and outcome are known, after
     * the audit has its line: what an embedding program (the demo, a dashboard) shows as it happens. The
     * observer runs on the rules thread or an action worker: it must be quick, and what it throws is logged and
     * ignored. Null observes nothing.
     */
    public static Governor start(GovernorConfig config, Clock clock, ClassLoader pluginClassLoader,
                                 EnvelopeGate.Listener observer) throws Exception {
        return start(config, clock, pluginClassLoader, config.plugins().dir(), observer, () -> { });
    }

    /**
     * Governor inside an application: it samples this JVM and the pools and executors the builder is given,
     * and acts on them with the plugins on the application's class path. No HTTP port, no plugins folder
     * unless asked. See {@link GovernorBuilder}.
     */
    public static GovernorBuilder embedded() {
        return new GovernorBuilder();
    }

    /**
     * @param pluginsDir the plugins folder to load, or null for none
     * @param observer   told of every decision once its outcome is known, or null
     * @param onClose    run last when Governor stops, or when it fails to start
     */
    static Governor start(GovernorConfig config, Clock clock, ClassLoader pluginClassLoader, java.nio.file.Path pluginsDir,
                          EnvelopeGate.Listener observer, AutoCloseable onClose) throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        started.add(onClose);
        GovernorMetrics metrics = new GovernorMetrics();
        try {
            FactCodec codec = new FactCodec(clock);
            PluginRegistry registry = PluginRegistry.load(pluginClassLoader, pluginsDir);
            started.add(registry);
            Map<String, ActionHandler> handlers = registry.createHandlers(config.plugins().settings(), clock, config.databasesForPlugins());
            new LinkedHashSet<>(handlers.values()).forEach(handler -> started.add(0, handler));

            RuleFolder rulesBefore = RuleFolder.scan(config.rules().dir());
            Instant compiledAt = Instant.now();
            RuleCompiler compiler = new RuleCompiler(config.engine().factRetention(), config.rules().params());
            CompiledRules rules = compiler.compileFolder(config.rules().dir());
            rules.warnings().forEach(warning -> LOG.warn("{}", warning));
            if (!config.rules().params().isEmpty()) {
                LOG.info("Rule params from the configuration: {}", config.rules().params());
            }
            registry.unhandledIn(rules.files()).forEach(problem -> LOG.warn("{}", problem));

            AuditLog audit = new AuditLog(config.audit().file(), codec);
            started.add(0, audit);

            List<String> envelopeProblems = Envelope.problems(config.envelope(), registry.actionTypes().keySet());
            if (!envelopeProblems.isEmpty()) {
                throw new ConfigException(String.join("\n", envelopeProblems));
            }
            if (!registry.handles(config.envelope().breaker().fallback())) {
                LOG.warn("envelope.breaker.fallback: {}; when the circuit breaker is open, held-back actions are audited "
                        + "but nobody is notified", registry.unhandledMessage(config.envelope().breaker().fallback()));
            }
            Envelope envelope = new Envelope(config.envelope(), config.databases().keySet(), config.mode(), clock);

            // Dry-run is the envelope's to apply (globally, per type, per target): the dispatcher always enforces.
            AtomicReference<RuleEngine> engineRef = new AtomicReference<>();
            EnvelopeGate gate = new EnvelopeGate(envelope, handlers,
                    listener -> new Dispatcher(handlers, registry::unhandledMessage, Mode.ENFORCE,
                            config.actions().timeout(), config.actions().workers(), clock, listener),
                    (decision, verdict, outcome, took) -> {
                        onOutcome(audit, engineRef.get(), decision, verdict, outcome, took, config, metrics);
                        observe(observer, decision, verdict, outcome, took);
                    });
            started.add(0, gate);

            RuleEngine engine = new RuleEngine(new RuleSession(rules, RuleSession.ClockMode.REALTIME),
                    config.engine().queueCapacity(), gate::dispatchAll);
            engineRef.set(engine);
            engine.onFiring(metrics::fired);
            engine.start();
            started.add(0, engine);

            RuleReloader reloader = new RuleReloader(config.rules().dir(), compiler, engine,
                    RuleReloader.startup(compiledAt, rules, unhandledActionTypes(registry, rules.files())), rulesBefore,
                    files -> unhandledActionTypes(registry, files));
            started.add(0, reloader);
            if (config.rules().reload()) {
                reloader.watch(RuleReloader.POLL_INTERVAL, config.rules().reloadDebounce());
            }

            FactSink facts = engine;
            if (config.record() != null) {
                FactRecorder recorder = new FactRecorder(config.record(), engine, codec);
                started.add(0, recorder);
                facts = recorder;
                LOG.info("Recording every fact the routes deliver to {}", config.record());
            }
            // The dashboard's recent series: each fact the rules took, in bounded rings.
            SeriesStore series = new SeriesStore();
            facts = series.tee(facts);

            metrics.bind(engine, reloader, audit, gate.dispatcher());
            // Routes and POST /api/samples deliver through the same tee: the newest fact per subject, counted by source.
            CurrentFacts current = new CurrentFacts(facts, CURRENT_FACTS_CAPACITY, clock, metrics::factsIn);
            CamelRoutes routes = CamelRoutes.start(config.routes().dir(), current, codec, Samplers.builtIn(clock, config), false);
            started.add(0, routes);
            routes.samples().observe(metrics::sampled);

            Governor governor = new Governor(config, started, reloader, engine, gate, audit, routes, metrics, current, series);
            if (config.api().enabledOr(false)) {
                ApiToken token = ApiToken.resolve(config.api(), System::getenv);
                governor.api = ApiServer.start(config.api(), token, GovernorApi.endpoints(governor, codec), metrics::request);
                started.add(0, governor.api);
            }
            LOG.info("Governor started in {} mode: {} rule(s) from {} file(s) in {}, {} route file(s) in {}, "
                            + "action types {}, audit in {}{}",
                    config.mode(), rules.ruleNames().size(), rules.files().size(), config.rules().dir(),
                    routes.files().size(), config.routes().dir(), registry.actionTypes().keySet(), config.audit().file(),
                    governor.api == null ? "" : ", HTTP API on " + governor.api.url()
                            + (governor.api.servesDashboard() ? ", dashboard on " + governor.api.url() + "/" : ""));
            return governor;
        } catch (Exception | Error e) {
            closeAll(started);
            throw e;
        }
    }

    private static List<RuleProblem> unhandledActionTypes(PluginRegistry registry, List<java.nio.file.Path> files) {
        return ActionTypeReference.scan(files).stream()
                .filter(reference -> !registry.handles(reference.type()))
                .map(reference -> new RuleProblem(reference.file(), reference.line(), registry.unhandledMessage(reference.type()), false))
                .toList();
    }

    private static void onOutcome(AuditLog audit, RuleEngine engine, Decision decision, Verdict verdict,
                                  ActionOutcome outcome, Duration took, GovernorConfig config, GovernorMetrics metrics) {
        audit.record(decision, verdict, outcome, config.mode(), took);
        try {
            metrics.action(outcome, verdict, took);
        } catch (RuntimeException e) {
            LOG.debug("Action {} not counted: {}", decision.id(), e.getMessage());
        }
        if (outcome.status() == ActionOutcome.Status.FAILED || outcome.status() == ActionOutcome.Status.INTERRUPTED) {
            LOG.warn("Action {} {} on '{}' by rule '{}': {}: {}", decision.id(), outcome.type(), outcome.target(),
                    decision.rule(), outcome.status(), outcome.message());
        } else if (verdict.kind() == Verdict.Kind.SUPPRESSED || verdict.kind() == Verdict.Kind.SILENCED) {
            // A rule that fires every second is held back every second: the audit has each; the log stays readable.
            LOG.debug("Action {} {} on '{}' by rule '{}': {}", decision.id(), outcome.type(), outcome.target(),
                    decision.rule(), verdict.message());
        } else {
            LOG.info("Action {} {} on '{}' by rule '{}': {}: {}", decision.id(), outcome.type(), outcome.target(),
                    decision.rule(), outcome.status(), outcome.message());
        }
        if (engine != null) {
            try {
                engine.accept(List.of(outcome));
            } catch (IllegalStateException e) {
                LOG.debug("Outcome of action {} not inserted: {}", decision.id(), e.getMessage());
            }
        }
    }

    private static void observe(EnvelopeGate.Listener observer, Decision decision, Verdict verdict, ActionOutcome outcome,
                                Duration took) {
        if (observer == null) {
            return;
        }
        try {
            observer.onOutcome(decision, verdict, outcome, took);
        } catch (RuntimeException e) {
            LOG.warn("The observer of action {} failed: {}", decision.id(), e.toString(), e);
        }
    }

    public GovernorConfig config() {
        return config;
    }

    /** The rules running now: those compiled at start-up, or the last reload that went in. */
    public CompiledRules rules() {
        return reloader.current();
    }

    /** Reloads the rules, and tells how the last reload went ({@link RuleReloader#lastResult()}). */
    public RuleReloader reloader() {
        return reloader;
    }

    public RuleEngine engine() {
        return engine;
    }

    public Dispatcher dispatcher() {
        return gate.dispatcher();
    }

    /** The safety envelope: its silences, its breaker. */
    public Envelope envelope() {
        return gate.envelope();
    }

    public AuditLog audit() {
        return audit;
    }

    public CamelRoutes routes() {
        return routes;
    }

    /** This Governor's metrics ({@code GET /metrics}). */
    public GovernorMetrics metrics() {
        return metrics;
    }

    /**
     * The newest fact of each subject, and where facts enter: {@code POST /api/samples} delivers here, as the routes
     * do, so API samples are recorded, counted and decided on like any other.
     */
    public CurrentFacts currentFacts() {
        return currentFacts;
    }

    /** The recent values of the signals the dashboard plots, fed by every fact the routes deliver. */
    public SeriesStore series() {
        return series;
    }

    /** The HTTP API server ({@link ApiServer#port()}, {@link ApiServer#url()}); null when {@code api} is not enabled. */
    public ApiServer api() {
        return api;
    }

    @Override
    public void close() {
        LOG.info("Governor stopping");
        closeAll(toClose);
        LOG.info("Governor stopped; {} audit line(s) written this run", audit.written());
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("Stopping {} failed: {}", closeable.getClass().getSimpleName(), e.getMessage(), e);
            }
        }
    }
}
