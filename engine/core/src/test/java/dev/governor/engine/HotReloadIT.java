package dev.governor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.engine.config.ConfigLoader;
import dev.governor.engine.rules.ReloadResult;
import dev.governor.engine.rules.RuleProblem;
import dev.governor.engine.rules.RuleReloader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kie.api.KieServices;
import org.slf4j.LoggerFactory;

/**
 * Rules reloaded while Governor runs: real files changed in a real rules folder, found by the watcher,
 * compiled by Drools and swapped in under live facts sent through a Camel route; decisions read from the audit.
 */
class HotReloadIT {

    private static final String ROUTE = """
            - route:
                from:
                  uri: direct:samples
                  steps:
                    - to: governor:facts
            """;

    /** Every decision reaches the plugin and the audit: a repeat at a reload would show as a line. */
    private static final String NO_COOLDOWN = "envelope: { actions: { notify.log: { cooldown: 0s } } }\n";

    private static String notifyAbove(int threshold) {
        return """
                package it.reload;
                import dev.governor.api.Action;
                import dev.governor.api.PoolSample;
                import java.util.Map;

                rule "Notify when callers wait"
                when
                    $p : PoolSample( waiting > %d )
                then
                    insert( new Action( "notify.log", $p.pool(), Map.of( "message", $p.waiting() + " callers wait" ), "" ) );
                end
                """.formatted(threshold);
    }

    @TempDir
    Path dir;
    Path rules;
    Path audit;
    Governor governor;
    ListAppender<ILoggingEvent> reloaderLog;

    @BeforeEach
    void setUp() throws IOException {
        rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(Files.createDirectories(dir.resolve("routes")).resolve("in.yaml"), ROUTE);
        audit = dir.resolve("audit/audit.jsonl");
        Files.writeString(rules.resolve("notify.drl"), notifyAbove(5));
        reloaderLog = new ListAppender<>();
        reloaderLog.start();
        ((Logger) LoggerFactory.getLogger(RuleReloader.class)).addAppender(reloaderLog);
    }

    @AfterEach
    void tearDown() {
        if (governor != null) {
            governor.close();
        }
        ((Logger) LoggerFactory.getLogger(RuleReloader.class)).detachAppender(reloaderLog);
    }

    private void start(String yaml) throws Exception {
        governor = Governor.start(new ConfigLoader().load(Files.writeString(dir.resolve("governor.yaml"), yaml)));
    }

    private void send(String json) {
        governor.routes().context().createProducerTemplate().sendBody("direct:samples", json);
    }

    private void pool(String name, int waiting) {
        send("{\"type\":\"PoolSample\",\"pool\":\"" + name + "\",\"active\":10,\"idle\":0,\"waiting\":" + waiting + ",\"max\":10}");
    }

    /** Writes a rule file and waits for the watcher to have reloaded the folder. */
    private ReloadResult change(Path file, String text) throws Exception {
        Instant before = governor.reloader().lastResult().at();
        Files.writeString(file, text);
        return awaitReloadAfter(before);
    }

    private ReloadResult awaitReloadAfter(Instant before) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            ReloadResult result = governor.reloader().lastResult();
            if (result.at().isAfter(before)) {
                return result;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no reload within 10s; last: " + governor.reloader().lastResult());
    }

