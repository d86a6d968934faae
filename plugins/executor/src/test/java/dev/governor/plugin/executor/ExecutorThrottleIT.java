package dev.governor.plugin.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.Registry;
import dev.governor.api.ThrottlingExecutor;
import dev.governor.spi.ActionHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real executor is throttled: measured concurrency drops to the limit. Eight threads run a stream of
 * 5 ms tasks over an unbounded queue; after {@code executor.throttle} to 2, no more than 2 run at once.
 */
class ExecutorThrottleIT {

    private static final int TASKS = 5_000;
    private final List<Runnable> cleanUp = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        cleanUp.forEach(Runnable::run);
    }

    @Test
    void throughAThrottlingExecutorConcurrencyDropsToTheLimit() throws Exception {
        ThreadPoolExecutor pool = pool("throttle-front");
        ThrottlingExecutor throttle = new ThrottlingExecutor(pool, 8);
        Registry.global().register(ThrottlingExecutor.class, "throttle-front", throttle);
        cleanUp.add(() -> Registry.global().unregister(ThrottlingExecutor.class, "throttle-front"));
        ActionHandler handler = new ExecutorPlugin().create(new TestContext(Map.of()));

        Load load = new Load(throttle);
        await("8 tasks at once", () -> load.max.get() == 8);

        long start = System.nanoTime();
        ActionOutcome outcome = handler.handle(new Action("executor.throttle", "throttle-front", Map.of("limit", 2), "test"));
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.APPLIED);
        assertThat(outcome.message()).startsWith("throttle-front: limit 8 -> 2 (in flight ");
        await("at most 2 in flight", () -> throttle.inFlight() <= 2);
        long drainedMillis = (System.nanoTime() - start) / 1_000_000;

        int measured = load.measure();
        assertThat(measured).isEqualTo(2);
        assertThat(pool.getQueue()).as("tasks over the limit wait in the throttle, not in the pool's queue").hasSizeLessThanOrEqualTo(2);
        assertThat(throttle.waiting()).isPositive();

        handler.handle(new Action("executor.throttle", "throttle-front", Map.of("limit", 8), "test"));
        assertThat(load.measure()).as("lifting the throttle").isEqualTo(8);
        load.stop();
        System.out.printf("executor.throttle figures (ThrottlingExecutor): 8 -> 2, in flight at most 2 after %d ms; "
                + "measured max concurrency %d%n", drainedMillis, measured);
    }

    @Test
    void throughTheThreadPoolsSizesConcurrencyDropsToTheLimit() throws Exception {
        ThreadPoolExecutor pool = pool("throttle-sizes");
        Registry.global().register(ThreadPoolExecutor.class, "throttle-sizes", pool);
        cleanUp.add(() -> Registry.global().unregister(ThreadPoolExecutor.class, "throttle-sizes"));
        ActionHandler handler = new ExecutorPlugin().create(new TestContext(Map.of()));

        Load load = new Load(pool);
        await("8 tasks at once", () -> load.max.get() == 8);

        long start = System.nanoTime();
        ActionOutcome outcome = handler.handle(new Action("executor.throttle", "throttle-sizes", Map.of("limit", 2), "test"));
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.APPLIED);
        assertThat(outcome.message()).startsWith("throttle-sizes: limit 8 -> 2, core 8 -> 2, max 8 -> 2 (threads ");
        await("at most 2 threads", () -> pool.getPoolSize() <= 2);
        long drainedMillis = (System.nanoTime() - start) / 1_000_000;

        int measured = load.measure();
        assertThat(measured).isEqualTo(2);

        handler.handle(new Action("executor.throttle", "throttle-sizes", Map.of("limit", 8), "test"));
        assertThat(pool.getCorePoolSize()).isEqualTo(8);
        assertThat(load.measure()).as("lifting the throttle gives the pool its 8 threads back").isEqualTo(8);
        load.stop();
        System.out.printf("executor.throttle figures (by sizes): 8 -> 2, at most 2 threads after %d ms; measured max "
                + "concurrency %d%n", drainedMillis, measured);
    }

    private ThreadPoolExecutor pool(String name) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(8, 8, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> new Thread(task, name + "-" + n.incrementAndGet()));
        cleanUp.add(pool::shutdownNow);
        return pool;
    }

    /** A stream of 5 ms tasks that count how many run at once. */
    private final class Load {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();
        final AtomicBoolean stopped = new AtomicBoolean();

        Load(Executor executor) {
            cleanUp.add(0, this::stop);
            for (int i = 0; i < TASKS; i++) {
                executor.execute(() -> {
                    if (stopped.get()) {
                        return;
                    }
                    max.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        running.decrementAndGet();
                    }
                });
            }
        }

        /** The most tasks seen running at once over the next 300 ms. */
        int measure() throws InterruptedException {
            max.set(0);
            Thread.sleep(300);
            return max.get();
        }

        void stop() {
            stopped.set(true);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 10 s waiting for " + what);
            }
            Thread.sleep(2);
        }
    }
}
