package dev.governor.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.ExecutorSample;
import dev.governor.api.Registry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExecutorSamplerTest {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String prefix = "executor-test-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    private final List<String> registered = new ArrayList<>();
    private final List<ThreadPoolExecutor> executors = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        registered.forEach(name -> Registry.global().unregister(ThreadPoolExecutor.class, name));
        executors.forEach(ThreadPoolExecutor::shutdownNow);
    }

    private <T extends ThreadPoolExecutor> T register(String suffix, T executor) {
        String name = prefix + "-" + suffix;
        Registry.global().register(ThreadPoolExecutor.class, name, executor);
        registered.add(name);
        executors.add(executor);
        return executor;
    }

    private Sampler sampler() throws Exception {
        return ExecutorSampler.factory(Clock.systemUTC()).create(Map.of("executors", prefix + "-*"));
    }

    private static ExecutorSample only(List<?> samples) {
        assertThat(samples).hasSize(1);
        return (ExecutorSample) samples.get(0);
    }

    @Test
    void aSaturatedExecutorShowsItsQueueAndRejectionsThenWhatItCompleted() throws Exception {
        ThreadPoolExecutor executor = register("saturated", new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(5), new ThreadPoolExecutor.AbortPolicy()));
        Sampler sampler = sampler();
        ExecutorSample first = only(sampler.sample());
        assertThat(first.queueCapacity()).isEqualTo(5);
        assertThat(first.rejected()).isZero();

        CountDownLatch running = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 7; i++) {
            executor.execute(() -> {
                running.countDown();
                await(release);
            });
        }
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        int rejected = 0;
        for (int i = 0; i < 3; i++) {
            try {
                executor.execute(() -> { });
            } catch (RejectedExecutionException e) {
                rejected++;
            }
        }
        assertThat(rejected).as("AbortPolicy still throws after wrapping").isEqualTo(3);

        ExecutorSample saturated = only(sampler.sample());
        assertThat(saturated.executor()).isEqualTo(prefix + "-saturated");
        assertThat(saturated.core()).isEqualTo(2);
        assertThat(saturated.max()).isEqualTo(2);
        assertThat(saturated.threads()).isEqualTo(2);
        assertThat(saturated.active()).isEqualTo(2);
        assertThat(saturated.queued()).isEqualTo(5);
        assertThat(saturated.queueCapacity()).isEqualTo(5);
        assertThat(saturated.queueUtilization()).isEqualTo(1.0);
        assertThat(saturated.rejected()).isEqualTo(3);
        assertThat(saturated.completed()).isZero();

        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (executor.getCompletedTaskCount() < 7 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        ExecutorSample drained = only(sampler.sample());
        assertThat(drained.completed()).isEqualTo(7);
        assertThat(drained.queued()).isZero();
        assertThat(drained.rejected()).as("rejections since the previous sample").isZero();

        ExecutorSample quiet = only(sampler.sample());
        assertThat(quiet.completed()).isZero();
    }

    @Test
    void rejectionsBeforeTheFirstSampleAreNotCounted() throws Exception {
        ThreadPoolExecutor executor = register("unseen", new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new SynchronousQueue<>(), new ThreadPoolExecutor.DiscardPolicy()));
        CountDownLatch release = new CountDownLatch(1);
        executor.execute(() -> await(release));
        executor.execute(() -> { });
        Sampler sampler = sampler();
        assertThat(only(sampler.sample()).rejected()).isZero();
        executor.execute(() -> { });
        assertThat(only(sampler.sample()).rejected()).isEqualTo(1);
        release.countDown();
    }

    @Test
    void callerRunsStillRunsTheTaskInTheCallerAfterWrapping() throws Exception {
        ThreadPoolExecutor executor = register("caller-runs", new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new SynchronousQueue<>(), new ThreadPoolExecutor.CallerRunsPolicy()));
        Sampler sampler = sampler();
        sampler.sample();
        sampler.sample();
        assertThat(executor.getRejectedExecutionHandler()).isInstanceOf(CountingRejectionHandler.class);
        assertThat(((CountingRejectionHandler) executor.getRejectedExecutionHandler()).delegate())
                .as("wrapped once, around the original policy")
                .isInstanceOf(ThreadPoolExecutor.CallerRunsPolicy.class);

        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        executor.execute(() -> {
            running.countDown();
            await(release);
        });
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        executor.execute(() -> ranOn.set(Thread.currentThread()));
        assertThat(ranOn.get()).isSameAs(Thread.currentThread());

        ExecutorSample sample = only(sampler.sample());
        assertThat(sample.rejected()).isEqualTo(1);
        assertThat(sample.queueCapacity()).as("a hand-off queue holds nothing").isZero();
        release.countDown();
    }

    @Test
    void aHandlerTheApplicationSetsLaterIsWrappedAgain() throws Exception {
        ThreadPoolExecutor executor = register("replaced", new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new SynchronousQueue<>(), new ThreadPoolExecutor.AbortPolicy()));
        Sampler sampler = sampler();
        sampler.sample();
        executor.setRejectedExecutionHandler(new ThreadPoolExecutor.DiscardPolicy());
        sampler.sample();
        CountDownLatch release = new CountDownLatch(1);
        executor.execute(() -> await(release));
        executor.execute(() -> { });
        executor.execute(() -> { });
        assertThat(only(sampler.sample()).rejected()).isEqualTo(2);
        assertThat(((CountingRejectionHandler) executor.getRejectedExecutionHandler()).delegate())
                .isInstanceOf(ThreadPoolExecutor.DiscardPolicy.class);
        release.countDown();
    }

    @Test
    void unboundedAndScheduledQueuesReportTheLargestCapacity() throws Exception {
        register("unbounded", new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>()));
        register("scheduled", new ScheduledThreadPoolExecutor(3));
        List<ExecutorSample> samples = sampler().sample().stream().map(ExecutorSample.class::cast).toList();
        assertThat(samples).extracting(ExecutorSample::executor).containsExactly(prefix + "-scheduled", prefix + "-unbounded");
        assertThat(samples).allSatisfy(s -> assertThat(s.queueCapacity()).isEqualTo(Integer.MAX_VALUE));
        assertThat(samples.get(0).core()).isEqualTo(3);
    }

    @Test
    void onlyTheNamedExecutorsAreSampledAndUnregisteredOnesDisappear() throws Exception {
        register("orders-a", new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>()));
        register("billing", new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>()));
        Sampler sampler = ExecutorSampler.factory(Clock.systemUTC()).create(Map.of("executors", prefix + "-orders-*"));
        assertThat(sampler.sample()).extracting(s -> ((ExecutorSample) s).executor()).containsExactly(prefix + "-orders-a");
        Registry.global().unregister(ThreadPoolExecutor.class, prefix + "-orders-a");
        assertThat(sampler.sample()).isEmpty();
        assertThat(sampler.source()).isEqualTo("executor");
    }

    @Test
    void aBadExecutorsOptionIsRefusedNamingIt() {
        SamplerFactory factory = ExecutorSampler.factory(Clock.systemUTC());
        assertThat(factory.optionNames()).containsExactly("executors");
        assertThatThrownBy(() -> factory.validate(Map.of("executors", "orders-*,")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("executors: expected comma-separated names or globs such as orders,batch-*");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
