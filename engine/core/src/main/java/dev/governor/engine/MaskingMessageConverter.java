package dev.governor.engine;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %msg} with secrets masked ({@link Secrets#mask(String)}): a password in a JDBC URL or a token in a
 * webhook's error never reaches the log, whichever part of Governor or which library logged it.
 */
public final class MaskingMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return Secrets.mask(super.convert(event));
    }
}
