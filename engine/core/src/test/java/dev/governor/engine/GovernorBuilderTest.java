package dev.governor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.engine.config.EnvelopeConfig;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.config.Mode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class GovernorBuilderTest {

    @Test
    void theRulesFolderIsRequired() {
        assertThatThrownBy(() -> Governor.embedded().toConfig())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("rules(dir) is required: the folder of *.drl files that govern this application");
    }

    @Test
    void boundsKeepTheTypesOtherEnvelopeRules() {
        GovernorConfig config = Governor.embedded().rules(Path.of("rules")).dryRun()
                .ruleParam("pool.grow.for", "10s")
                .bounds("pool.resize", "max", 2, 20)
                .toConfig();
        assertThat(config.mode()).isEqualTo(Mode.DRY_RUN);
        assertThat(config.rules().params()).containsEntry("pool.grow.for", "10s");
        EnvelopeConfig.ParamLimits max = config.envelope().actions().get("pool.resize").params().get("max");
        assertThat(max.min()).isEqualTo(2.0);
        assertThat(max.max()).isEqualTo(20.0);
        assertThat(config.envelope().actions().get("pool.resize").cooldown()).as("the built-in cooldown still applies").isNull();
        assertThatThrownBy(() -> Governor.embedded().bounds("pool.resize", "max", 20, 2))
                .hasMessage("pool.resize.max: min 20.0 is above max 2.0");
    }

    @Test
    void aDataSourceThatIsNotHikariIsRefusedNamingIt() {
        assertThatThrownBy(() -> Governor.embedded().pool("orders", new NotAPool()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pool 'orders': Governor samples and resizes HikariCP pools; " + NotAPool.class.getName()
                        + " is not a HikariDataSource and does not wrap one");
    }

    @Test
    void twoExecutorsOfOneNameAreRefused() {
        var executor = new java.util.concurrent.ThreadPoolExecutor(1, 1, 1, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>());
        try {
            assertThatThrownBy(() -> Governor.embedded().executor("workers", executor).executor("workers", executor))
                    .hasMessage("two executors are named 'workers': actions target them by name");
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void theRoutesSampleThisJvmItsPoolsAndItsExecutorsOnly() {
        String routes = GovernorBuilder.samplingRoutes(Duration.ofMillis(500));
        assertThat(routes).contains("uri: governor-sample:jvm", "uri: governor-sample:hikari", "uri: governor-sample:executor")
                .contains("period: 500ms").doesNotContain("governor-sample:host").doesNotContain("governor-sample:postgres");
        assertThatThrownBy(() -> Governor.embedded().samplePeriod(Duration.ofMillis(10)))
                .hasMessageStartingWith("samplePeriod must be between 100ms and 1h");
    }

    /** A data source of some other pool. */
    private static final class NotAPool implements DataSource {
        @Override public Connection getConnection() { throw new UnsupportedOperationException(); }
        @Override public Connection getConnection(String user, String password) { throw new UnsupportedOperationException(); }
        @Override public PrintWriter getLogWriter() { return null; }
        @Override public void setLogWriter(PrintWriter out) { }
        @Override public void setLoginTimeout(int seconds) { }
        @Override public int getLoginTimeout() { return 0; }
        @Override public Logger getParentLogger() { return Logger.getGlobal(); }
        @Override public <T> T unwrap(Class<T> type) { throw new UnsupportedOperationException(); }
        @Override public boolean isWrapperFor(Class<?> type) { return false; }
    }
}
