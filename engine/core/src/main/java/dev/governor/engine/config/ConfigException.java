package dev.governor.engine.config;

/** {@code governor.yaml} cannot be used; the message names the file, the key and what is expected. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
