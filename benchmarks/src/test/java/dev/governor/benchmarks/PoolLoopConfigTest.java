package dev.governor.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.benchmarks.loop.PoolLoop;
import dev.governor.engine.config.ConfigLoader;
import dev.governor.engine.config.GovernorConfig;
import org.junit.jupiter.api.Test;

/** The Governor variants of the pool loop configure what BENCHMARKS.md says they do. */
class PoolLoopConfigTest {

    private static GovernorConfig parse(String variant) {
        String yaml = PoolLoop.governorYaml(variant).replace("@RULES@", "/r").replace("@PLUGINS@", "/p").replace("@STATE@", "/s.json");
        return new ConfigLoader().parse(yaml, variant);
    }

    @Test
    void theDefaultVariantBoundsResizesAndKeepsTheDefaultRuleParams() {
        GovernorConfig config = parse("governor");

        assertThat(config.rules().params()).isEmpty();
        assertThat(config.envelope().actions()).containsKey("pool.resize");
        assertThat(config.envelope().actions().get("pool.resize").toString()).contains("min=4").contains("max=32");
    }

    @Test
    void theTunedVariantReactsFaster() {
        GovernorConfig config = parse("governor-tuned");

        assertThat(config.rules().params()).containsEntry("pool.grow.step", 8).containsKey("pool.grow.for");
        assertThat(config.envelope().actions().get("pool.resize").toString()).contains("maxStepUp=8");
    }
}
