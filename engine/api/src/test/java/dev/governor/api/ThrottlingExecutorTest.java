package dev.governor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ThrottlingExecutorTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void runsNoMoreThanTheLimitAtOnceAndTheRestWaitWithoutBlockingTheCaller() throws Exception {
        ThrottlingExecutor throttle = new ThrottlingExecutor(pool, 2);
        Concurrency concurrency = new Concurrency();
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 8; i++) {
            throttle.execute(concurrency.task(release));
        }
        await(() -> concurrency.running.get() == 2);
        assertThat(throttle.inFlight()).isEqualTo(2);
        assertThat(throttle.waiting()).isEqualTo(6);
        Thread.sleep(50);
        assertThat(concurrency.running.get()).as("nothing else starts while 2 run").isEqualTo(2);

        release.countDown();
        await(() -> concurrency.finished.get() == 8);
        assertThat(concurrency.max.get()).isEqualTo(2);
        assertThat(throttle.inFlight()).isZero();
        assertThat(throttle.waiting()).isZero();
    }

    @Test
    void raisingTheLimitStartsWaitingTasksAtOnce() throws Exception {
        ThrottlingExecutor throttle = new ThrottlingExecutor(pool, 1);
        Concurrency concurrency = new Concurrency();
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 5; i++) {
            throttle.execute(concurrency.task(release));
        }
        await(() -> concurrency.running.get() == 1);

        assertThat(throttle.setLimit(4)).isEqualTo(1);
        await(() -> concurrency.running.get() == 4);
        assertThat(throttle.waiting()).isEqualTo(1);
        release.countDown();
        await(() -> concurrency.finished.get() == 5);
    }

    @Test
    void loweringTheLimitLetsRunningTasksFinishAndStartsNoMoreThanTheNewLimit() throws Exception {
        ThrottlingExecutor throttle = new ThrottlingExecutor(pool, 6);
        Concurrency first = new Concurrency();
        CountDownLatch releaseFirst = new CountDownLatch(1);
        for (int i = 0; i < 6; i++) {
            throttle.execute(first.task(releaseFirst));
        }
        await(() -> first.running.get() == 6);
        Concurrency later = new Concurrency();
        CountDownLatch releaseLater = new CountDownLatch(1);
        for (int i = 0; i < 6; i++) {
            throttle.execute(later.task(releaseLater));
        }

        assertThat(throttle.setLimit(2)).isEqualTo(6);
        assertThat(throttle.inFlight()).as("nothing is interrupted").isEqualTo(6);
        releaseFirst.countDown();
        await(() -> first.finished.get() == 6 && later.running.get() == 2);
        Thread.sleep(50);
        assertThat(later.running.get()).isEqualTo(2);
        releaseLater.countDown();
        await(() -> later.finished.get() == 6);
        assertThat(later.max.get()).isEqualTo(2);
    }

    @Test
    void waitingTasksStartInTheOrderTheyCame() throws Exception {
        ThrottlingExecutor throttle = new ThrottlingExecutor(pool, 1);
        List<Integer> order = new CopyOnWriteArrayList<>();
        CountDownLatch first = new CountDownLatch(1);
        throttle.execute(() -> await(first));
        for (int i = 0; i < 20; i++) {
            int n = i;
            throttle.execute(() -> order.add(n));
        }
        first.countDown();
        await(() -> order.size() == 20);
        assertThat(order).isSorted().hasSize(20);
    }

    @Test
    void aTaskThatThrowsGivesBackItsSlot() throws Exception {
        ThrottlingExecutor throttle = new ThrottlingExecutor(task -> {
            Thread thread = new Thread(task);
            thread.setUncaughtExceptionHandler((t, e) -> { });
            thread.start();
        }, 1);
        AtomicInteger ran = new AtomicInteger();
        throttle.execute(() -> {
            throw new IllegalStateException("boom");
        });
        throttle.execute(ran::incrementAndGet);
        await(() -> ran.get() == 1);
        assertThat(throttle.inFlight()).isZero();
    }

    @Test
    void tasksBeyondMaxWaitingAndTasksTheExecutorRefusesAreRejected() throws Exception {
        ThreadPoolExecutor single = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        try {
            ThrottlingExecutor throttle = new ThrottlingExecutor(single, 1, 1);
            CountDownLatch release = new CountDownLatch(1);
            throttle.execute(() -> await(release));
            throttle.execute(() -> { });
            assertThatThrownBy(() -> throttle.execute(() -> { }))
                    .isInstanceOf(RejectedExecutionException.class)
                    .hasMessage("the throttle is full: 1 task(s) wait (maxWaiting 1, limit 1, running 1)");

            single.shutdown();
            release.countDown();
            await(() -> throttle.inFlight() == 0);
            assertThat(throttle.rejected()).as("the waiting task, refused by the stopped executor").isEqualTo(1);
            assertThatThrownBy(() -> throttle.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
            assertThat(throttle.inFlight()).as("a refused submission gives its slot back").isZero();
        } finally {
            single.shutdownNow();
        }
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> new ThrottlingExecutor(pool, 0)).hasMessage("limit must be >= 1, was 0");
        ThrottlingExecutor throttle = new ThrottlingExecutor(pool, 3);
        assertThatThrownBy(() -> throttle.setLimit(-2)).hasMessage("limit must be >= 1, was -2");
        assertThat(throttle.limit()).isEqualTo(3);
        assertThatThrownBy(() -> new ThrottlingExecutor(pool, 1, -1)).hasMessage("maxWaiting must be >= 0, was -1");
    }

    /** Counts tasks running at once, and the most seen. */
    private static final class Concurrency {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();

        Runnable task(CountDownLatch release) {
            return () -> {
                max.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    await(release);
                } finally {
                    running.decrementAndGet();
                    finished.incrementAndGet();
                }
            };
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
