package dev.governor.plugin.postgres;

import dev.governor.spi.ActionHandler;
import dev.governor.spi.ActionPlugin;
import dev.governor.spi.PluginContext;
import dev.governor.spi.Spi;
import java.util.Set;

/**
 * PostgreSQL actions on the databases of {@code governor.yaml}:
 * <ul>
 *   <li>{@code pg.vacuum}, target {@code DATABASE/SCHEMA.TABLE}: {@code VACUUM (VERBOSE, ...)} of one table;
 *       params {@code analyze}, {@code freeze}, {@code skip_locked}, {@code truncate} (booleans),
 *       {@code index_cleanup} ({@code auto|on|off}), {@code parallel} (0..1024), {@code buffer_usage_limit}
 *       (a size, 16+), {@code relid} (the table's OID, which must still carry the name);</li>
 *   <li>{@code pg.analyze}, same target: {@code ANALYZE (VERBOSE, ...)}; params {@code skip_locked}, {@code relid};</li>
 *   <li>{@code pg.cancel} and {@code pg.terminate}, target {@code DATABASE/PID}: end the statement, or the
 *       session, of a horizon holder; params {@code backendStart} and {@code xactStart} (ISO times) pin the
 *       exact session and transaction.</li>
 * </ul>
 * Prepared transactions and replication slots are never rolled back or dropped by this plugin: rules
 * report them with {@code notify.log}. See the module's README for the guarantees, the outcomes and the
 * privileges Governor's role needs.
 *
 * <p>Settings ({@code plugins.settings.postgres}): {@code allowRoles}, {@code allowApplications},
 * {@code denyApplications}, {@code allowSuperuser}, {@code terminateTimeout}, {@code vacuumCostDelay},
 * {@code lockTimeout}; see {@link PostgresSettings}.
 */
public final class PostgresPlugin implements ActionPlugin {

    public static final String VACUUM = "pg.vacuum";
    public static final String ANALYZE = "pg.analyze";
    public static final String CANCEL = "pg.cancel";
    public static final String TERMINATE = "pg.terminate";

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public String spiVersion() {
        return Spi.VERSION;
    }

    @Override
    public Set<String> actionTypes() {
        return Set.of(VACUUM, ANALYZE, CANCEL, TERMINATE);
    }

    /** Checks the settings; connects to nothing until an action comes. */
    @Override
    public ActionHandler create(PluginContext context) {
        PostgresSettings settings = PostgresSettings.parse(context.settings());
        return new PostgresHandler(settings, context.databases(), context.clock());
    }
}
