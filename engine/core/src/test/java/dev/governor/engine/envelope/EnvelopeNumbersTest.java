package dev.governor.engine.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.engine.envelope.Verdict.Cause;
import dev.governor.engine.envelope.Verdict.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bounds, steps, tolerance, stabilization and the cooldowns of increases and decreases, on a pseudo clock. */
class EnvelopeNumbersTest {

    @TempDir
    Path dir;

    private EnvelopeFixture fixture(String poolResize) {
        EnvelopeFixture fixture = new EnvelopeFixture(dir);
        fixture.open("  actions:\n    pool.resize:\n" + poolResize.indent(6));
        return fixture;
    }

    @Test
    void aRequestOutsideTheBoundsIsClampedToTheBoundAndTheVerdictSaysSo() {
        EnvelopeFixture f = fixture("""
                params: { max: { min: 2, max: 40 } }
                cooldown: 0s
                stabilization: { down: 0s }
                """);
        Verdict up = f.resize("orders", 60, 30);
        assertThat(up.kind()).isEqualTo(Kind.CLAMPED);
        assertThat(up.message()).isEqualTo("clamped max from 60 to 40 (max 40)");
        assertThat(up.action().params()).containsEntry("max", 40);

        Verdict down = f.resize("orders", 1, 3);
        assertThat(down.kind()).isEqualTo(Kind.CLAMPED);
        assertThat(down.message()).isEqualTo("clamped max from 1 to 2 (min 2)");
    }

    @Test
    void aStepLargerThanMaxStepIsClampedFromTheCurrentValue() {
        EnvelopeFixture f = fixture("""
                params: { max: { min: 2, max: 100, maxStepUp: 4, maxStepDown: 50% } }
                cooldown: 0s
                stabilization: { down: 0s }
                tolerance: 0
                """);
        Verdict up = f.resize("orders", 60, 40);
        assertThat(up.kind()).isEqualTo(Kind.CLAMPED);
        assertThat(up.message()).isEqualTo("clamped max from 60 to 44 (maxStepUp 4 from 40)");
        assertThat(up.action().params().get("max")).isEqualTo(44).isInstanceOf(Integer.class);

        Verdict down = f.resize("orders", 5, 40);
        assertThat(down.message()).isEqualTo("clamped max from 5 to 20 (maxStepDown 50% from 40)");

        Verdict within = f.resize("orders", 43, 40);
        assertThat(within.kind()).isEqualTo(Kind.ADMITTED);
        assertThat(within.action().params()).containsEntry("max", 43);
    }

    @Test
    void boundsWinOverStepsWhenTheCurrentValueIsOutsideThem() {
        EnvelopeFixture f = fixture("""
                params: { max: { min: 2, max: 40, maxStepDown: 2 } }
                cooldown: 0s
                stabilization: { down: 0s }
                """);
        Verdict verdict = f.resize("orders", 50, 60);
        assertThat(verdict.kind()).isEqualTo(Kind.CLAMPED);
        assertThat(verdict.action().params()).containsEntry("max", 40);
        assertThat(verdict.message()).contains("max 40 wins over steps");
    }

    @Test
    void aChangeUnderTheToleranceIsSuppressedAndNoChangeIsToo() {
        EnvelopeFixture f = fixture("""
                params: { max: { min: 2, max: 100, maxStepUp: 50 } }
                cooldown: 0s
                tolerance: 10%
                """);
        Verdict small = f.resize("orders", 42, 40);
        assertThat(small.kind()).isEqualTo(Kind.SUPPRESSED);
        assertThat(small.cause()).isEqualTo(Cause.TOLERANCE);
        assertThat(small.message()).isEqualTo("suppressed by tolerance (envelope.actions.pool.resize.tolerance): "
                + "max from 40 to 42 is a change under 10%");

        assertThat(f.resize("orders", 44, 40).kind()).as("10% is not under 10%").isEqualTo(Kind.ADMITTED);

        Verdict same = f.resize("orders", 40, 40);
        assertThat(same.cause()).isEqualTo(Cause.TOLERANCE);
        assertThat(same.message()).isEqualTo("suppressed: no change: max is already 40");
    }

