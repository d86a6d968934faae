package dev.governor.plugin.executor;

import dev.governor.spi.Glob;
import com.sun.jna.LastErrorException;
import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.Registry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out {@code cpu.affinity}: pins the threads of this process, or of a registered executor, to a set
 * of CPUs with {@code sched_setaffinity}, and reports the set the kernel then gives each thread.
 *
 * <p>{@code process}: every thread in {@code /proc/self/task}, listed again until no new one appears;
 * threads started later inherit the set from the thread that starts them.
 *
 * <p>An executor's threads: the live threads that run a {@link ThreadPoolExecutor} worker and whose Java
 * name matches the executor's thread-name glob (setting {@code affinity.threads.NAME}, default
 * {@code NAME-*}), mapped to Linux task ids through the JVM's thread dump. The executor's thread factory is
 * wrapped so that threads it starts later pin themselves. A thread-pool object does not tell which threads
 * are its own, so the glob decides: when it matches more worker threads than the executor has, the action
 * fails rather than pin another executor's threads.
 */
final class AffinityAction {

    private static final Logger LOG = LoggerFactory.getLogger(AffinityAction.class);
    static final String PROCESS = "process";
    private static final Path ONLINE = Path.of("/sys/devices/system/cpu/online");
    private static final int PASSES = 5;
    private static final int STARTING_RETRIES = 10;
    private static final long STARTING_PAUSE_MILLIS = 20;

    private final boolean enabled;
    private final Map<String, String> threadGlobs;
    private final Registry registry;
    private final Clock clock;
    private LinuxAffinity affinity;
    private String unavailable;

    AffinityAction(boolean enabled, Map<String, String> threadGlobs, Registry registry, Clock clock) {
        this.enabled = enabled;
        this.threadGlobs = Map.copyOf(threadGlobs);
        this.registry = registry;
        this.clock = clock;
    }

