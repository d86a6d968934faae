package dev.governor.engine.sample;

import dev.governor.api.ExecutorSample;
import dev.governor.api.Registry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Samples the thread pools of this JVM: every {@link ThreadPoolExecutor} (a
 * {@code ScheduledThreadPoolExecutor} too) registered in {@link Registry#global()}, one
 * {@link ExecutorSample} each, named as registered.
 *
 * <p>Option {@code executors}: comma-separated names or globs to include, e.g. {@code orders-*,billing};
 * default every registered executor.
 *
 * <p>{@code completed} and {@code rejected} count what happened since this sampler's previous sample,
 * so both are 0 the first time an executor is seen. A {@code ThreadPoolExecutor} does not count
 * rejections itself: the first sample wraps the executor's {@code RejectedExecutionHandler} in one that
 * counts and then delegates to it, so the executor keeps its policy, and rejections are counted from the
 * moment Governor first samples the executor.
 */
public final class ExecutorSampler implements Sampler {

    public static final String NAME = "executor";
    static final String EXECUTORS = "executors";

    private final Registry registry;
    private final NameFilter executors;
    private final Clock clock;
    /** What the previous sample saw, by registered name. */
    private final Map<String, Seen> previous = new HashMap<>();

    ExecutorSampler(Registry registry, NameFilter executors, Clock clock) {
        this.registry = registry;
        this.executors = executors;
        this.clock = clock;
    }

    /** The factory behind {@code governor-sample:executor}. */
    public static SamplerFactory factory(Clock clock) {
        return new SamplerFactory() {
            @Override
            public Set<String> optionNames() {
                return Set.of(EXECUTORS);
            }

            @Override
            public void validate(Map<String, String> options) {
                NameFilter.parse(EXECUTORS, options.get(EXECUTORS));
            }

            @Override
            public Sampler create(Map<String, String> options) {
                return new ExecutorSampler(Registry.global(), NameFilter.parse(EXECUTORS, options.get(EXECUTORS)), clock);
            }
        };
    }

    @Override
    public synchronized List<ExecutorSample> sample() {
        Instant at = clock.instant();
        Map<String, ThreadPoolExecutor> registered = registry.all(ThreadPoolExecutor.class);
        previous.keySet().retainAll(registered.keySet());
        List<ExecutorSample> samples = new ArrayList<>();
        registered.forEach((name, executor) -> {
            if (executors.matches(name)) {
                samples.add(sample(name, executor, at));
            }
        });
        return samples;
    }

    private ExecutorSample sample(String name, ThreadPoolExecutor executor, Instant at) {
        CountingRejectionHandler handler = CountingRejectionHandler.installOn(executor);
        Seen now = new Seen(executor, handler, executor.getCompletedTaskCount(), handler.rejected());
        Seen before = previous.put(name, now);
        boolean sameExecutor = before != null && before.executor == executor;
        long completed = sameExecutor ? Math.max(0, now.completed - before.completed) : 0;
        long rejected;
        if (!sameExecutor) {
            rejected = 0;
        } else if (before.handler != handler) {
            // The application replaced the handler since: count what the new one saw.
            rejected = now.rejected;
        } else {
            rejected = Math.max(0, now.rejected - before.rejected);
        }
        BlockingQueue<Runnable> queue = executor.getQueue();
        int queued = queue.size();
        long queueCapacity = Math.min(Integer.MAX_VALUE, (long) queued + queue.remainingCapacity());
        return new ExecutorSample(name, executor.getCorePoolSize(), executor.getMaximumPoolSize(), executor.getPoolSize(),
                executor.getActiveCount(), queued, queueCapacity, completed, rejected, at);
    }

    @Override
    public String source() {
        return NAME;
    }

    private record Seen(ThreadPoolExecutor executor, CountingRejectionHandler handler, long completed, long rejected) {
    }
}
