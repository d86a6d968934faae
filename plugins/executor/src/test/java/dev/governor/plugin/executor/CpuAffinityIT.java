package dev.governor.plugin.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.LastErrorException;
import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.Registry;
import dev.governor.spi.ActionHandler;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * cpu.affinity with the real sched_setaffinity on this machine's CPUs. Every thread's CPUs are read
 * before each test and put back after it.
 */
class CpuAffinityIT {

    private final LinuxAffinity linux = LinuxAffinity.load();
    private final List<Runnable> cleanUp = new ArrayList<>();
    private CpuSet original;

    @BeforeEach
    void readTheCpus() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "cpu.affinity works on Linux only");
        original = linux.get(0);
        assumeTrue(original.size() >= 2, "needs a process allowed on 2 CPUs or more");
    }

    @AfterEach
    void putTheCpusBack() throws Exception {
        cleanUp.forEach(Runnable::run);
        for (int tid : NativeThreads.all()) {
            try {
                linux.set(tid, original);
            } catch (LastErrorException e) {
                // the thread ended
            }
        }
    }

    @Test
    void pinsTheWholeProcessAndReportsTheSetReadBack() throws Exception {
        CpuSet first = CpuSet.parse(firstCpu(original), "cpus");
        ActionHandler handler = handler(Map.of("affinity", Map.of("enabled", true)));

        ActionOutcome outcome = handler.handle(new Action("cpu.affinity", "process", Map.of("cpus", first.toString()), "test"));

        assertThat(outcome.status()).as(outcome.message()).isEqualTo(ActionOutcome.Status.APPLIED);
        assertThat(outcome.message()).matches("process: pinned \\d+ threads to CPUs " + first + " \\(read back: " + first
                + " on all \\d+\\).*");
        Map<CpuSet, Integer> now = new HashMap<>();
        for (int tid : NativeThreads.all()) {
            now.merge(linux.get(tid), 1, Integer::sum);
        }
        assertThat(now).containsOnlyKeys(first);
        AtomicInteger checked = new AtomicInteger();
        Thread later = new Thread(() -> {
            if (linux.get(0).equals(first)) {
                checked.incrementAndGet();
            }
        });
        later.start();
        later.join();
        assertThat(checked).as("a thread started afterwards inherits the set").hasValue(1);
        System.out.println("cpu.affinity figure: " + outcome.message());
    }

    @Test
    void pinsAnExecutorsThreadsOnlyAndTheThreadsItStartsLater() throws Exception {
        CpuSet last = CpuSet.parse(lastCpu(original), "cpus");
        ThreadPoolExecutor executor = registered("pinned", 2);
        executor.prestartAllCoreThreads();
        ActionHandler handler = handler(Map.of("affinity", Map.of("enabled", true)));

        ActionOutcome outcome = handler.handle(new Action("cpu.affinity", "pinned", Map.of("cpus", List.of(lastNumber(last))), "test"));

        assertThat(outcome.status()).as(outcome.message()).isEqualTo(ActionOutcome.Status.APPLIED);
        assertThat(outcome.message()).isEqualTo("pinned (threads pinned-*): pinned 2 threads to CPUs " + last
                + " (read back: " + last + " on all 2); threads it starts later pin themselves");
        Map<Long, Integer> tids = NativeThreads.byJavaId();
        int workers = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("pinned-")) {
                assertThat(linux.get(tids.get(thread.getId()))).as(thread.getName()).isEqualTo(last);
                workers++;
            }
        }
        assertThat(workers).isEqualTo(2);
        assertThat(linux.get(0)).as("this test's own thread is left alone").isEqualTo(original);

        executor.setMaximumPoolSize(3);
        executor.setCorePoolSize(3);
        CountDownLatch busy = new CountDownLatch(1);
        cleanUp.add(0, busy::countDown);
        List<CpuSet> seen = new CopyOnWriteArrayList<>();
        CountDownLatch ran = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            executor.execute(() -> {
                seen.add(linux.get(0));
                ran.countDown();
                await(busy);
            });
        }
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(executor.getPoolSize()).isEqualTo(3);
        assertThat(seen).as("the third thread, started after the action, pinned itself").containsOnly(last);
    }

    @Test
    void refusesAGlobThatAlsoNamesAnotherExecutorsThreads() throws Exception {
        registered("dup-a", 2).prestartAllCoreThreads();
        registered("dup-b", 2).prestartAllCoreThreads();
        // Let all four workers reach their idle wait, so the glob sees every one of them.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("dup-") && t.getState() == Thread.State.WAITING).count() < 4
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        ActionHandler handler = handler(Map.of("affinity", Map.of("enabled", true, "threads", Map.of("dup-a", "dup-*"))));

        ActionOutcome outcome = handler.handle(new Action("cpu.affinity", "dup-a", Map.of("cpus", firstCpu(original)), "test"));

        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.FAILED);
        assertThat(outcome.message()).isEqualTo("dup-a: 'dup-*' names 4 pool worker threads but dup-a has 2; set "
                + "plugins.settings.executor.affinity.threads.dup-a to a glob that only its threads' names match");
        for (int tid : NativeThreads.all()) {
            try {
                assertThat(linux.get(tid)).isEqualTo(original);
            } catch (LastErrorException e) {
                // the thread ended
            }
        }
    }

    private ActionHandler handler(Map<String, Object> settings) {
        ActionHandler handler = new ExecutorPlugin().create(new TestContext(settings));
        cleanUp.add(handler::close);
        return handler;
    }

    private ThreadPoolExecutor registered(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> new Thread(task, name + "-" + n.incrementAndGet()));
        Registry.global().register(ThreadPoolExecutor.class, name, executor);
        cleanUp.add(() -> {
            Registry.global().unregister(ThreadPoolExecutor.class, name);
            executor.shutdownNow();
        });
        return executor;
    }

    private String firstCpu(CpuSet cpus) {
        String text = cpus.toString();
        return text.split("[-,]")[0];
    }

    private String lastCpu(CpuSet cpus) {
        return Integer.toString(lastNumber(cpus));
    }

    private static int lastNumber(CpuSet cpus) {
        long[] mask = cpus.toMask();
        return BitSet.valueOf(mask).length() - 1;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