    @Test
    void anEditedThresholdDecidesWithoutARestartAndTheFactsAlreadyActedOnDoNotActAgain() throws Exception {
        start(NO_COOLDOWN);
        pool("a", 3);
        pool("b", 8);
        awaitTargets(t -> t.contains("b"));
        awaitFactCount(3); // the two samples and the outcome of the action on 'b'

        ReloadResult reload = change(rules.resolve("notify.drl"), notifyAbove(2));
        assertThat(reload.ok()).isTrue();
        assertThat(reload.rules()).isEqualTo(1);
        assertThat(reload.carried()).isEqualTo(3);
        assertThat(reload.decisions()).as("'a' (waiting 3) is a new match with the lower threshold").isEqualTo(1);
        assertThat(reload.repeats()).as("'b' was acted on before the reload").isEqualTo(1);
        assertThat(reload.compileTime()).isPositive();
        assertThat(governor.rules().ruleNames()).containsExactly("Notify when callers wait");

        pool("c", 3);
        List<String> targets = awaitTargets(t -> t.contains("a") && t.contains("c"));
        assertThat(targets.get(0)).isEqualTo("b");
        assertThat(targets).as("no second action for 'b'").containsExactlyInAnyOrder("b", "a", "c");
        assertThat(reloaderLog.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).isEqualTo("Rules changed in " + rules + ": notify.drl changed"))
                .anySatisfy(m -> assertThat(m).startsWith("Rules reloaded: 1 rule(s) from 1 file(s) in " + rules)
                        .endsWith("3 fact(s) carried over, 1 new action(s), 1 repeat(s) of earlier actions left out"));
    }

    @Test
    void aBrokenEditLeavesTheOldRulesFiringAndReportsFileAndLineThenTheFixGoesIn() throws Exception {
        start(NO_COOLDOWN);
        Path file = rules.resolve("notify.drl");
        String broken = notifyAbove(2).replace("$p : PoolSample( waiting > 2 )", "$p : PoolSample( waiting > 2");
        int line = List.of(broken.split("\n")).indexOf("    $p : PoolSample( waiting > 2") + 1;

        ReloadResult failed = change(file, broken);
        assertThat(failed.ok()).isFalse();
        assertThat(failed.rules()).as("the rules still running").isEqualTo(1);
        assertThat(failed.errors()).isNotEmpty().allSatisfy(problem -> {
            assertThat(problem.file()).isEqualTo(file);
            assertThat(problem.line()).isBetween(line, line + 1);
        });
        RuleProblem first = failed.errors().get(0);
        assertThat(reloaderLog.list).filteredOn(e -> e.getLevel() == Level.ERROR)
                .extracting(ILoggingEvent::getFormattedMessage)
                .contains(file + ":" + first.line() + ": " + first.message())
                .contains("Rules in " + rules + " not reloaded (" + failed.errors().size()
                        + " error(s)); the previous 1 rule(s) from 1 file(s) keep running");
        assertThat(governor.reloader().lastResult()).isEqualTo(failed);

        pool("a", 3);
        pool("b", 8);
        assertThat(awaitTargets(t -> t.contains("b"))).as("the old threshold, 5, still decides").containsExactly("b");

        ReloadResult fixed = change(file, notifyAbove(2));
        assertThat(fixed.ok()).isTrue();
        assertThat(fixed.problems()).isEmpty();
        pool("c", 3);
        List<String> targets = awaitTargets(t -> t.contains("a") && t.contains("c"));
        assertThat(targets).containsExactlyInAnyOrder("b", "a", "c");
    }

    @Test
    void anAddedFileIsLoadedAndADeletedOneStopsDeciding() throws Exception {
        start(NO_COOLDOWN);
        Path metrics = rules.resolve("metrics.drl");
        ReloadResult added = change(metrics, """
                package it.reload.metrics;
                import dev.governor.api.Action;
                import dev.governor.api.Metric;
                rule "Notify on a queue that grows"
                when
                    $m : Metric( name == "queue.depth", value > 100 )
                then
                    insert( new Action( "notify.log", $m.source(), "" ) );
                end
                """);
        assertThat(added.ok()).isTrue();
        assertThat(added.rules()).isEqualTo(2);
        assertThat(added.files()).isEqualTo(2);
        send("{\"type\":\"Metric\",\"name\":\"queue.depth\",\"source\":\"inbox\",\"value\":500}");
        awaitTargets(t -> t.contains("inbox"));

        Instant before = governor.reloader().lastResult().at();
        Files.delete(metrics);
        ReloadResult removed = awaitReloadAfter(before);
        assertThat(removed.ok()).isTrue();
        assertThat(removed.rules()).isEqualTo(1);
        assertThat(governor.rules().ruleNames()).containsExactly("Notify when callers wait");
        assertThat(reloaderLog.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("Rules changed in " + rules + ": metrics.drl removed");

        send("{\"type\":\"Metric\",\"name\":\"queue.depth\",\"source\":\"outbox\",\"value\":500}");
        pool("b", 8);
        assertThat(awaitTargets(t -> t.contains("b"))).containsExactly("inbox", "b");
    }

    @Test
    void liveFactsAndOutcomesCarryOver() throws Exception {
        Files.delete(rules.resolve("notify.drl"));
        String window = """
                package it.reload.window;
                import dev.governor.api.Action;
                import dev.governor.api.ActionOutcome;
                import dev.governor.api.PoolSample;

                rule "Notify when a pool waited three times in a minute, once in ten minutes"
                when
                    $p : PoolSample( waiting > 0, $pool : pool )
                    not PoolSample( pool == $pool, this after $p )
                    Number( intValue >= 3 ) from accumulate( PoolSample( pool == $pool, waiting > 0 ) over window:time( 1m ), count( 1 ) )
                    not ActionOutcome( action.target == $pool ) over window:time( 10m )
                then
                    insert( new Action( "notify.log", $pool, "" ) );
                end
                """;
        Files.writeString(rules.resolve("window.drl"), window);
        start(NO_COOLDOWN);
        pool("orders", 1);
        pool("orders", 2);
        awaitFactCount(2);

        ReloadResult first = change(rules.resolve("window.drl"), window + "// edited\n");
        assertThat(first.ok()).isTrue();
        assertThat(first.carried()).isEqualTo(2);
        pool("orders", 3);
        assertThat(awaitTargets(t -> t.contains("orders"))).as("the two samples sent before the reload count").containsExactly("orders");
        awaitFactCount(4); // three samples and the outcome

        ReloadResult second = change(rules.resolve("window.drl"), window + "// edited again\n");
        assertThat(second.carried()).as("the samples and the outcome").isEqualTo(4);
        assertThat(second.decisions()).isZero();
        pool("orders", 4);
        awaitFactCount(5);
        Thread.sleep(300);
        assertThat(targets()).as("the outcome carried over still holds the rule back").containsExactly("orders");
    }

    @Test
    void memoryThreadsAndTheDroolsRepositoryStayFlatOverAHundredReloads() throws Exception {
        start("rules: { reload: false }\n" + NO_COOLDOWN);
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).doesNotContain("governor-rules-watch");
        for (int i = 0; i < 20; i++) {
            pool("p" + i, i % 10);
        }
        awaitFactCount(20);

        Path file = rules.resolve("notify.drl");
        long heapAt10 = 0;
        int threadsAt10 = 0;
        long started = System.nanoTime();
        long startedAt10 = 0;
        long compileNanos = 0;
        for (int i = 1; i <= 100; i++) {
            Files.writeString(file, notifyAbove(i % 10));
            ReloadResult result = governor.reloader().reload();
            compileNanos += i > 10 ? result.compileTime().toNanos() : 0;
            assertThat(result.ok()).as("reload %d: %s", i, result.problems()).isTrue();
            assertThat(result.carried()).isGreaterThanOrEqualTo(20);
            if (i == 10) {
                heapAt10 = usedHeapAfterGc();
                threadsAt10 = ManagementFactory.getThreadMXBean().getThreadCount();
                startedAt10 = System.nanoTime();
            }
        }
        Duration ninetyReloads = Duration.ofNanos(System.nanoTime() - startedAt10);
        Duration all = Duration.ofNanos(System.nanoTime() - started);
        long heapAt100 = usedHeapAfterGc();
        int threadsAt100 = ManagementFactory.getThreadMXBean().getThreadCount();
        int modules = governorModulesInTheKieRepository();
        System.out.printf("hot reload x100: %d ms in all, %d ms per reload after warm-up (compile %d ms); heap after GC %.1f MB at 10, "
                        + "%.1f MB at 100 (growth %.1f MB); threads %d at 10, %d at 100; governor modules in the KieRepository: %d%n",
                all.toMillis(), ninetyReloads.toMillis() / 90, compileNanos / 90_000_000, heapAt10 / 1e6, heapAt100 / 1e6, (heapAt100 - heapAt10) / 1e6,
                threadsAt10, threadsAt100, modules);

        assertThat(heapAt100 - heapAt10).as("heap growth over 90 reloads").isLessThan(20_000_000L);
        assertThat(threadsAt100).as("no thread left behind by the old sessions").isLessThanOrEqualTo(threadsAt10 + 2);
        assertThat(modules).isLessThanOrEqualTo(1);
        assertThat(all).isLessThan(Duration.ofSeconds(30));

        // And the last rules decide: threshold 0 (100 % 10).
        pool("last", 1);
        awaitTargets(t -> t.contains("last"));
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Modules of Governor's rule builds still held by Drools' global KieRepository. */
    @SuppressWarnings("unchecked")
    private static int governorModulesInTheKieRepository() throws Exception {
        Object repository = KieServices.Factory.get().getRepository();
        Field repoField = repository.getClass().getDeclaredField("kieModuleRepo");
        repoField.setAccessible(true);
        Object repo = repoField.get(repository);
        Map<String, Map<?, ?>> modules = (Map<String, Map<?, ?>>) repo.getClass().getField("kieModules").get(repo);
        Map<Object, Object> old = (Map<Object, Object>) repo.getClass().getField("oldKieModules").get(repo);
        int count = 0;
        for (Map.Entry<String, Map<?, ?>> entry : modules.entrySet()) {
            if (entry.getKey().startsWith("dev.governor.rules")) {
                count += entry.getValue().size();
            }
        }
        count += (int) old.keySet().stream().filter(id -> id.toString().startsWith("dev.governor.rules")).count();
        return count;
    }

    private void awaitFactCount(long count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (governor.engine().factCount() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the session has " + governor.engine().factCount() + " facts, expected " + count);
            }
            Thread.sleep(20);
        }
    }

    private List<String> awaitTargets(Predicate<List<String>> condition) throws Exception {
        return targets(AuditFile.await(audit, Duration.ofSeconds(10), lines -> condition.test(targets(lines))));
    }

    /** The target of each audited action, in audit order. */
    private List<String> targets() throws IOException {
        return targets(AuditFile.read(audit));
    }

    private static List<String> targets(List<JsonNode> lines) {
        return lines.stream().map(node -> node.at("/action/target").asText()).toList();
    }
}
