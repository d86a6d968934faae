package dev.governor.engine.check;

import dev.governor.engine.camel.CamelRoutes;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.envelope.Envelope;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.plugin.PluginLoadException;
import dev.governor.engine.plugin.PluginRegistry;
import dev.governor.engine.rules.CompiledRules;
import dev.governor.engine.rules.RuleCompilationException;
import dev.governor.engine.rules.RuleCompiler;
import dev.governor.engine.rules.RuleProblem;
import dev.governor.engine.sample.Samplers;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code governor check} does: compiles the rules, parses and resolves the routes, loads the
 * plugins with their settings, and checks that every action type a rule or the envelope names has a plugin, without
 * sampling or acting on anything.
 */
public final class Checker {


    /** What was found: errors fail the check, warnings do not. */
    public record Result(List<String> errors, List<String> warnings, int rules, int ruleFiles, int routeFiles) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private final ClassLoader classLoader;

    public Checker(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    public Result check(GovernorConfig config) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Clock clock = Clock.systemUTC();

        PluginRegistry registry = null;
        try {
            registry = PluginRegistry.load(classLoader, config.plugins().dir());
            // Created only to check the settings; closed at once.
            registry.createHandlers(config.plugins().settings(), clock, config.databasesForPlugins()).values().stream().distinct()
                    .forEach(PluginRegistry::closeQuietly);
        } catch (PluginLoadException e) {
            errors.add(e.getMessage());
        }
        if (registry != null) {
            errors.addAll(Envelope.problems(config.envelope(), registry.actionTypes().keySet()));
            if (!registry.handles(config.envelope().breaker().fallback())) {
                warnings.add("envelope.breaker.fallback: " + registry.unhandledMessage(config.envelope().breaker().fallback()));
            }
        }

        int ruleCount = 0;
        int ruleFileCount = 0;
        try {
            List<Path> files = RuleCompiler.ruleFiles(config.rules().dir());
            ruleFileCount = files.size();
            if (files.isEmpty()) {
                warnings.add(config.rules().dir() + ": no *.drl files: Governor will decide nothing");
            }
            CompiledRules rules = new RuleCompiler(config.engine().factRetention(), config.rules().params()).compile(files);
            ruleCount = rules.ruleNames().size();
            rules.warnings().forEach(w -> warnings.add(w.toString()));
            if (registry != null) {
                errors.addAll(registry.unhandledIn(files));
            }
        } catch (RuleCompilationException e) {
            e.problems().stream().map(RuleProblem::toString).forEach(errors::add);
        }

        int routeFileCount = 0;
        try {
            List<Path> routeFiles = CamelRoutes.routeFiles(config.routes().dir());
            routeFileCount = routeFiles.size();
            if (routeFiles.isEmpty()) {
                warnings.add(config.routes().dir() + ": no *.yaml routes: Governor will receive no samples");
            }
            FactCodec codec = new FactCodec(clock);
            for (Path file : routeFiles) {
                String problem = CamelRoutes.checkRoute(file, codec, Samplers.builtIn(clock, config));
                if (problem != null) {
                    errors.add(problem);
                }
            }
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
        if (registry != null) {
            registry.close();
        }
        return new Result(errors, warnings, ruleCount, ruleFileCount, routeFileCount);
    }
}
