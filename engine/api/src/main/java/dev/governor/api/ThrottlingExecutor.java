package dev.governor.api;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A concurrency limit in front of an executor: at most {@link #limit()} of the tasks submitted here run on
 * the executor behind it at once; the others wait here, in the order they came, and start as running ones
 * finish. The limit can be changed at any time, which is how Governor's {@code executor.throttle} action
 * throttles: it works whatever the executor's own queue, bounded or not, since tasks over the limit never
 * reach it. Submitting never blocks the caller. Thread-safe.
 *
 * <p>An application puts the throttle in front of its pool, submits through it, and registers both under
 * one name: the pool for the {@code executor} sampler and {@code executor.resize}, the throttle for
 * {@code executor.throttle}.
 *
 * <pre>{@code
 * ThreadPoolExecutor pool = new ThreadPoolExecutor(16, 16, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
 * ThrottlingExecutor workers = new ThrottlingExecutor(pool, 16);
 * Registry.global().register(ThreadPoolExecutor.class, "workers", pool);
 * Registry.global().register(ThrottlingExecutor.class, "workers", workers);
 * workers.execute(task);                                   // not pool.execute(task)
 * }</pre>
 *
 * <p>Lowering the limit interrupts nothing: tasks already running finish, and no waiting task starts until
 * fewer than the new limit run. Raising it starts waiting tasks at once. The executor behind should not run
 * tasks in the submitting thread ({@code CallerRunsPolicy}): a task that ends starts the next waiting one
 * from its own thread. A task the executor refuses when it is submitted here is refused to the caller with
 * the executor's {@link RejectedExecutionException}; one it refuses after waiting here is dropped and
 * counted in {@link #rejected()}.
 */
public final class ThrottlingExecutor implements Executor {

    private final Executor delegate;
    private final int maxWaiting;
    private final Object lock = new Object();
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int limit;
    private int inFlight;
    private long rejected;

    /**
     * A throttle with no bound on the tasks waiting in it.
     *
     * @param delegate the executor that runs the tasks
     * @param limit    how many tasks may run at once, {@code >= 1}
     */
    public ThrottlingExecutor(Executor delegate, int limit) {
        this(delegate, limit, Integer.MAX_VALUE);
    }

    /**
     * @param delegate   the executor that runs the tasks
     * @param limit      how many tasks may run at once, {@code >= 1}
     * @param maxWaiting how many tasks may wait here, {@code >= 0}; beyond it {@link #execute} throws
     *                   {@link RejectedExecutionException}
     */
    public ThrottlingExecutor(Executor delegate, int limit, int maxWaiting) {
        this.delegate = Objects.requireNonNull(delegate, "delegate is null");
        this.limit = requireLimit(limit);
        if (maxWaiting < 0) {
            throw new IllegalArgumentException("maxWaiting must be >= 0, was " + maxWaiting);
        }
        this.maxWaiting = maxWaiting;
    }

    /**
     * Runs the task on the executor behind now if fewer than {@link #limit()} tasks run, else once they
     * do, after the tasks that waited before it.
     *
     * @throws RejectedExecutionException when {@code maxWaiting} tasks wait already, or the executor behind
     *                                    refuses the task
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task is null");
        synchronized (lock) {
            if (inFlight >= limit || !waiting.isEmpty()) {
                if (waiting.size() >= maxWaiting) {
                    throw new RejectedExecutionException("the throttle is full: " + maxWaiting + " task(s) wait (maxWaiting "
                            + maxWaiting + ", limit " + limit + ", running " + inFlight + ")");
                }
                waiting.addLast(task);
                return;
            }
            inFlight++;
        }
        try {
            delegate.execute(new Permit(task));
        } catch (RuntimeException | Error e) {
            release();
            throw e;
        }
    }

    /**
     * Changes how many tasks may run at once; waiting tasks start at once when it rises.
     *
     * @param newLimit {@code >= 1}
     * @return the limit before
     */
    public int setLimit(int newLimit) {
        requireLimit(newLimit);
        List<Runnable> start;
        int previous;
        synchronized (lock) {
            previous = limit;
            limit = newLimit;
            start = startable();
        }
        dispatch(start);
        return previous;
    }

    /** How many tasks may run at once. */
    public int limit() {
        synchronized (lock) {
            return limit;
        }
    }

    /** Tasks handed to the executor behind and not finished: running, or in its own queue. May exceed the limit just after it was lowered. */
    public int inFlight() {
        synchronized (lock) {
            return inFlight;
        }
    }

    /** Tasks waiting in the throttle for a free slot. */
    public int waiting() {
        synchronized (lock) {
            return waiting.size();
        }
    }

    /** Tasks the executor behind refused after they had waited here, since this throttle was made. */
    public long rejected() {
        synchronized (lock) {
            return rejected;
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "ThrottlingExecutor[limit=" + limit + ", inFlight=" + inFlight + ", waiting=" + waiting.size() + "]";
        }
    }

    private void release() {
        List<Runnable> start;
        synchronized (lock) {
            inFlight--;
            start = startable();
        }
        dispatch(start);
    }

    /** Takes the waiting tasks that fit under the limit, counting them in flight. Holds the lock. */
    private List<Runnable> startable() {
        List<Runnable> start = List.of();
        while (inFlight < limit && !waiting.isEmpty()) {
            if (start.isEmpty()) {
                start = new ArrayList<>();
            }
            start.add(waiting.pollFirst());
            inFlight++;
        }
        return start;
    }

    /** Hands tasks to the executor behind; the slots of those it refuses go to the next waiting ones. */
    private void dispatch(List<Runnable> tasks) {
        List<Runnable> next = tasks;
        while (!next.isEmpty()) {
            int refused = 0;
            for (Runnable task : next) {
                try {
                    delegate.execute(new Permit(task));
                } catch (RejectedExecutionException e) {
                    refused++;
                }
            }
            if (refused == 0) {
                return;
            }
            synchronized (lock) {
                rejected += refused;
                inFlight -= refused;
                next = startable();
            }
        }
    }

    private static int requireLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        return limit;
    }

    /** A task holding one slot of the limit, given back when it ends however it ends. */
    private final class Permit implements Runnable {

        private final Runnable task;

        Permit(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            try {
                task.run();
            } finally {
                release();
            }
        }

        @Override
        public String toString() {
            return task.toString();
        }
    }
}
