package dev.governor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.governor.api.Registry;
import dev.governor.api.ThrottlingExecutor;
import dev.governor.engine.rules.RuleCompilationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Governor.embedded(), with a real HikariCP pool on the shared PostgreSQL at 127.0.0.1:5432 and a real executor. */
class GovernorBuilderIT {

    private final String name = "embedded-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private HikariDataSource pool;
    private ThreadPoolExecutor executor;

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        if (pool != null) {
            pool.close();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private HikariDataSource pool(int max) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/postgres");
        config.setUsername("postgres");
        config.setPoolName(name + "-pool");
        config.setMaximumPoolSize(max);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(2000);
        pool = new HikariDataSource(config);
        return pool;
    }

    private ThreadPoolExecutor executor(int threads) {
        executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        return executor;
    }

    private Path rules(String drl) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("app.drl"), drl);
        return rules;
    }

    @Test
    void anEmbeddedGovernorSamplesItsPoolAndExecutorAndActsOnThemThroughThePlugins() throws Exception {
        Path rules = rules("""
                package embedded.test;
                import dev.governor.api.*;
                import java.util.Map;
                rule "Grow the pool"
                when
                    $p : PoolSample( pool == "%1$s", max == 2 )
                then
                    insert( new Action( "pool.resize", $p.pool(), Map.of( "max", 4 ), drools.getRule().getName() ) );
                end
                rule "Throttle the executor"
                when
                    $e : ExecutorSample( executor == "%1$s", max == 4 )
                then
                    insert( new Action( "executor.throttle", $e.executor(), Map.of( "limit", 2 ), drools.getRule().getName() ) );
                end
                """.formatted(name));
        // The envelope from a file, the pool's bounds from the builder: both apply.
        Path yaml = dir.resolve("governor.yaml");
        Files.writeString(yaml, """
                envelope:
                  actions:
                    executor.throttle:
                      params: { limit: { min: 1, max: 8 } }
                      stabilization: { down: 0s }
                """);
        ThrottlingExecutor throttle = new ThrottlingExecutor(executor(4), 4);
        Path audit = dir.resolve("audit.jsonl");
        List<JsonNode> lines;
        try (Governor governor = Governor.embedded()
                .config(yaml)
                .rules(rules)
                .pool(name, pool(2))
                .executor(name, executor, throttle)
                .bounds("pool.resize", "max", 2, 6)
                .audit(audit)
                .state(dir.resolve("state.json"))
                .samplePeriod(Duration.ofMillis(200))
                .start()) {
            assertThat(Registry.global().find(HikariDataSource.class, name)).containsSame(pool);
            lines = AuditFile.await(audit, Duration.ofSeconds(60), all -> all.stream().filter(l -> l.path("status").asText().equals("APPLIED")).count() >= 2);
            assertThat(pool.getHikariConfigMXBean().getMaximumPoolSize()).isEqualTo(4);
            assertThat(throttle.limit()).isEqualTo(2);
            assertThat(governor.routes().files()).hasSize(1);
        }
        assertThat(lines).extracting(l -> l.path("action").path("type").asText() + " " + l.path("status").asText())
                .contains("pool.resize APPLIED", "executor.throttle APPLIED");
        assertThat(Registry.global().find(HikariDataSource.class, name)).as("unregistered on close").isEmpty();
        assertThat(Registry.global().find(ThreadPoolExecutor.class, name)).isEmpty();
        assertThat(Registry.global().find(ThrottlingExecutor.class, name)).isEmpty();
        assertThat(pool.isRunning()).as("the application's pool stays its own").isTrue();
    }

    @Test
    void withoutBoundsAResizeIsDeniedAndAuditedNotCarriedOut() throws Exception {
        Path rules = rules("""
                package embedded.test;
                import dev.governor.api.*;
                import java.util.Map;
                rule "Grow the pool"
                when
                    $p : PoolSample( pool == "%s", max == 2 )
                then
                    insert( new Action( "pool.resize", $p.pool(), Map.of( "max", 4 ), drools.getRule().getName() ) );
                end
                """.formatted(name));
        Path audit = dir.resolve("audit.jsonl");
        try (Governor governor = Governor.embedded().rules(rules).pool(name, pool(2)).audit(audit)
                .state(dir.resolve("state.json")).samplePeriod(Duration.ofMillis(200)).start()) {
            List<JsonNode> lines = AuditFile.await(audit, Duration.ofSeconds(60), all -> !all.isEmpty());
            assertThat(lines.get(0).path("verdict").path("kind").asText()).isEqualTo("DENIED");
            assertThat(lines.get(0).path("status").asText()).isEqualTo("SKIPPED");
            assertThat(pool.getHikariConfigMXBean().getMaximumPoolSize()).isEqualTo(2);
        }
    }

    @Test
    void aFailedStartUnregistersWhatItRegistered() throws Exception {
        Path rules = rules("package broken;\nrule \"no end\"\nwhen\nthen\n");
        Registry.global().register(ThreadPoolExecutor.class, name + "-other", executor(1));
        assertThatThrownBy(() -> Governor.embedded().rules(rules).executor(name, executor)
                .audit(dir.resolve("audit.jsonl")).state(dir.resolve("state.json")).start())
                .isInstanceOf(RuleCompilationException.class);
        assertThat(Registry.global().find(ThreadPoolExecutor.class, name)).isEmpty();
        assertThat(Registry.global().find(ThreadPoolExecutor.class, name + "-other")).as("not ours").isPresent();
        Registry.global().unregister(ThreadPoolExecutor.class, name + "-other");
    }
}
