package dev.governor.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * A PostgreSQL database from {@code governor.yaml} ({@code databases.<name>}), as plugins that act on
 * it receive it through {@link PluginContext#databases()}.
 *
 * @param name            the name rules use in targets, e.g. {@code main} in {@code main/public.orders}
 * @param url             the JDBC URL
 * @param user            the role to connect as; null for the driver's default
 * @param password        the role's password, or null; never log it ({@link #toString()} hides it)
 * @param applicationName the {@code application_name} Governor's sessions show
 * @param connectTimeout  how long to wait for a connection
 * @param queryTimeout    the longest a short statement (a lookup, a signal) may take
 * @param lockTimeout     {@code lock_timeout} for statements that take locks (VACUUM, ANALYZE)
 */
public record Database(String name, String url, String user, String password, String applicationName,
                       Duration connectTimeout, Duration queryTimeout, Duration lockTimeout) {

    public Database {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(url, "url is null");
        Objects.requireNonNull(applicationName, "applicationName is null");
        Objects.requireNonNull(connectTimeout, "connectTimeout is null");
        Objects.requireNonNull(queryTimeout, "queryTimeout is null");
        Objects.requireNonNull(lockTimeout, "lockTimeout is null");
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "Database[name=" + name + ", url=" + url + ", user=" + user + ", password="
                + (password == null ? "none" : "***") + ", applicationName=" + applicationName + "]";
    }
}
