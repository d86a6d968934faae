package dev.governor.engine;

import dev.governor.api.ActionOutcome;
import dev.governor.api.Fact;
import dev.governor.engine.audit.AuditLog;
import dev.governor.engine.dispatch.Dispatcher;
import dev.governor.engine.envelope.Verdict;
import dev.governor.engine.rules.RuleEngine;
import dev.governor.engine.rules.RuleReloader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Governor's metrics, each named once here, in a Prometheus registry of this Governor's own (two Governors in
 * one JVM do not mix their counts). {@code GET /metrics} serves {@link #scrape()} as Prometheus text.
 *
 * <table>
 *   <caption>The metrics</caption>
 *   <tr><th>name</th><th>labels</th><th>what</th></tr>
 *   <tr><td>{@code governor_facts_in_total}</td><td>type, source</td><td>facts taken by the engine; source is the sampler,
 *       the route id, or {@code api}</td></tr>
 *   <tr><td>{@code governor_session_facts}</td><td></td><td>facts in the rules session now</td></tr>
 *   <tr><td>{@code governor_engine_queued_facts}</td><td></td><td>facts waiting for the rules thread</td></tr>
 *   <tr><td>{@code governor_rule_firings_total}</td><td>rule</td><td>rule firings</td></tr>
 *   <tr><td>{@code governor_actions_total}</td><td>type, verdict, outcome</td><td>actions decided, by the envelope's
 *       verdict and the outcome</td></tr>
 *   <tr><td>{@code governor_action_duration_seconds}</td><td>type, outcome</td><td>from hand-over to outcome</td></tr>
 *   <tr><td>{@code governor_sample_duration_seconds}</td><td>sampler, source, result</td><td>one attempt at a source;
 *       result {@code ok} or {@code down}</td></tr>
 *   <tr><td>{@code governor_rules_compile_seconds}</td><td></td><td>the last compile of the rules (start-up or reload)</td></tr>
 *   <tr><td>{@code governor_rules_reloads_total}</td><td>result</td><td>reloads, {@code ok} or {@code failed}</td></tr>
 *   <tr><td>{@code governor_audit_write_failures_total}</td><td></td><td>audit lines that could not be written</td></tr>
 *   <tr><td>{@code governor_actions_in_flight}</td><td></td><td>actions running now</td></tr>
 *   <tr><td>{@code governor_api_requests_total}, {@code governor_api_request_duration_seconds}</td><td>method, path,
 *       status</td><td>HTTP API requests; path is the endpoint's ({@code /api/silences/{id}})</td></tr>
 * </table>
 * Labels take values from a bounded set (types, samplers, route ids, rule names, endpoints), never from a
 * target, so the number of series stays small. JVM metrics are left to the {@code jvm} sampler's facts.
 */
public final class GovernorMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> factsIn = new ConcurrentHashMap<>();
    private final Map<String, Counter> firings = new ConcurrentHashMap<>();
    private final Map<String, Counter> actions = new ConcurrentHashMap<>();
    private final Map<String, Timer> actionTimes = new ConcurrentHashMap<>();
    private final Map<String, Timer> sampleTimes = new ConcurrentHashMap<>();
    private final Map<String, Timer> requests = new ConcurrentHashMap<>();

    /** Gauges and counters read from the parts they describe. */
    public void bind(RuleEngine engine, RuleReloader reloader, AuditLog audit, Dispatcher dispatcher) {
        Gauge.builder("governor_session_facts", engine, RuleEngine::factCount)
                .description("Facts in the rules session").register(registry);
        Gauge.builder("governor_engine_queued_facts", engine, RuleEngine::queued)
                .description("Facts waiting for the rules thread").register(registry);
        Gauge.builder("governor_rules_compile_seconds", reloader,
                        r -> r.lastResult().compileTime().toNanos() / 1e9)
                .description("How long the last compile of the rules took (start-up or reload)").register(registry);
        FunctionCounter.builder("governor_rules_reloads_total", reloader, RuleReloader::reloads)
                .tag("result", "ok").description("Rule reloads").register(registry);
        FunctionCounter.builder("governor_rules_reloads_total", reloader, RuleReloader::failedReloads)
                .tag("result", "failed").description("Rule reloads").register(registry);
        FunctionCounter.builder("governor_audit_write_failures_total", audit, AuditLog::failures)
                .description("Audit lines that could not be written").register(registry);
        // Micrometer holds a gauge's object weakly: the dispatcher, which Governor holds, not a lambda.
        Gauge.builder("governor_actions_in_flight", dispatcher, Dispatcher::inFlight)
                .description("Actions handed to a plugin whose outcome is not known yet").register(registry);
    }

    /** Facts the engine took, by type and source. */
    public void factsIn(List<? extends Fact> facts, String source) {
        for (Fact fact : facts) {
            String type = CurrentFacts.typeOf(fact);
            factsIn.computeIfAbsent(type + "\u0000" + source, key -> Counter.builder("governor_facts_in_total")
                    .description("Facts taken by the rules engine, by type and source (sampler, route id or api)")
                    .tag("type", type).tag("source", source).register(registry)).increment();
        }
    }

    /** One firing of a rule. */
    public void fired(String rule) {
        firings.computeIfAbsent(rule, name -> Counter.builder("governor_rule_firings_total")
                .description("Rule firings, by rule").tag("rule", name).register(registry)).increment();
    }

    /** One action's verdict and outcome, and how long it took. */
    public void action(ActionOutcome outcome, Verdict verdict, Duration took) {
        String type = outcome.type();
        String kind = verdict == null ? "NONE" : verdict.kind().name();
        String status = outcome.status().name();
        actions.computeIfAbsent(type + "\u0000" + kind + "\u0000" + status, key -> Counter.builder("governor_actions_total")
                .description("Actions decided, by type, the envelope's verdict and the outcome")
                .tag("type", type).tag("verdict", kind).tag("outcome", status).register(registry)).increment();
        actionTimes.computeIfAbsent(type + "\u0000" + status, key -> Timer.builder("governor_action_duration_seconds")
                .description("From hand-over to outcome, by type and outcome")
                .tag("type", type).tag("outcome", status).register(registry)).record(took.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** One attempt at a source. */
    public void sampled(String sampler, String source, long nanos, boolean ok) {
        String result = ok ? "ok" : "down";
        sampleTimes.computeIfAbsent(sampler + "\u0000" + source + "\u0000" + result, key -> Timer.builder("governor_sample_duration_seconds")
                .description("How long one attempt at a source took, by sampler, source and result")
                .tag("sampler", sampler).tag("source", source).tag("result", result).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One HTTP API request, answered. */
    public void request(String method, String path, int status, long nanos) {
        String code = Integer.toString(status);
        requests.computeIfAbsent(method + " " + path + " " + code, key -> Timer.builder("governor_api_request_duration_seconds")
                .description("HTTP API requests, by method, endpoint path and status")
                .tag("method", method).tag("path", path).tag("status", code).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Every metric in the Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    /** The registry, for tests and embedders that want to add their own meters. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
