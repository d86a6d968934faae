package dev.governor.engine.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.ActionOutcome.Status;
import dev.governor.engine.config.Mode;
import dev.governor.engine.dispatch.Dispatcher;
import dev.governor.engine.envelope.Verdict.Cause;
import dev.governor.engine.envelope.Verdict.Kind;
import dev.governor.engine.rules.Decision;
import dev.governor.spi.ActionHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The envelope in front of the real dispatcher: one verdict and one outcome per decision, timeouts kept. */
class EnvelopeGateTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);

    record Reported(Decision decision, Verdict verdict, ActionOutcome outcome, long atNanos) {
    }

    @TempDir
    Path dir;

    private final LinkedBlockingQueue<Reported> reported = new LinkedBlockingQueue<>();
    private final AtomicLong ids = new AtomicLong();
    private final List<Action> handled = new CopyOnWriteArrayList<>();
    private EnvelopeGate gate;
    private EnvelopeFixture fixture;

    @AfterEach
    void close() {
        if (gate != null) {
            gate.close();
        }
    }

    private EnvelopeGate gate(String yaml, Map<String, ActionHandler> handlers) {
        fixture = new EnvelopeFixture(dir);
        Envelope envelope = fixture.open(yaml);
        gate = new EnvelopeGate(envelope, handlers,
                listener -> new Dispatcher(handlers, type -> "No plugin handles action type '" + type + "'", Mode.ENFORCE,
                        TIMEOUT, 2, fixture.clock, listener),
                (decision, verdict, outcome, took) -> reported.add(new Reported(decision, verdict, outcome, System.nanoTime())));
        return gate;
    }

    private Decision decision(String type, String target, Map<String, Object> params) {
        return new Decision(ids.incrementAndGet(), new Action(type, target, params, "rule"), "rule", List.of(), Instant.EPOCH);
    }

    private Reported next() throws InterruptedException {
        Reported next = reported.poll(5, TimeUnit.SECONDS);
        assertThat(next).as("an outcome within 5s").isNotNull();
        return next;
    }

    private ActionHandler recording() {
        return action -> {
            handled.add(action);
            return ActionOutcome.applied(action, "done", Instant.EPOCH);
        };
    }

    @Test
    void aThrowingPluginAndAHangingOneAreFailedWithinTheTimeoutAndHoldUpNoOtherAction() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        ActionHandler hangs = action -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return ActionOutcome.applied(action, "late", Instant.EPOCH);
        };
        ActionHandler throwsUp = action -> {
            throw new IllegalStateException("connection refused");
        };
        gate("  breaker: { maxFailures: 100 }\n", Map.of("slow.hang", hangs, "boom.throw", throwsUp, "echo.write", recording()));

        long start = System.nanoTime();
        gate.dispatchAll(List.of(decision("slow.hang", "a", Map.of()), decision("boom.throw", "b", Map.of()),
                decision("echo.write", "c", Map.of()), decision("echo.write", "d", Map.of()), decision("echo.write", "e", Map.of())));
        Map<String, Reported> byType = new java.util.HashMap<>();
        List<Reported> order = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Reported r = next();
            order.add(r);
            byType.put(r.decision().action().type() + " " + r.decision().action().target(), r);
        }
        Reported hung = byType.get("slow.hang a");
        assertThat(hung.outcome().status()).isEqualTo(Status.FAILED);
        assertThat(hung.outcome().message()).startsWith("timed out after 300ms");
        assertThat(Duration.ofNanos(hung.atNanos() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the hanging plugin was interrupted").isTrue();
        Reported threw = byType.get("boom.throw b");
        assertThat(threw.outcome().status()).isEqualTo(Status.FAILED);
        assertThat(threw.outcome().message()).isEqualTo("IllegalStateException: connection refused");
        assertThat(threw.verdict().kind()).isEqualTo(Kind.ADMITTED);
        // With one worker stuck, the other carried the rest, each before the hanging one timed out.
        assertThat(order.get(order.size() - 1)).isSameAs(hung);
        assertThat(handled).extracting(Action::target).containsExactlyInAnyOrder("c", "d", "e");
        assertThat(reported.poll(200, TimeUnit.MILLISECONDS)).as("exactly one outcome per decision").isNull();
    }

    @Test
    void aPluginHangingWhileReadingCurrentValuesIsFailedWithinTheTimeoutAndReleasesItsTarget() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        ActionHandler hangsInCurrent = new ActionHandler() {
            @Override
            public ActionOutcome handle(Action action) {
                handled.add(action);
                return ActionOutcome.applied(action, "resized", Instant.EPOCH);
            }

            @Override
            public Map<String, Number> current(String target) throws Exception {
                if (target.equals("stuck")) {
                    reading.countDown();
                    Thread.sleep(60_000);
                }
                return Map.of("max", 10);
            }
        };
        gate("""
                  actions:
                    pool.resize: { params: { max: { min: 2, max: 40 } }, cooldown: 0s }
                """, Map.of("pool.resize", hangsInCurrent, "echo.write", recording()));
        gate.dispatch(decision("pool.resize", "stuck", Map.of("max", 12)));
        assertThat(reading.await(5, TimeUnit.SECONDS)).isTrue();
        gate.dispatch(decision("pool.resize", "stuck", Map.of("max", 12)));
        Reported duplicate = next();
        assertThat(duplicate.verdict().cause()).isEqualTo(Cause.IN_FLIGHT);
        gate.dispatch(decision("echo.write", "other", Map.of()));
        assertThat(next().outcome().status()).as("not held up").isEqualTo(Status.APPLIED);

        Reported hung = next();
        assertThat(hung.outcome().status()).isEqualTo(Status.FAILED);
        assertThat(hung.outcome().message()).startsWith("timed out after 300ms");
        assertThat(hung.verdict().message()).contains("did not report current values");

        gate.dispatch(decision("pool.resize", "fine", Map.of("max", 12)));
        Reported fine = next();
        assertThat(fine.verdict().kind()).isEqualTo(Kind.ADMITTED);
        assertThat(fine.outcome().status()).isEqualTo(Status.APPLIED);
        assertThat(handled).extracting(Action::target).containsExactly("other", "fine");
    }

    @Test
    void aClampedActionReachesThePluginClampedAndTheOthersNeverReachIt() throws Exception {
        ActionHandler pool = new ActionHandler() {
            @Override
            public ActionOutcome handle(Action action) {
                handled.add(action);
                return ActionOutcome.applied(action, "max -> " + action.params().get("max"), Instant.EPOCH);
            }

            @Override
            public Map<String, Number> current(String target) {
                return Map.of("max", 40);
            }
        };
        gate("""
                  actions:
                    pool.resize: { params: { max: { min: 2, max: 100, maxStepUp: 4 } } }
                    echo.write: { deny: ["secret*"], targets: { "shadow": { dryRun: true } } }
                """, Map.of("pool.resize", pool, "echo.write", recording()));

        gate.dispatch(decision("pool.resize", "orders", Map.of("max", 60)));
        Reported clamped = next();
        assertThat(clamped.verdict().kind()).isEqualTo(Kind.CLAMPED);
        assertThat(clamped.verdict().message()).isEqualTo("clamped max from 60 to 44 (maxStepUp 4 from 40)");
        assertThat(clamped.outcome().action().params()).containsEntry("max", 44);
        assertThat(clamped.outcome().message()).isEqualTo("max -> 44");
        assertThat(clamped.decision().action().params()).as("the decision keeps what the rule asked").containsEntry("max", 60);

        gate.dispatch(decision("echo.write", "secret-1", Map.of()));
        Reported denied = next();
        assertThat(denied.outcome().status()).isEqualTo(Status.SKIPPED);
        assertThat(denied.outcome().message()).isEqualTo(denied.verdict().message()).startsWith("denied: ");
        gate.dispatch(decision("echo.write", "shadow", Map.of()));
        Reported dry = next();
        assertThat(dry.outcome().status()).isEqualTo(Status.DRY_RUN);
        gate.dispatch(decision("pool.resize", "orders", Map.of("max", 60)));
        assertThat(next().verdict().cause()).isEqualTo(Cause.COOLDOWN);
        gate.dispatch(decision("no.plugin", "x", Map.of()));
        Reported unhandled = next();
        assertThat(unhandled.outcome().status()).isEqualTo(Status.FAILED);
        assertThat(unhandled.outcome().message()).isEqualTo("No plugin handles action type 'no.plugin'");

        assertThat(handled).extracting(Action::type).containsExactly("pool.resize");
    }

    @Test
    void aHeldBackActionIsSkippedAndItsNotificationIsDispatchedAsADecisionOfItsOwn() throws Exception {
        List<Action> notified = new CopyOnWriteArrayList<>();
        ActionHandler notify = action -> {
            notified.add(action);
            return ActionOutcome.applied(action, "logged", Instant.EPOCH);
        };
        gate("""
                  breaker: { maxActions: 1 }
                  actions:
                    echo.write: { cooldown: 0s }
                """, Map.of("echo.write", recording(), "notify.log", notify));
        gate.dispatch(decision("echo.write", "a", Map.of()));
        assertThat(next().outcome().status()).isEqualTo(Status.APPLIED);

        Decision held = decision("echo.write", "b", Map.of("n", 1));
        gate.dispatch(held);
        Reported skipped = next();
        assertThat(skipped.decision()).isSameAs(held);
        assertThat(skipped.outcome().status()).isEqualTo(Status.SKIPPED);
        assertThat(skipped.verdict().cause()).isEqualTo(Cause.BREAKER);
        Reported notification = next();
        assertThat(notification.decision().id()).as("the same decision").isEqualTo(held.id());
        assertThat(notification.decision().action().type()).isEqualTo("notify.log");
        assertThat(notification.verdict().kind()).isEqualTo(Kind.ADMITTED);
        assertThat(notification.outcome().status()).isEqualTo(Status.APPLIED);
        assertThat(notified).singleElement().satisfies(a ->
                assertThat(a.params().get("message").toString()).contains("would have run echo.write on 'b' with {n=1}"));
    }

    @Test
    void actionsInterruptedByShutdownDoNotCountAgainstTheBreaker() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        ActionHandler ignoresInterrupts = action -> {
            started.countDown();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < until) {
                Thread.interrupted();
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
            }
            return ActionOutcome.applied(action, "too late", Instant.EPOCH);
        };
        gate("  breaker: { maxFailures: 1 }\n", Map.of("echo.write", ignoresInterrupts));
        gate.dispatch(decision("echo.write", "a", Map.of()));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        gate.close();
        assertThat(next().outcome().status()).isEqualTo(Status.INTERRUPTED);
        Envelope reopened = fixture.restart();
        assertThat(reopened.breakerOpen()).isEmpty();
        gate = null;
    }
}
