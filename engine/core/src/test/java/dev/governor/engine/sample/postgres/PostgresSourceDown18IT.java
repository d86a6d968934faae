package dev.governor.engine.sample.postgres;

/** A PostgreSQL 18 that goes away and comes back. */
class PostgresSourceDown18IT extends PostgresSourceDownContract {

    @Override
    int major() {
        return 18;
    }
}
