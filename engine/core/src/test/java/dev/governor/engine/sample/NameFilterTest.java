package dev.governor.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NameFilterTest {

    @Test
    void anAbsentOptionIncludesEveryName() {
        assertThat(NameFilter.parse("pools", null).matches("anything at all")).isTrue();
    }

    @Test
    void namesAndGlobsIncludeWhatTheyMatchOnly() {
        NameFilter filter = NameFilter.parse("pools", "orders-*, billing ,batch-?");
        assertThat(filter.matches("orders-1")).isTrue();
        assertThat(filter.matches("orders-")).isTrue();
        assertThat(filter.matches("billing")).isTrue();
        assertThat(filter.matches("batch-7")).isTrue();
        assertThat(filter.matches("batch-77")).isFalse();
        assertThat(filter.matches("billing-2")).isFalse();
        assertThat(filter.matches("Orders-1")).isFalse();
    }

    @Test
    void regexCharactersInANameAreLiteral() {
        NameFilter filter = NameFilter.parse("pools", "a.b(1)");
        assertThat(filter.matches("a.b(1)")).isTrue();
        assertThat(filter.matches("axb(1)")).isFalse();
    }

    @Test
    void anEmptyEntryIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> NameFilter.parse("executors", "orders,,billing"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("executors: expected comma-separated names or globs")
                .hasMessageContaining("'orders,,billing'");
        assertThatThrownBy(() -> NameFilter.parse("pools", " "))
                .hasMessageStartingWith("pools: ");
    }
}
