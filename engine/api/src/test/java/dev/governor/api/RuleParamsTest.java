package dev.governor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleParamsTest {

    private final RuleParams params = RuleParams.of(Map.of(
            "pool.grow.step", 2, "pool.shrink.enter", 0.3, "pool.grow.for", Duration.ofSeconds(30), "mvcc.terminate", true,
            "mvcc.replication.enter", 20_000_000_000L));

    @Test
    void gettersReadEachKind() {
        assertThat(params.integer("pool.grow.step")).isEqualTo(2);
        assertThat(params.number("pool.grow.step")).isEqualTo(2.0);
        assertThat(params.number("pool.shrink.enter")).isEqualTo(0.3);
        assertThat(params.duration("pool.grow.for")).isEqualTo(Duration.ofSeconds(30));
        assertThat(params.millis("pool.grow.for")).isEqualTo(30_000);
        assertThat(params.seconds("pool.grow.for")).isEqualTo(30.0);
        assertThat(params.flag("mvcc.terminate")).isTrue();
        assertThat(params.wholeNumber("mvcc.replication.enter")).isEqualTo(20_000_000_000L);
        assertThat(params.keys()).containsExactly("mvcc.replication.enter", "mvcc.terminate", "pool.grow.for", "pool.grow.step",
                "pool.shrink.enter");
    }

    @Test
    void aMissingKeyOrAWrongKindFailsNamingTheKey() {
        assertThatThrownBy(() -> params.number("pool.grow.stpe"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no rule param 'pool.grow.stpe'; known: mvcc.replication.enter, mvcc.terminate, pool.grow.for, "
                        + "pool.grow.step, pool.shrink.enter");
        assertThatThrownBy(() -> RuleParams.empty().millis("x")).hasMessageContaining("there are none: declare it in params.yaml");
        assertThatThrownBy(() -> params.millis("pool.grow.step"))
                .hasMessage("rule param 'pool.grow.step' is a whole number (2), not a duration");
        assertThatThrownBy(() -> params.integer("pool.shrink.enter"))
                .hasMessage("rule param 'pool.shrink.enter' is a number (0.3), not a whole number");
        assertThatThrownBy(() -> params.integer("mvcc.replication.enter")).hasMessageContaining("too large for integer()");
        assertThatThrownBy(() -> params.flag("pool.grow.for")).hasMessage("rule param 'pool.grow.for' is a duration (30s), not true or false");
    }

    @Test
    void overridesKeepEachParamsKind() {
        RuleParams tuned = params.with(Map.of("pool.grow.step", 4, "pool.shrink.enter", 1, "pool.grow.for", Duration.ofMinutes(1)));
        assertThat(tuned.integer("pool.grow.step")).isEqualTo(4);
        assertThat(tuned.number("pool.shrink.enter")).isEqualTo(1.0);
        assertThat(tuned.duration("pool.grow.for")).isEqualTo(Duration.ofMinutes(1));
        assertThat(params.integer("pool.grow.step")).as("the original is unchanged").isEqualTo(2);

        assertThatThrownBy(() -> params.with(Map.of("pool.grow.stepp", 4))).hasMessageStartingWith("no rule param 'pool.grow.stepp'; known: ");
        assertThatThrownBy(() -> params.with(Map.of("pool.grow.step", 2.5)))
                .hasMessage("rule param 'pool.grow.step' is a whole number (default 2), got a number (2.5)");
        assertThatThrownBy(() -> params.with(Map.of("pool.grow.for", 30)))
                .hasMessage("rule param 'pool.grow.for' is a duration (default 30s), got a whole number (30)");
        assertThatThrownBy(() -> params.with(Map.of("mvcc.terminate", "yes")))
                .hasMessage("rule param 'mvcc.terminate' must be a number, a duration or true/false, got String 'yes'");
    }

    @Test
    void valuesMustBeNumbersDurationsOrFlags() {
        assertThatThrownBy(() -> RuleParams.of(Map.of("x", Double.NaN))).hasMessage("rule param 'x' must be a finite number, got NaN");
        assertThatThrownBy(() -> RuleParams.of(Map.of("x", Duration.ofSeconds(-1)))).hasMessage("rule param 'x' must not be a negative duration");
        assertThatThrownBy(() -> RuleParams.of(Map.of(" ", 1))).hasMessage("a rule param has a blank key");
        assertThat(RuleParams.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(RuleParams.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(params.toString()).startsWith("RuleParams{mvcc.replication.enter=20000000000, mvcc.terminate=true, pool.grow.for=30s");
    }
}
