package dev.governor.engine.sample.postgres;

/** A PostgreSQL 15 that goes away and comes back. */
class PostgresSourceDown15IT extends PostgresSourceDownContract {

    @Override
    int major() {
        return 15;
    }
}
