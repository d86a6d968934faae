package dev.governor.plugin.hikari;

import dev.governor.spi.Database;
import java.util.Objects;

/**
 * A size no pool may be given more than. A configured number, or a share of a database's connections:
 * {@code (max_connections - reserved connections) / instances}, where the reserved ones are
 * {@code superuser_reserved_connections} plus, on PostgreSQL 16 and later, {@code reserved_connections},
 * and {@code instances} is how many copies of the application share the database.
 */
sealed interface Ceiling {

    /** Where the ceiling was configured, e.g. {@code ceilings.orders}. */
    String setting();

    /** A number from the settings. */
    record Fixed(int value, String setting) implements Ceiling {
    }

    /** A share of a database's connections, read when an action needs it. */
    record DatabaseShare(Database database, int instances, String setting) implements Ceiling {
        public DatabaseShare {
            Objects.requireNonNull(database, "database is null");
        }
    }

    /**
     * A ceiling's value for one action.
     *
     * @param why how the value came about, e.g. {@code = (100 - 3) / 3 instances (database main)}
     */
    record Value(int value, String why) {
    }
}
