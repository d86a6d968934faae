package dev.governor.plugin.executor;

import com.sun.jna.LastErrorException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps an executor's thread factory so that each thread it starts pins itself to a set of CPUs before it
 * runs anything: a new Linux thread inherits the CPUs of the thread that started it, which for a pool's
 * worker is whichever application thread submitted a task. The threads are still made by the
 * application's factory (names, daemon flag, priority).
 */
final class PinningThreadFactory implements ThreadFactory {

    private static final Logger LOG = LoggerFactory.getLogger(PinningThreadFactory.class);
    private static final Object INSTALL_LOCK = new Object();

    private final ThreadFactory delegate;
    private final LinuxAffinity affinity;
    private volatile CpuSet cpus;

    private PinningThreadFactory(ThreadFactory delegate, LinuxAffinity affinity, CpuSet cpus) {
        this.delegate = delegate;
        this.affinity = affinity;
        this.cpus = cpus;
    }

    /** Wraps the executor's factory, or gives the wrapper it has already the new CPUs. */
    static void installOn(ThreadPoolExecutor executor, LinuxAffinity affinity, CpuSet cpus) {
        synchronized (INSTALL_LOCK) {
            if (executor.getThreadFactory() instanceof PinningThreadFactory pinning) {
                pinning.cpus = cpus;
            } else {
                executor.setThreadFactory(new PinningThreadFactory(executor.getThreadFactory(), affinity, cpus));
            }
        }
    }

    @Override
    public Thread newThread(Runnable task) {
        CpuSet pinned = cpus;
        return delegate.newThread(() -> {
            try {
                affinity.set(0, pinned);
            } catch (LastErrorException e) {
                LOG.warn("Thread {} could not pin itself to CPUs {}: {}", Thread.currentThread().getName(), pinned,
                        LinuxAffinity.describe(e));
            }
            task.run();
        });
    }
}
