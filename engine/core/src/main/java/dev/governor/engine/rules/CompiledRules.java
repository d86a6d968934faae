package dev.governor.engine.rules;

import dev.governor.api.RuleParams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.kie.api.KieBase;

/**
 * A compiled set of rule files, ready to open sessions on.
 *
 * @param base          the compiled knowledge base (STREAM mode)
 * @param files         the rule files it was built from, in load order
 * @param ruleNames     every rule's name, for listing and audit
 * @param warnings      what the compiler warned about
 * @param factRetention how long facts stay in sessions: the configured retention or the longest rule window
 * @param compileTime   how long compiling took
 * @param params        the rule params: the defaults of {@code params.yaml} with {@code rules.params} over them;
 *                      sessions set them as the global {@code params}
 */
public record CompiledRules(KieBase base, List<Path> files, List<String> ruleNames, List<RuleProblem> warnings,
                            Duration factRetention, Duration compileTime, RuleParams params) {

    public CompiledRules {
        files = List.copyOf(files);
        ruleNames = List.copyOf(ruleNames);
        warnings = List.copyOf(warnings);
        params = params == null ? RuleParams.empty() : params;
    }

    /** Rules with no params. */
    public CompiledRules(KieBase base, List<Path> files, List<String> ruleNames, List<RuleProblem> warnings,
                         Duration factRetention, Duration compileTime) {
        this(base, files, ruleNames, warnings, factRetention, compileTime, RuleParams.empty());
    }
}
