package dev.governor.plugin.postgres;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.spi.ActionHandler;
import dev.governor.spi.Database;
import java.time.Clock;
import java.util.Map;

/**
 * Carries out the postgres plugin's actions, each on a connection of its own that lives as long as the
 * action. Thread-safe: it holds only its settings and the helper threads statements run on.
 */
final class PostgresHandler implements ActionHandler {

    private final Sessions sessions;
    private final TableActions tables;
    private final SignalActions signals;
    private final Clock clock;

    PostgresHandler(PostgresSettings settings, Map<String, Database> databases, Clock clock) {
        this.sessions = new Sessions(databases, clock);
        this.tables = new TableActions(sessions, settings, clock);
        this.signals = new SignalActions(sessions, settings, clock);
        this.clock = clock;
    }

    @Override
    public ActionOutcome handle(Action action) throws InterruptedException {
        return switch (action.type()) {
            case PostgresPlugin.VACUUM -> tables.run(action, true);
            case PostgresPlugin.ANALYZE -> tables.run(action, false);
            case PostgresPlugin.CANCEL -> signals.run(action, false);
            case PostgresPlugin.TERMINATE -> signals.run(action, true);
            default -> ActionOutcome.failed(action, "the postgres plugin does not handle " + action.type(), clock.instant());
        };
    }

    @Override
    public void close() {
        sessions.close();
    }
}
