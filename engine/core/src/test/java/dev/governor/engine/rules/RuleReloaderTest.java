package dev.governor.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.governor.api.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The reloader on a real engine and real files, without the rest of Governor. */
class RuleReloaderTest {

    private static String actAbove(int threshold) {
        return """
                package t;
                import dev.governor.api.Action;
                import dev.governor.api.Metric;
                rule "Act on a high metric"
                when
                    $m : Metric( value > %d )
                then
                    insert( new Action( "notify.log", $m.source(), "" ) );
                end
                """.formatted(threshold);
    }

    @TempDir
    Path dir;
    Path file;
    RuleCompiler compiler = new RuleCompiler(Duration.ofMinutes(5));
    LinkedBlockingQueue<Decision> decided = new LinkedBlockingQueue<>();
    RuleEngine engine;
    RuleReloader reloader;
    ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void setUp() throws Exception {
        file = Files.writeString(dir.resolve("t.drl"), actAbove(10));
        log.start();
        ((Logger) LoggerFactory.getLogger(RuleReloader.class)).addAppender(log);
    }

    private void start() {
        RuleFolder before = RuleFolder.scan(dir);
        CompiledRules rules = compiler.compileFolder(dir);
        engine = new RuleEngine(new RuleSession(rules, RuleSession.ClockMode.REALTIME), 100, decided::addAll).start();
        reloader = new RuleReloader(dir, compiler, engine, RuleReloader.startup(Instant.now(), rules, List.of()), before,
                files -> List.of());
    }

    @AfterEach
    void tearDown() {
        if (reloader != null) {
            reloader.close();
        }
        if (engine != null) {
            engine.close();
        }
        ((Logger) LoggerFactory.getLogger(RuleReloader.class)).detachAppender(log);
    }

    private String decide(double value) throws InterruptedException {
        engine.accept(List.of(new Metric("m", "v" + value, value, Instant.now())));
        Decision decision = decided.poll(5, TimeUnit.SECONDS);
        return decision == null ? null : decision.action().target();
    }

    @Test
    void newRulesThatThrowOnTheCarriedFactsAreNotPutIn() throws Exception {
        start();
        assertThat(decide(50)).isEqualTo("v50.0");
        CompiledRules before = reloader.current();
        Files.writeString(file, """
                package t;
                import dev.governor.api.Metric;
                rule "Throw" when Metric() then throw new IllegalStateException( "boom" ); end
                """);
        ReloadResult result = reloader.reload();
        assertThat(result.ok()).isFalse();
        assertThat(result.errors()).singleElement().asString()
                .startsWith("the new rules failed on the facts carried over: Exception executing consequence for rule \"Throw\"");
        assertThat(reloader.current()).isSameAs(before);
        assertThat(decide(60)).as("the old rules still decide").isEqualTo("v60.0");
    }

    @Test
    void aMissingFolderIsReportedAndTheRulesKeepRunning() throws Exception {
        start();
        Files.delete(file);
        Files.delete(dir);
        ReloadResult result = reloader.reload();
        assertThat(result.ok()).isFalse();
        assertThat(result.rules()).isEqualTo(1);
        assertThat(result.errors()).singleElement().asString()
                .isEqualTo(dir + ": no such folder: expected a folder of *.drl files");
        assertThat(decide(50)).isEqualTo("v50.0");
    }

    @Test
    void aBurstOfWritesLeadsToOneReloadOfTheLastContent() throws Exception {
        start();
        reloader.watch(Duration.ofMillis(20), Duration.ofMillis(600));
        Instant startup = reloader.lastResult().at();
        for (int threshold = 1; threshold <= 5; threshold++) {
            Files.writeString(file, actAbove(threshold));
            Thread.sleep(100);
        }
        awaitReloadAfter(startup);
        Thread.sleep(800);
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(m -> m.startsWith("Rules reloaded")).hasSize(1);
        assertThat(decide(6)).as("threshold 5, the last one written").isEqualTo("v6.0");
    }

    @Test
    void aChangeMadeWhileStartingIsNotMissedAndNothingElseReloads() throws Exception {
        RuleFolder before = RuleFolder.scan(dir);
        CompiledRules rules = compiler.compileFolder(dir);
        Files.writeString(file, actAbove(1)); // after the start-up compile, before watching
        engine = new RuleEngine(new RuleSession(rules, RuleSession.ClockMode.REALTIME), 100, decided::addAll).start();
        Instant startup = Instant.now();
        reloader = new RuleReloader(dir, compiler, engine, RuleReloader.startup(startup, rules, List.of()), before,
                files -> List.of()).watch(Duration.ofMillis(20), Duration.ZERO);
        ReloadResult reload = awaitReloadAfter(startup);
        assertThat(reload.ok()).isTrue();
        assertThat(decide(2)).isEqualTo("v2.0");

        Thread.sleep(300);
        assertThat(reloader.lastResult()).as("no change, no reload").isEqualTo(reload);
    }

    private ReloadResult awaitReloadAfter(Instant before) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (reloader.lastResult().at().isAfter(before)) {
                return reloader.lastResult();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no reload within 10s");
    }
}
