package dev.governor.plugin.postgres;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.spi.Database;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Opens the connection of one action to a database named in {@code governor.yaml}, and owns the helper
 * threads statements run on (see {@link ActionSession}). Thread-safe.
 */
final class Sessions implements AutoCloseable {

    private final Map<String, Database> databases;
    private final Clock clock;
    private final ExecutorService statements;

    Sessions(Map<String, Database> databases, Clock clock) {
        this.databases = new TreeMap<>(databases);
        this.clock = clock;
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = runnable -> {
            Thread thread = new Thread(runnable, "governor-pg-statement-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.statements = Executors.newCachedThreadPool(threads);
    }

    /** A session, or the outcome that says why there is none. */
    record Opened(ActionSession session, ActionOutcome failure) {
    }

    /**
     * Connects to {@code name} for {@code action}, with {@code lockTimeout} (null: the database's) and the
     * driver's socket timeout for that database ({@link Duration#ZERO}: none). An unknown database or a failed connection is a
     * FAILED outcome.
     */
    Opened open(Action action, String name, Duration lockTimeout, Function<Database, Duration> socketTimeout)
            throws InterruptedException {
        Database database = databases.get(name);
        if (database == null) {
            return new Opened(null, ActionOutcome.failed(action, "no database '" + name + "' in governor.yaml (databases: "
                    + (databases.isEmpty() ? "none" : String.join(", ", databases.keySet())) + ")", clock.instant()));
        }
        try {
            return new Opened(ActionSession.open(database, action.type(),
                    lockTimeout == null ? database.lockTimeout() : lockTimeout, socketTimeout.apply(database), statements), null);
        } catch (SQLException e) {
            return new Opened(null, ActionOutcome.failed(action, "cannot connect to database " + name + " as "
                    + (database.user() == null ? "the driver's default user" : database.user()) + ": " + describe(e), clock.instant()));
        }
    }

    /** {@code SQLSTATE message}, as the driver words it (with the server's detail and hint); never holds the password. */
    static String describe(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s*\\n\\s*", " ");
        return e.getSQLState() == null ? message : e.getSQLState() + " " + message;
    }

    @Override
    public void close() {
        statements.shutdownNow();
    }
}
