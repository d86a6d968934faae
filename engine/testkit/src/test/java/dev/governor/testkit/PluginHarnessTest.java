package dev.governor.testkit;

import static dev.governor.testkit.OutcomeAssert.assertApplied;
import static dev.governor.testkit.OutcomeAssert.assertFailed;
import static dev.governor.testkit.OutcomeAssert.assertSkipped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PluginHarnessTest {

    private static Action sample(String behave) {
        return PluginHarness.action("sample.do", "orders", Map.of("behave", behave));
    }

    @Test
    void findsThePluginThroughItsServicesFileAndRunsAnAction() {
        RecordingPluginContext context = RecordingPluginContext.forPlugin("sample").withSetting("greeting", "hello");
        try (PluginHarness harness = PluginHarness.load("sample")) {
            harness.start(context);
            context.pseudoClock().advance(Duration.ofMinutes(5));
            ActionOutcome outcome = harness.run(sample("apply"));
            assertApplied(outcome).messageContains("hello orders").isFor(sample("apply"))
                    .at(Instant.parse("2026-01-01T00:05:00Z"));
        }
        assertThat(context.unreadSettings()).isEmpty();
    }

    @Test
    void aSettingThePluginNeverReadsIsReported() {
        RecordingPluginContext context = RecordingPluginContext.forPlugin("sample").withSetting("greting", "hello");
        try (PluginHarness harness = PluginHarness.load("sample")) {
            harness.start(context);
        }
        assertThat(context.unreadSettings()).containsExactly("greting");
        assertThat(context.readSettings()).containsExactly("greeting");
    }

    @Test
    void aHandlerThatThrowsOrReturnsNothingGivesFailedAsGovernorWouldAuditIt() {
        try (PluginHarness harness = PluginHarness.load("sample")) {
            harness.start(RecordingPluginContext.forPlugin("sample"));
            assertFailed(harness.run(sample("throw"))).messageMatches("IllegalStateException: no such target orders");
            assertFailed(harness.run(sample("null"))).messageContains("returned no outcome");
            assertSkipped(harness.run(sample("skip"))).messageContains("nothing to do");
        }
    }

    @Test
    void aHandlerPastTheTimeoutIsFailedAndInterrupted() throws Exception {
        SamplePlugin.interrupted = new CountDownLatch(1);
        try (PluginHarness harness = PluginHarness.load("sample").timeout(Duration.ofMillis(200))) {
            harness.start(RecordingPluginContext.forPlugin("sample"));
            assertFailed(harness.run(sample("hang"))).messageContains("timed out after PT0.2S").messageContains("interrupted");
            assertThat(SamplePlugin.interrupted.await(5, TimeUnit.SECONDS)).as("the worker was interrupted").isTrue();
        }
    }

    @Test
    void anOutcomeForAnotherActionIsABug() {
        try (PluginHarness harness = PluginHarness.load("sample")) {
            harness.start(RecordingPluginContext.forPlugin("sample"));
            assertThatThrownBy(() -> harness.run(sample("other")))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("the outcome is for another action");
            assertThatThrownBy(() -> harness.run(PluginHarness.action("sample.undo", "orders", Map.of())))
                    .hasMessage("plugin 'sample' does not handle 'sample.undo'; it handles [sample.do]");
        }
    }

    @Test
    void aPluginMissingFromTheServicesFileIsNamedWithTheFix() {
        assertThatThrownBy(() -> PluginHarness.load("pager"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("no plugin named 'pager' is listed in META-INF/services/dev.governor.spi.ActionPlugin on the test"
                        + " classpath; found: sample (dev.governor.testkit.SamplePlugin). List the class that implements"
                        + " ActionPlugin in that file (src/main/resources)");
        try (URLClassLoader empty = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> PluginHarness.load("sample", empty)).hasMessageContaining("found: none");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void outcomeAssertionsShowTheWholeOutcomeWhenTheyFail() {
        ActionOutcome skipped = ActionOutcome.skipped(sample("skip"), "nothing to do", PseudoClock.START);
        assertThatThrownBy(() -> assertApplied(skipped))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected APPLIED, was SKIPPED \"nothing to do\" at 2026-01-01T00:00:00Z for sample.do on 'orders'");
        assertThatThrownBy(() -> assertSkipped(skipped).messageContains("lock"))
                .hasMessageStartingWith("expected the message to contain \"lock\", was SKIPPED");
        assertThatThrownBy(() -> assertSkipped(ActionOutcome.skipped(sample("skip"), "", PseudoClock.START)))
                .hasMessageStartingWith("expected a message saying why");
        assertThatThrownBy(() -> OutcomeAssert.assertOutcome(null)).hasMessageStartingWith("expected an outcome, got null");
    }

    @Test
    void aPseudoClockOnlyMovesForward() {
        PseudoClock clock = new PseudoClock();
        clock.advance(Duration.ofSeconds(90));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:01:30Z"));
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).hasMessageStartingWith("a pseudo clock only moves forward");
        assertThatThrownBy(() -> clock.set(PseudoClock.START)).hasMessageStartingWith("a pseudo clock only moves forward: it is 2026-01-01T00:01:30Z");
    }
}
