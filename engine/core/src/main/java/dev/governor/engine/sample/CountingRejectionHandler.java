package dev.governor.engine.sample;

import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the tasks a {@link ThreadPoolExecutor} rejects, then hands each to the handler the executor had
 * before (abort, run in the caller, discard, ...), so the executor behaves as it did. A
 * {@code ThreadPoolExecutor} keeps no count of its own; Governor installs this handler the first time it
 * samples an executor, so rejections are counted from then on. Thread-safe.
 */
final class CountingRejectionHandler implements RejectedExecutionHandler {

    private static final Object INSTALL_LOCK = new Object();

    private final RejectedExecutionHandler delegate;
    private final LongAdder rejected = new LongAdder();

    private CountingRejectionHandler(RejectedExecutionHandler delegate) {
        this.delegate = delegate;
    }

    /**
     * The executor's counting handler, installed now if it has none: once per executor, whichever
     * sampler gets there first. If the application later replaces the handler, the next call installs a
     * new one around the application's.
     */
    static CountingRejectionHandler installOn(ThreadPoolExecutor executor) {
        synchronized (INSTALL_LOCK) {
            RejectedExecutionHandler current = executor.getRejectedExecutionHandler();
            if (current instanceof CountingRejectionHandler counting) {
                return counting;
            }
            CountingRejectionHandler counting = new CountingRejectionHandler(current);
            executor.setRejectedExecutionHandler(counting);
            return counting;
        }
    }

    @Override
    public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
        rejected.increment();
        delegate.rejectedExecution(task, executor);
    }

    /** Tasks rejected since this handler was installed. */
    long rejected() {
        return rejected.sum();
    }

    /** The handler that decides what happens to a rejected task. */
    RejectedExecutionHandler delegate() {
        return delegate;
    }
}
