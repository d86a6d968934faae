package dev.governor.engine.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.engine.envelope.Verdict.Cause;
import dev.governor.engine.envelope.Verdict.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rate budget per type, the global circuit breaker and duplicates in flight, on a pseudo clock. */
class EnvelopeLimitsTest {

    @TempDir
    Path dir;

    @Test
    void eachTypeHasARateBudgetOverAllItsTargets() {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("""
                  actions:
                    echo.write: { cooldown: 0s, rate: { max: 3, per: 1h } }
                """);
        for (String target : new String[] {"a", "b", "c"}) {
            assertThat(f.act("echo.write", target).kind()).isEqualTo(Kind.ADMITTED);
            f.clock.advance(Duration.ofMinutes(1));
        }
        Verdict spent = f.act("echo.write", "d");
        assertThat(spent.cause()).isEqualTo(Cause.RATE);
        assertThat(spent.message()).isEqualTo("suppressed by rate budget: 3 echo.write action(s) in the last 1h "
                + "(envelope.actions.echo.write.rate.max 3); the next fits at 2026-12-01T07:00:00Z");
        assertThat(f.act("other.write", "d").kind()).as("another type has its own budget").isEqualTo(Kind.ADMITTED);

        f.clock.advance(Duration.ofMinutes(57));
        assertThat(f.act("echo.write", "d").kind()).as("the first start left the window").isEqualTo(Kind.ADMITTED);
        assertThat(f.act("echo.write", "e").cause()).isEqualTo(Cause.RATE);
    }

    @Test
    void theBreakerOpensAfterMaxActionsFallsBackToANotificationAndClosesAfterTheWindow() {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("""
                  breaker: { maxActions: 3, maxFailures: 2, window: 10m }
                  actions:
                    echo.write: { cooldown: 0s }
                """);
        assertThat(f.act("echo.write", "t1").kind()).isEqualTo(Kind.ADMITTED);
        assertThat(f.act("echo.write", "t2").kind()).isEqualTo(Kind.ADMITTED);
        Verdict third = f.act("echo.write", "t3");
        assertThat(third.kind()).as("the third still runs").isEqualTo(Kind.ADMITTED);
        assertThat(third.message()).isEqualTo("admitted; the circuit breaker opens with it (3 action(s) in 10m, "
                + "breaker.maxActions 3): notify-only until 2026-12-01T06:10:00Z");

        f.clock.advance(Duration.ofMinutes(1));
        Verdict held = f.act("echo.write", "t4", Map.of("lines", 2), Map.of());
        assertThat(held.cause()).isEqualTo(Cause.BREAKER);
        assertThat(held.message()).isEqualTo("suppressed by the circuit breaker open until 2026-12-01T06:10:00Z "
                + "(3 action(s) in 10m, breaker.maxActions 3): notify-only; notify.log says what would have been done");
        Action notification = held.fallback();
        assertThat(notification.type()).isEqualTo("notify.log");
        assertThat(notification.target()).isEqualTo("echo.write t4");
        assertThat(notification.reason()).isEqualTo("test rule");
        assertThat(notification.params().get("message").toString())
                .endsWith("would have run echo.write on 't4' with {lines=2}");
        assertThat(f.act(notification.type(), notification.target(), notification.params(), Map.of()).kind())
                .as("notifications are never held back by the breaker").isEqualTo(Kind.ADMITTED);
        assertThat(f.envelope.breakerOpen()).hasValueSatisfying(s -> assertThat(s).startsWith("open until 2026-12-01T06:10:00Z"));

        f.clock.advance(Duration.ofMinutes(9));
        assertThat(f.envelope.breakerOpen()).as("closed once the window has passed since it opened").isEmpty();
        assertThat(f.act("echo.write", "t4").kind()).isEqualTo(Kind.ADMITTED);
    }

    @Test
    void theBreakerOpensAfterMaxFailuresInTheWindowNotCountingNotifications() {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("""
                  breaker: { maxActions: 100, maxFailures: 2, window: 10m }
                  actions:
                    echo.write: { cooldown: 0s }
                    notify.log: { cooldown: 0s }
                """);
        fail(f, "notify.log", "n1");
        fail(f, "notify.log", "n2");
        assertThat(f.envelope.breakerOpen()).as("notifications do not count").isEmpty();

        fail(f, "echo.write", "a");
        f.clock.advance(Duration.ofMinutes(11));
        fail(f, "echo.write", "b");
        assertThat(f.envelope.breakerOpen()).as("the first failure left the window").isEmpty();
        f.clock.advance(Duration.ofMinutes(1));
        fail(f, "echo.write", "c");
        assertThat(f.envelope.breakerOpen()).hasValueSatisfying(s -> assertThat(s)
                .isEqualTo("open until 2026-12-01T06:22:00Z: 2 failed action(s) in 10m, breaker.maxFailures 2"));
        assertThat(f.act("echo.write", "d").cause()).isEqualTo(Cause.BREAKER);
    }

    private static void fail(EnvelopeFixture f, String type, String target) {
        Envelope.Ticket ticket = f.envelope.admit(new Action(type, target, "test rule"));
        assertThat(f.envelope.judge(ticket, Map.of(), null).runs()).isTrue();
        f.envelope.finished(ticket, ActionOutcome.failed(ticket.action(), "boom", f.clock.instant()));
    }

    @Test
    void theSameActionOnTheSameTargetIsNotStartedAgainWhileInFlight() {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("""
                  actions:
                    echo.write: { cooldown: 0s }
                """);
        Envelope.Ticket running = f.start("echo.write", "orders", Map.of());
        f.clock.advance(Duration.ofSeconds(5));
        Verdict again = f.act("echo.write", "orders");
        assertThat(again.cause()).isEqualTo(Cause.IN_FLIGHT);
        assertThat(again.message()).isEqualTo("suppressed: echo.write on 'orders' already in flight since 2026-12-01T06:00:00Z");
        assertThat(f.act("echo.write", "billing").kind()).as("another target").isEqualTo(Kind.ADMITTED);
        assertThat(f.act("other.write", "orders").kind()).as("another type").isEqualTo(Kind.ADMITTED);

        f.envelope.finished(running, ActionOutcome.applied(running.action(), "done", f.clock.instant()));
        assertThat(f.act("echo.write", "orders").kind()).isEqualTo(Kind.ADMITTED);
    }
}
