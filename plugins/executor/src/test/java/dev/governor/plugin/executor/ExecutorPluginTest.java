package dev.governor.plugin.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.Registry;
import dev.governor.api.ThrottlingExecutor;
import dev.governor.spi.ActionHandler;
import dev.governor.spi.ActionPlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExecutorPluginTest {

    private final List<Runnable> cleanUp = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        cleanUp.forEach(Runnable::run);
    }

    @Test
    void isFoundByServiceLoaderAndHandlesItsThreeTypes() {
        assertThat(ServiceLoader.load(ActionPlugin.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(plugin -> {
                    assertThat(plugin).isInstanceOf(ExecutorPlugin.class);
                    assertThat(plugin.name()).isEqualTo("executor");
                    assertThat(plugin.actionTypes()).containsExactlyInAnyOrder("executor.resize", "executor.throttle", "cpu.affinity");
                });
    }

    @Test
    void badSettingsStopStartUpNamingTheSetting() {
        assertBadSettings(Map.of("affinty", Map.of()), "unknown setting 'affinty'; the executor plugin has: affinity");
        assertBadSettings(Map.of("affinity", true), "affinity must be a map with enabled and threads, was 'true'");
        assertBadSettings(Map.of("affinity", Map.of("enabled", "yes")), "affinity.enabled must be true or false, was 'yes'");
        assertBadSettings(Map.of("affinity", Map.of("enable", true)), "unknown setting 'affinity.enable'; affinity has: enabled, threads");
        assertBadSettings(Map.of("affinity", Map.of("threads", "worker-*")),
                "affinity.threads must map executor names to thread-name globs, such as { workers: 'worker-*' }, was 'worker-*'");
        assertBadSettings(Map.of("affinity", Map.of("threads", Map.of("workers", " "))),
                "affinity.threads.workers must be a glob of the executor's thread names, such as 'worker-*', was ' '");
        new ExecutorPlugin().create(new TestContext(Map.of("affinity", Map.of("enabled", "true",
                "threads", Map.of("workers", "worker-*"))))).close();
    }

    @Test
    void badParamsFailTheActionWithTheParamsName() throws Exception {
        ActionHandler handler = handler(Map.of("affinity", Map.of("enabled", true)));
        assertFails(handler, "executor.resize", Map.of(),
                "executor.resize needs params.core, params.max or both (whole numbers, core >= 0, max >= 1)");
        assertFails(handler, "executor.resize", Map.of("core", 5, "max", 4),
                "params.core 5 is above params.max 4; a ThreadPoolExecutor needs core <= max");
        assertFails(handler, "executor.resize", Map.of("core", -1), "params.core must be a whole number >= 0, was -1");
        assertFails(handler, "executor.resize", Map.of("max", 0), "params.max must be a whole number >= 1, was 0");
        assertFails(handler, "executor.resize", Map.of("max", 2.5), "params.max must be a whole number >= 1, was 2.5");
        assertFails(handler, "executor.resize", Map.of("max", 4, "threads", 2),
                "executor.resize takes params core and max, not 'threads'");
        assertFails(handler, "executor.throttle", Map.of(),
                "executor.throttle needs params.limit, how many tasks may run at once (a whole number >= 1)");
        assertFails(handler, "executor.throttle", Map.of("limit", "2"), "params.limit must be a whole number >= 1, was '2' (a string)");
        assertFails(handler, "cpu.affinity", Map.of(), "cpu.affinity needs params.cpus, the CPUs to run on, such as '0-1' or '0,2'");
        assertFails(handler, "cpu.affinity", Map.of("cpus", "3-1"),
                "params.cpus must name CPUs from 0 to 1023, such as '0-1' or '0,2', was '3-1'");
    }

    @Test
    void cpusThatAreNotOnlineFailTheActionNamingThem() throws Exception {
        String online = Files.readString(Path.of("/sys/devices/system/cpu/online")).trim();
        ActionHandler handler = handler(Map.of("affinity", Map.of("enabled", true)));
        assertFails(handler, "cpu.affinity", Map.of("cpus", "0,1000-1001"),
                "CPUs 1000-1001 of params.cpus 0,1000-1001 are not online on this machine (online: " + online + ")");
    }

    @Test
    void cpuAffinityIsOffUnlessEnabled() throws Exception {
        ActionHandler handler = handler(Map.of());
        ActionOutcome outcome = handler.handle(new Action("cpu.affinity", "process", Map.of("cpus", "0"), "test"));
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.SKIPPED);
        assertThat(outcome.message()).isEqualTo("cpu.affinity is off: set plugins.settings.executor.affinity.enabled: true to allow it");
    }

    @Test
    void anExecutorThatIsNotRegisteredFailsTheAction() throws Exception {
        ActionHandler handler = handler(Map.of());
        assertFails(handler, "executor.resize", Map.of("max", 4),
                "no ThreadPoolExecutor named 'no-such-executor' is registered in Registry.global()");
        assertFails(handler, "executor.throttle", Map.of("limit", 4),
                "no ThrottlingExecutor or ThreadPoolExecutor named 'no-such-executor' is registered in Registry.global()");
        assertThat(handler.current("no-such-executor")).isEmpty();
    }

    @Test
    void resizesCoreAndMaxUpAndDownInTheOrderTheJdkAccepts() throws Exception {
        ThreadPoolExecutor executor = registered("resize-order", new ThreadPoolExecutor(2, 4, 1, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>()));
        ActionHandler handler = handler(Map.of());

        // core 6 is above the current max 4: max must grow first
        assertApplied(handler.handle(resize("resize-order", 6, 8)), "resize-order: core 2 -> 6, max 4 -> 8 (threads 0, active 0, queued 0)");
        assertThat(ThreadPools.sizes(executor)).isEqualTo(new ThreadPools.Sizes(6, 8));
        // max 2 is below the current core 6: core must shrink first
        assertApplied(handler.handle(resize("resize-order", 1, 2)), "resize-order: core 6 -> 1, max 8 -> 2 (threads 0, active 0, queued 0)");
        assertThat(ThreadPools.sizes(executor)).isEqualTo(new ThreadPools.Sizes(1, 2));
        assertThat(handler.current("resize-order")).containsEntry("core", 1).containsEntry("max", 2);

        assertApplied(handler.handle(new Action("executor.resize", "resize-order", Map.of("max", 5), "test")),
                "resize-order: core 1, max 2 -> 5 (threads 0, active 0, queued 0)");
        handler.handle(new Action("executor.resize", "resize-order", Map.of("core", 5), "test"));
        assertApplied(handler.handle(new Action("executor.resize", "resize-order", Map.of("max", 3), "test")),
                "resize-order: core 5 -> 3, max 5 -> 3 (threads 0, active 0, queued 0); core 5 lowered to 3 to stay within max");
        assertFails(handler, "resize-order", "executor.resize", Map.of("core", 4),
                "params.core 4 is above the executor's max 3; give params.max too");
        ActionOutcome same = handler.handle(new Action("executor.resize", "resize-order", Map.of("max", 3), "test"));
        assertThat(same.status()).isEqualTo(ActionOutcome.Status.SKIPPED);
        assertThat(same.message()).isEqualTo("resize-order: already core 3, max 3");
    }

    @Test
    void aGrownCoreStartsThreadsForQueuedTasksAtOnce() throws Exception {
        ThreadPoolExecutor executor = registered("resize-effect", new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>()));
        ActionHandler handler = handler(Map.of());
        CountDownLatch release = new CountDownLatch(1);
        cleanUp.add(0, release::countDown);
        for (int i = 0; i < 4; i++) {
            executor.execute(() -> await(release));
        }
        assertThat(executor.getActiveCount()).isEqualTo(1);

        assertApplied(handler.handle(resize("resize-effect", 4, 4)), "resize-effect: core 1 -> 4, max 1 -> 4 (threads 4, active ");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (executor.getActiveCount() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(executor.getActiveCount()).isEqualTo(4);
        assertThat(executor.getQueue()).isEmpty();
    }

    @Test
    void throttlingAThreadPoolWithoutAThrottleInFrontRemembersItsSizesAndGivesThemBack() throws Exception {
        ThreadPoolExecutor executor = registered("fallback", new ThreadPoolExecutor(4, 8, 1, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>()));
        ActionHandler handler = handler(Map.of());
        assertThat(handler.current("fallback")).isEqualTo(Map.of("core", 4, "max", 8, "limit", 8));

        ActionOutcome throttled = handler.handle(throttle("fallback", 2));
        assertApplied(throttled, "fallback: limit 8 -> 2, core 4 -> 2, max 8 -> 2 (threads 0, active 0, queued 0); no ThrottlingExecutor "
                + "is registered as 'fallback', so its thread pool is throttled by its sizes; its own sizes (core 4, max 8) come back "
                + "when the limit reaches 8");
        assertThat(ThreadPools.sizes(executor)).isEqualTo(new ThreadPools.Sizes(2, 2));
        assertThat(handler.current("fallback")).isEqualTo(Map.of("core", 4, "max", 8, "limit", 2));

        assertApplied(handler.handle(resize("fallback", 6, 10)), "fallback: core 2, max 2 (threads 0, active 0, queued 0); "
                + "throttled to 2 threads, its own sizes are now core 6, max 10");
        assertApplied(handler.handle(throttle("fallback", 3)), "fallback: limit 2 -> 3, core 2 -> 3, max 2 -> 3");
        assertThat(handler.handle(throttle("fallback", 3)).status()).isEqualTo(ActionOutcome.Status.SKIPPED);

        assertApplied(handler.handle(throttle("fallback", 10)), "fallback: core 3 -> 6, max 3 -> 10 (threads 0, active 0, queued 0); "
                + "the limit 10 is at or above its own max, so its own sizes are back");
        assertThat(ThreadPools.sizes(executor)).isEqualTo(new ThreadPools.Sizes(6, 10));
        assertThat(handler.current("fallback")).isEqualTo(Map.of("core", 6, "max", 10, "limit", 10));
    }

    @Test
    void aRegisteredThrottleIsPreferredAndReportsItsLimit() throws Exception {
        ThreadPoolExecutor executor = registered("throttled", new ThreadPoolExecutor(4, 4, 1, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>()));
        ThrottlingExecutor throttle = new ThrottlingExecutor(executor, 4);
        Registry.global().register(ThrottlingExecutor.class, "throttled", throttle);
        cleanUp.add(() -> Registry.global().unregister(ThrottlingExecutor.class, "throttled"));
        ActionHandler handler = handler(Map.of());
        assertThat(handler.current("throttled")).isEqualTo(Map.of("core", 4, "max", 4, "limit", 4));

        assertApplied(handler.handle(throttle("throttled", 1)), "throttled: limit 4 -> 1 (in flight 0, waiting 0); running tasks "
                + "finish, and no waiting one starts until fewer than 1 run");
        assertThat(throttle.limit()).isEqualTo(1);
        assertThat(ThreadPools.sizes(executor)).as("the pool itself is left alone").isEqualTo(new ThreadPools.Sizes(4, 4));
        assertThat(handler.current("throttled")).containsEntry("limit", 1);
        assertApplied(handler.handle(throttle("throttled", 3)), "throttled: limit 1 -> 3 (in flight 0, waiting 0); waiting tasks start at once");
        ActionOutcome same = handler.handle(throttle("throttled", 3));
        assertThat(same.status()).isEqualTo(ActionOutcome.Status.SKIPPED);
        assertThat(same.message()).isEqualTo("throttled: already limit 3");
    }

    private ActionHandler handler(Map<String, Object> settings) {
        ActionHandler handler = new ExecutorPlugin().create(new TestContext(settings));
        cleanUp.add(handler::close);
        return handler;
    }

    private ThreadPoolExecutor registered(String name, ThreadPoolExecutor executor) {
        Registry.global().register(ThreadPoolExecutor.class, name, executor);
        cleanUp.add(() -> {
            Registry.global().unregister(ThreadPoolExecutor.class, name);
            executor.shutdownNow();
        });
        return executor;
    }

    private static Action resize(String target, int core, int max) {
        return new Action("executor.resize", target, Map.of("core", core, "max", max), "test");
    }

    private static Action throttle(String target, int limit) {
        return new Action("executor.throttle", target, Map.of("limit", limit), "test");
    }

    private static void assertApplied(ActionOutcome outcome, String messageStart) {
        assertThat(outcome.status()).as(outcome.message()).isEqualTo(ActionOutcome.Status.APPLIED);
        assertThat(outcome.message()).startsWith(messageStart);
        assertThat(outcome.at()).isEqualTo(TestContext.NOW);
    }

    private static void assertFails(ActionHandler handler, String type, Map<String, Object> params, String message) throws Exception {
        assertFails(handler, "no-such-executor", type, params, message);
    }

    private static void assertFails(ActionHandler handler, String target, String type, Map<String, Object> params, String message)
            throws Exception {
        ActionOutcome outcome = handler.handle(new Action(type, target, params, "test"));
        assertThat(outcome.status()).as(outcome.message()).isEqualTo(ActionOutcome.Status.FAILED);
        assertThat(outcome.message()).isEqualTo(message);
    }

    private static void assertBadSettings(Map<String, Object> settings, String message) {
        assertThatThrownBy(() -> new ExecutorPlugin().create(new TestContext(settings)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
