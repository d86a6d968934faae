package dev.governor.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.benchmarks.engine.DefaultPackInJava;
import dev.governor.benchmarks.engine.RulesDecider;
import dev.governor.engine.rules.CompiledRules;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine benchmark's ratio is only honest if the hand-written Java decides as the default rules do: the
 * same actions at the same simulated times, through the same envelope. And the check must be able to fail.
 */
class EngineBaselineTest {

    private static CompiledRules defaultRules;
    private static List<String> byTheRules;

    @BeforeAll
    static void decideByTheRulesOfThisTree() throws Exception {
        System.setProperty("governor.rules", Path.of("..", "rules").toString());
        defaultRules = EngineBenchmark.defaultRules();
        byTheRules = EngineBenchmark.decisions(new RulesDecider(defaultRules));
    }

    @Test
    void theJavaBaselineDecidesAsTheDefaultRules() throws Exception {
        List<String> java = EngineBenchmark.decisions(new DefaultPackInJava(defaultRules.params()));

        assertThat(byTheRules).hasSize(66).anyMatch(d -> d.contains("Grow a pool whose callers keep waiting pool.resize orders max=13"))
                .anyMatch(d -> d.contains("Shrink a pool that stays mostly idle pool.resize orders max=2"))
                .anyMatch(d -> d.contains("Notify when GC takes too much of the time"))
                .anyMatch(d -> d.contains("Notify when the live set stays high"))
                .anyMatch(d -> d.contains("Notify when CPU stays saturated"))
                .anyMatch(d -> d.contains("Notify when memory stays near its limit"));
        assertThat(java).containsExactlyElementsOf(byTheRules);
    }

    @Test
    void aBaselineWithOtherThresholdsDecidesOtherwise() throws Exception {
        var otherParams = defaultRules.params().with(Map.of("pool.grow.step", 5L));
        List<String> java = EngineBenchmark.decisions(new DefaultPackInJava(otherParams));

        assertThat(java).isNotEqualTo(byTheRules).anyMatch(d -> d.endsWith("pool.resize orders max=15"));
    }
}
