package dev.governor.engine.sample.postgres;

/** A PostgreSQL 17 that goes away and comes back. */
class PostgresSourceDown17IT extends PostgresSourceDownContract {

    @Override
    int major() {
        return 17;
    }
}