    ActionOutcome handle(Action action) throws IOException {
        if (!enabled) {
            return ActionOutcome.skipped(action, "cpu.affinity is off: set plugins.settings.executor.affinity.enabled: true "
                    + "to allow it", clock.instant());
        }
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return ActionOutcome.skipped(action, "cpu.affinity needs Linux, this is " + os, clock.instant());
        }
        CpuSet cpus;
        try {
            Params params = new Params(action.type(), action.params(), Set.of(ExecutorPlugin.CPUS));
            if (params.raw(ExecutorPlugin.CPUS) == null) {
                throw new IllegalArgumentException("cpu.affinity needs params.cpus, the CPUs to run on, such as '0-1' or '0,2'");
            }
            cpus = CpuSet.parse(params.raw(ExecutorPlugin.CPUS), "params.cpus");
        } catch (IllegalArgumentException e) {
            return ActionOutcome.failed(action, e.getMessage(), clock.instant());
        }
        CpuSet online = CpuSet.parse(Files.readString(ONLINE).trim(), ONLINE.toString());
        CpuSet offline = cpus.minus(online);
        if (!offline.isEmpty()) {
            return ActionOutcome.failed(action, "CPUs " + offline + " of params.cpus " + cpus + " are not online on this machine "
                    + "(online: " + online + ")", clock.instant());
        }
        LinuxAffinity linux = linux();
        if (linux == null) {
            return ActionOutcome.skipped(action, unavailable, clock.instant());
        }
        Result result = PROCESS.equals(action.target())
                ? pinProcess(linux, cpus)
                : pinExecutor(linux, action.target(), cpus);
        LOG.info("cpu.affinity {}", result.message());
        return result.applied()
                ? ActionOutcome.applied(action, result.message(), clock.instant())
                : ActionOutcome.failed(action, result.message(), clock.instant());
    }

    private synchronized LinuxAffinity linux() {
        if (affinity == null && unavailable == null) {
            try {
                affinity = LinuxAffinity.load();
            } catch (LinkageError e) {
                unavailable = "cpu.affinity needs JNA on Governor's classpath (OSHI brings it): " + e;
            }
        }
        return affinity;
    }

    private static Result pinProcess(LinuxAffinity linux, CpuSet cpus) throws IOException {
        Pinning pinning = new Pinning(linux, cpus);
        for (int pass = 0; pass < PASSES; pass++) {
            TreeSet<Integer> fresh = NativeThreads.all();
            fresh.removeAll(pinning.seen);
            if (fresh.isEmpty()) {
                break;
            }
            fresh.forEach(pinning::pin);
        }
        return pinning.result("process", "");
    }

    private Result pinExecutor(LinuxAffinity linux, String name, CpuSet cpus) throws IOException {
        ThreadPoolExecutor executor = registry.find(ThreadPoolExecutor.class, name).orElse(null);
        if (executor == null) {
            return new Result(false, "no ThreadPoolExecutor named '" + name + "' is registered in Registry.global()");
        }
        String glob = threadGlobs.getOrDefault(name, name + "-*");
        List<Thread> threads = workerThreads(glob);
        int poolSize = executor.getPoolSize();
        // A thread the executor has just started may not run its worker loop yet: give it a moment.
        for (int retry = 0; retry < STARTING_RETRIES && threads.size() < poolSize; retry++) {
            sleep(STARTING_PAUSE_MILLIS);
            threads = workerThreads(glob);
            poolSize = executor.getPoolSize();
        }
        String setting = "plugins.settings.executor.affinity.threads." + name;
        if (threads.size() > poolSize) {
            return new Result(false, name + ": '" + glob + "' names " + threads.size() + " pool worker threads but " + name
                    + " has " + poolSize + "; set " + setting + " to a glob that only its threads' names match");
        }
        if (threads.isEmpty() && poolSize > 0) {
            return new Result(false, name + ": none of its " + poolSize + " threads is named '" + glob + "'; set " + setting
                    + " to a glob of its threads' names");
        }
        PinningThreadFactory.installOn(executor, linux, cpus);
        // Threads started since the scan, by the factory as it was, are live now: take them too.
        Set<Thread> all = new LinkedHashSet<>(threads);
        all.addAll(workerThreads(glob));
        threads = List.copyOf(all);
        Map<Long, Integer> tids = NativeThreads.byJavaId();
        Pinning pinning = new Pinning(linux, cpus);
        for (Thread thread : threads) {
            Integer tid = tids.get(thread.getId());
            if (tid == null) {
                pinning.ended++;
            } else {
                pinning.pin(tid);
            }
        }
        String note = "; threads it starts later pin themselves";
        if (threads.size() < poolSize) {
            note += "; " + (poolSize - threads.size()) + " of its " + poolSize + " threads are not named '" + glob
                    + "' and were left alone";
        }
        return pinning.result(name + " (threads " + glob + ")", note);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Live threads whose name matches the glob and that run a thread-pool worker. */
    private static List<Thread> workerThreads(String glob) {
        Pattern names = glob(glob);
        List<Thread> threads = new ArrayList<>();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (names.matcher(thread.getName()).matches() && runsPoolWorker(stack)) {
                threads.add(thread);
            }
        });
        return threads;
    }

    private static boolean runsPoolWorker(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().equals(ThreadPoolExecutor.class.getName()) && frame.getMethodName().equals("runWorker")) {
                return true;
            }
        }
        return false;
    }

    /** A glob where {@code *} stands for any run of characters and {@code ?} for one. */
    static Pattern glob(String glob) {
        return Glob.toRegex(glob);
    }

    /** What became of an action: applied or failed, and the sentence for the outcome. */
    private record Result(boolean applied, String message) {
    }

    /** Pins threads one by one, and reads back what the kernel gave each. */
    private static final class Pinning {

        private final LinuxAffinity linux;
        private final CpuSet cpus;
        final Set<Integer> seen = new TreeSet<>();
        private final List<Integer> pinned = new ArrayList<>();
        private final Map<String, Integer> failures = new TreeMap<>();
        int ended;

        Pinning(LinuxAffinity linux, CpuSet cpus) {
            this.linux = linux;
            this.cpus = cpus;
        }

        void pin(int tid) {
            seen.add(tid);
            try {
                linux.set(tid, cpus);
                pinned.add(tid);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LinuxAffinity.ESRCH) {
                    ended++;
                } else {
                    failures.merge(LinuxAffinity.describe(e), 1, Integer::sum);
                }
            }
        }

        Result result(String what, String note) {
            Map<CpuSet, Integer> readBack = new LinkedHashMap<>();
            for (int tid : pinned) {
                try {
                    readBack.merge(linux.get(tid), 1, Integer::sum);
                } catch (LastErrorException e) {
                    ended++;
                }
            }
            StringBuilder out = new StringBuilder(what).append(": pinned ").append(pinned.size())
                    .append(pinned.size() == 1 ? " thread" : " threads").append(" to CPUs ").append(cpus);
            if (!readBack.isEmpty()) {
                out.append(" (read back: ");
                if (readBack.size() == 1) {
                    Map.Entry<CpuSet, Integer> only = readBack.entrySet().iterator().next();
                    out.append(only.getKey()).append(" on ").append(only.getValue() == 1 ? "it" : "all " + only.getValue());
                } else {
                    List<String> parts = new ArrayList<>();
                    readBack.forEach((set, count) -> parts.add(set + " on " + count));
                    out.append(String.join(", ", parts));
                }
                out.append(')');
            }
            if (ended > 0) {
                out.append("; ").append(ended).append(ended == 1 ? " thread" : " threads").append(" ended meanwhile");
            }
            if (!failures.isEmpty()) {
                List<String> parts = new ArrayList<>();
                failures.forEach((error, count) -> parts.add(error + " on " + count));
                out.append("; failed: ").append(String.join(", ", parts));
            }
            out.append(note);
            return new Result(failures.isEmpty(), out.toString());
        }
    }
}
