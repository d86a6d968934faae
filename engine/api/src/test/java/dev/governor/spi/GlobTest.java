package dev.governor.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GlobTest {

    @Test
    void starIsAnyRunQuestionMarkOneCharacterAndTheWholeNameMustMatch() {
        assertThat(Glob.of("orders-*").matches("orders-eu")).isTrue();
        assertThat(Glob.of("orders-*").matches("orders-")).isTrue();
        assertThat(Glob.of("orders-*").matches("my-orders-eu")).isFalse();
        assertThat(Glob.of("main/public.*").matches("main/public.orders")).isTrue();
        assertThat(Glob.of("main/public.*").matches("main/publicXorders")).as("a dot is a dot").isFalse();
        assertThat(Glob.of("t?").matches("t1")).isTrue();
        assertThat(Glob.of("t?").matches("t12")).isFalse();
        assertThat(Glob.of("*").matches("line\nbreak")).isTrue();
        assertThat(Glob.of("x").matches(null)).isFalse();
    }

    @Test
    void regexCharactersStandForThemselves() {
        assertThat(Glob.of("odd(name)").matches("odd(name)")).isTrue();
        assertThat(Glob.of("odd(name)").matches("oddname")).isFalse();
        assertThat(Glob.of("a+b[1]$").matches("a+b[1]$")).isTrue();
        assertThat(Glob.of("\\Q*\\E").matches("\\Qanything\\E")).isTrue();
        assertThat(Glob.toRegex("a.b").matcher("axb").matches()).isFalse();
        assertThat(Glob.of("orders-*")).hasToString("orders-*");
        assertThatThrownBy(() -> Glob.of(null)).isInstanceOf(NullPointerException.class);
    }
}
