package dev.governor.plugin.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.spi.ActionHandler;
import dev.governor.spi.ActionPlugin;
import dev.governor.spi.PluginContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class NotifyPluginTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    private record Context(Map<String, Object> settings) implements PluginContext {
        @Override
        public String pluginName() {
            return "notify";
        }

        @Override
        public Clock clock() {
            return Clock.fixed(NOW, ZoneOffset.UTC);
        }
    }

    @BeforeEach
    void capture() {
        events.start();
        ((Logger) LoggerFactory.getLogger("governor.notify")).addAppender(events);
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger("governor.notify")).detachAppender(events);
    }

    @Test
    void isFoundByServiceLoader() {
        assertThat(ServiceLoader.load(ActionPlugin.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(plugin -> {
                    assertThat(plugin.name()).isEqualTo("notify");
                    assertThat(plugin.actionTypes()).containsExactlyInAnyOrder("notify.log", "notify.webhook");
                });
    }

    @Test
    void logsTheRuleTargetAndMessageAtTheDefaultLevel() throws Exception {
        ActionHandler handler = new NotifyPlugin().create(new Context(Map.of()));
        Action action = new Action("notify.log", "db-1", Map.of("message", "memory at 93%"), "Warn when memory stays high");
        ActionOutcome outcome = handler.handle(action);
        assertThat(outcome).isEqualTo(ActionOutcome.applied(action, "logged at WARN to governor.notify", NOW));
        assertThat(events.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).isEqualTo("[Warn when memory stays high] db-1: memory at 93%");
        });
    }

    @Test
    void theActionMayChooseTheLevelAndTheReasonIsTheDefaultMessage() throws Exception {
        ActionHandler handler = new NotifyPlugin().create(new Context(Map.of("level", "error")));
        handler.handle(new Action("notify.log", "orders", Map.of("level", "info"), "Pool grew"));
        handler.handle(new Action("notify.log", "orders", "Pool shrank"));
        assertThat(events.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.INFO, Level.ERROR);
        assertThat(events.list.get(1).getFormattedMessage()).isEqualTo("[Pool shrank] orders: Pool shrank");
    }

    @Test
    void severityChoosesTheLevelToo() throws Exception {
        ActionHandler handler = new NotifyPlugin().create(new Context(Map.of()));
        handler.handle(new Action("notify.log", "orders", Map.of("severity", "critical"), "Pool exhausted"));
        handler.handle(new Action("notify.log", "orders", Map.of("severity", "info"), "Pool fine"));
        assertThat(events.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.ERROR, Level.INFO);
    }

    @Test
    void aBadLevelInAnActionFailsThatActionOnly() throws Exception {
        ActionHandler handler = new NotifyPlugin().create(new Context(Map.of()));
        ActionOutcome outcome = handler.handle(new Action("notify.log", "x", Map.of("level", "shout"), "r"));
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.FAILED);
        assertThat(outcome.message()).isEqualTo("params.level must be info, warn or error, was 'shout'");
        assertThat(events.list).isEmpty();
    }

    @Test
    void badSettingsStopStartUpWithTheSettingsName() {
        assertThatThrownBy(() -> new NotifyPlugin().create(new Context(Map.of("levle", "warn"))))
                .hasMessage("unknown setting 'levle'; the notify plugin has: level, logger, webhook");
        assertThatThrownBy(() -> new NotifyPlugin().create(new Context(Map.of("level", "loud"))))
                .hasMessage("level must be info, warn or error, was 'loud'");
    }
}