    @Test
    void increasesAndDecreasesHaveCooldownsOfTheirOwn() {
        EnvelopeFixture f = fixture("""
                params: { max: { min: 2, max: 100, maxStepUp: 50, maxStepDown: 50 } }
                cooldown: { up: 1m, down: 5m }
                stabilization: { down: 0s }
                tolerance: 0
                """);
        assertThat(f.resize("orders", 12, 10).kind()).isEqualTo(Kind.ADMITTED);

        f.clock.advance(Duration.ofSeconds(30));
        Verdict again = f.resize("orders", 14, 12);
        assertThat(again.cause()).isEqualTo(Cause.COOLDOWN);
        assertThat(again.message()).isEqualTo("suppressed by cooldown until 2026-12-01T06:01:00Z (last pool.resize increase"
                + " on 'orders' at 2026-12-01T06:00:00Z; cooldown.up 1m)");
        assertThat(f.resize("orders", 10, 12).kind()).as("a decrease has a cooldown of its own").isEqualTo(Kind.ADMITTED);
        assertThat(f.resize("billing", 14, 12).kind()).as("another target has its own").isEqualTo(Kind.ADMITTED);

        f.clock.advance(Duration.ofSeconds(31));
        assertThat(f.resize("orders", 12, 10).kind()).as("1m after the increase").isEqualTo(Kind.ADMITTED);
        Verdict down = f.resize("orders", 10, 12);
        assertThat(down.cause()).isEqualTo(Cause.COOLDOWN);
        assertThat(down.message()).startsWith("suppressed by cooldown until 2026-12-01T06:05:30Z").contains("cooldown.down 5m");

        f.clock.advance(Duration.ofMinutes(5));
        assertThat(f.resize("orders", 10, 12).kind()).isEqualTo(Kind.ADMITTED);
    }

    @Test
    void stabilizationActsOnTheLargestRecommendationInTheWindowThenAdmitsTheDecrease() {
        EnvelopeFixture f = fixture("""
                params: { max: { min: 2, max: 100, maxStepUp: 50, maxStepDown: 50 } }
                cooldown: 0s
                stabilization: { down: 5m }
                tolerance: 0
                """);
        // One low sample after a steady 12 does not shrink the pool: 12 is in the window.
        Verdict first = f.resize("orders", 8, 12);
        assertThat(first.kind()).isEqualTo(Kind.SUPPRESSED);
        assertThat(first.cause()).isEqualTo(Cause.STABILIZATION);
        assertThat(first.message()).isEqualTo("suppressed by stabilization: decrease of max to 8 held at 12, "
                + "the largest recommendation in the last 5m");

        f.clock.advance(Duration.ofMinutes(1));
        assertThat(f.resize("orders", 10, 12).cause()).isEqualTo(Cause.STABILIZATION);

        // Once 12 has left the window, the decrease goes to the largest recommendation still in it: 10, not 9.
        f.clock.advance(Duration.ofMinutes(4).plusSeconds(1));
        Verdict partly = f.resize("orders", 9, 12);
        assertThat(partly.kind()).isEqualTo(Kind.CLAMPED);
        assertThat(partly.message()).isEqualTo("clamped max from 9 to 10 (stabilization: the largest recommendation in the last 5m is 10)");

        f.clock.advance(Duration.ofMinutes(1));
        assertThat(f.resize("orders", 9, 10).kind()).as("only 9s left in the window").isEqualTo(Kind.ADMITTED);

        // An increase goes at once, and a decrease right after it is held at its level.
        assertThat(f.resize("orders", 14, 9).kind()).isEqualTo(Kind.ADMITTED);
        assertThat(f.resize("orders", 9, 14).cause()).isEqualTo(Cause.STABILIZATION);
    }

    @Test
    void withoutACurrentValueOnlyTheBoundsApplyBothCooldownsStartAndTheVerdictSaysSo() {
        EnvelopeFixture f = fixture("""
                params: { max: { min: 2, max: 40, maxStepUp: 4 } }
                cooldown: { up: 1m, down: 5m }
                stabilization: { down: 0s }
                """);
        Verdict verdict = f.act("pool.resize", "orders", Map.of("max", 60), Map.of());
        assertThat(verdict.kind()).isEqualTo(Kind.CLAMPED);
        assertThat(verdict.message()).isEqualTo("clamped max from 60 to 40 (max 40); current max unknown (the plugin reports"
                + " none): bounds applied; steps, tolerance and stabilization not, and both cooldowns apply");

        f.clock.advance(Duration.ofMinutes(2));
        Verdict down = f.resize("orders", 30, 40);
        assertThat(down.cause()).as("the unknown direction started the decrease cooldown too").isEqualTo(Cause.COOLDOWN);
        assertThat(f.resize("orders", 42, 40).cause()).as("42 is above the bound: no change").isEqualTo(Cause.TOLERANCE);
    }

    @Test
    void aParameterThatIsNotANumberIsDenied() {
        EnvelopeFixture f = fixture("params: { max: { min: 2, max: 40 } }\n");
        Verdict verdict = f.act("pool.resize", "orders", Map.of("max", "lots"), Map.of("max", 10));
        assertThat(verdict.kind()).isEqualTo(Kind.DENIED);
        assertThat(verdict.message()).isEqualTo("denied: param max is 'lots', expected a number");
    }

    @Test
    void aTargetOverrideNarrowsTheBoundsOfOneTarget() {
        EnvelopeFixture f = fixture("""
                params: { max: { min: 2, max: 40, maxStepUp: 100 } }
                cooldown: 0s
                targets:
                  orders: { params: { max: { max: 20 } } }
                """);
        assertThat(f.resize("orders", 30, 10).message()).isEqualTo("clamped max from 30 to 20 (max 20)");
        assertThat(f.resize("billing", 30, 10).kind()).isEqualTo(Kind.ADMITTED);
    }
}
