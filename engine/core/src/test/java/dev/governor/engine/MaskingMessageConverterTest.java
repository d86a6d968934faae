package dev.governor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The log configuration Governor ships (logback.xml) masks secrets in every message, whoever logs it. */
class MaskingMessageConverterTest {

    @Test
    void theShippedLogPatternMasksPasswordsInMessages() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        OutputStreamAppender<?> appender = (OutputStreamAppender<?>) root.getAppender("STDERR");
        PatternLayoutEncoder encoder = (PatternLayoutEncoder) appender.getEncoder();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("test"), Level.WARN, "Source {} is down: {}", null,
                new Object[] {"postgres/main", "connect to jdbc:postgresql://db:5432/orders?user=app&password=hunter2 failed"});
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertThat(line).contains("Source postgres/main is down: connect to jdbc:postgresql://db:5432/orders?user=app&password=*** failed")
                .doesNotContain("hunter2");
    }
}
