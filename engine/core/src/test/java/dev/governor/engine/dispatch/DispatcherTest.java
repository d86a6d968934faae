package dev.governor.engine.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.ActionOutcome.Status;
import dev.governor.engine.config.Mode;
import dev.governor.engine.rules.Decision;
import dev.governor.spi.ActionHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DispatcherTest {

    private final LinkedBlockingQueue<ActionOutcome> outcomes = new LinkedBlockingQueue<>();
    private final AtomicInteger calls = new AtomicInteger();

    private Dispatcher dispatcher(Mode mode, Duration timeout, Map<String, ActionHandler> handlers) {
        return new Dispatcher(handlers, type -> "No plugin handles action type '" + type + "'", mode, timeout, 2,
                Clock.systemUTC(), (decision, outcome, took) -> outcomes.add(outcome));
    }

    private ActionHandler counting(ActionHandler inner) {
        return action -> {
            calls.incrementAndGet();
            return inner.handle(action);
        };
    }

    private static Decision decision(String type) {
        return new Decision(1, new Action(type, "orders", "rule"), "rule", List.of(), Instant.now());
    }

    private ActionOutcome next() throws InterruptedException {
        ActionOutcome outcome = outcomes.poll(5, TimeUnit.SECONDS);
        assertThat(outcome).as("an outcome within 5s").isNotNull();
        return outcome;
    }

    @Test
    void appliesThroughTheHandlerOfTheType() throws Exception {
        try (Dispatcher d = dispatcher(Mode.ENFORCE, Duration.ofSeconds(5),
                Map.of("pool.resize", counting(a -> ActionOutcome.applied(a, "resized", Instant.now()))))) {
            d.dispatch(decision("pool.resize"));
            ActionOutcome outcome = next();
            assertThat(outcome.status()).isEqualTo(Status.APPLIED);
            assertThat(outcome.message()).isEqualTo("resized");
            assertThat(calls).hasValue(1);
        }
    }

    @Test
    void dryRunExecutesNothingAndSaysSo() throws Exception {
        try (Dispatcher d = dispatcher(Mode.DRY_RUN, Duration.ofSeconds(5),
                Map.of("pool.resize", counting(a -> ActionOutcome.applied(a, "resized", Instant.now()))))) {
            d.dispatch(decision("pool.resize"));
            ActionOutcome outcome = next();
            assertThat(outcome.status()).isEqualTo(Status.DRY_RUN);
            assertThat(outcome.message()).contains("dry-run").contains("pool.resize").contains("orders");
        }
        assertThat(calls).hasValue(0);
    }

    @Test
    void anUnknownTypeFailsWithTheFix() throws Exception {
        try (Dispatcher d = dispatcher(Mode.ENFORCE, Duration.ofSeconds(5), Map.of())) {
            d.dispatch(decision("pg.vacuum"));
            ActionOutcome outcome = next();
            assertThat(outcome.status()).isEqualTo(Status.FAILED);
            assertThat(outcome.message()).isEqualTo("No plugin handles action type 'pg.vacuum'");
        }
    }

    @Test
    void aThrowingHandlerBecomesAFailedOutcomeAndTheNextActionStillRuns() throws Exception {
        AtomicBoolean first = new AtomicBoolean(true);
        ActionHandler flaky = a -> {
            if (first.getAndSet(false)) {
                throw new IllegalStateException("connection refused");
            }
            return ActionOutcome.applied(a, "ok", Instant.now());
        };
        try (Dispatcher d = dispatcher(Mode.ENFORCE, Duration.ofSeconds(5), Map.of("pool.resize", flaky))) {
            d.dispatch(decision("pool.resize"));
            ActionOutcome failed = next();
            assertThat(failed.status()).isEqualTo(Status.FAILED);
            assertThat(failed.message()).isEqualTo("IllegalStateException: connection refused");
            d.dispatch(decision("pool.resize"));
            assertThat(next().status()).isEqualTo(Status.APPLIED);
        }
    }

    @Test
    void aHangingHandlerTimesOutAndIsInterrupted() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        ActionHandler hanging = a -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return ActionOutcome.applied(a, "late", Instant.now());
        };
        try (Dispatcher d = dispatcher(Mode.ENFORCE, Duration.ofMillis(200), Map.of("pool.resize", hanging))) {
            d.dispatch(decision("pool.resize"));
            ActionOutcome outcome = next();
            assertThat(outcome.status()).isEqualTo(Status.FAILED);
            assertThat(outcome.message()).startsWith("timed out after 200ms");
            assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(outcomes.poll(300, TimeUnit.MILLISECONDS)).as("exactly one outcome per action").isNull();
        }
    }

    @Test
    void aFinishedActionLeavesNoDeadlineBehind() throws Exception {
        try (Dispatcher d = dispatcher(Mode.ENFORCE, Duration.ofMinutes(10),
                Map.of("pool.resize", a -> ActionOutcome.applied(a, "ok", Instant.now())))) {
            for (int i = 0; i < 100; i++) {
                d.dispatch(decision("pool.resize"));
            }
            for (int i = 0; i < 100; i++) {
                next();
            }
            assertThat(d.pendingDeadlines()).isZero();
            assertThat(d.inFlight()).isZero();
        }
    }

    @Test
    void aHandlerReturningNothingFails() throws Exception {
        try (Dispatcher d = dispatcher(Mode.ENFORCE, Duration.ofSeconds(5), Map.of("pool.resize", a -> null))) {
            d.dispatch(decision("pool.resize"));
            assertThat(next().message()).endsWith("returned no outcome");
        }
    }

    @Test
    void closingReportsActionsStillRunningAsInterrupted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        ActionHandler ignoresInterrupts = a -> {
            started.countDown();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            return ActionOutcome.applied(a, "too late", Instant.now());
        };
        Dispatcher d = dispatcher(Mode.ENFORCE, Duration.ofMillis(1500), Map.of("pool.resize", ignoresInterrupts));
        d.dispatch(decision("pool.resize"));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(d.inFlight()).isEqualTo(1);
        long closing = System.nanoTime();
        d.close();
        assertThat(Duration.ofNanos(System.nanoTime() - closing)).as("close waits at most about the action timeout")
                .isLessThan(Duration.ofMillis(2900));
        ActionOutcome outcome = next();
        assertThat(outcome.status()).isEqualTo(Status.INTERRUPTED);
        assertThat(outcome.message()).startsWith("interrupted: Governor stopped");
        assertThat(outcomes).as("exactly one outcome").isEmpty();
    }

    @Test
    void closingLetsAnActionInFlightFinishAndTakesNoNewOne() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        ActionHandler slow = a -> {
            started.countDown();
            Thread.sleep(300);
            return ActionOutcome.applied(a, "finished", Instant.now());
        };
        Dispatcher d = dispatcher(Mode.ENFORCE, Duration.ofSeconds(5), Map.of("pool.resize", slow));
        d.dispatch(decision("pool.resize"));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        d.close();
        ActionOutcome outcome = next();
        assertThat(outcome.status()).isEqualTo(Status.APPLIED);
        assertThat(outcome.message()).isEqualTo("finished");
        d.dispatch(decision("pool.resize"));
        ActionOutcome refused = next();
        assertThat(refused.status()).isEqualTo(Status.FAILED);
        assertThat(refused.message()).isEqualTo("not attempted: Governor is stopping");
    }
}
