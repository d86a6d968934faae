package dev.governor.engine.sample.postgres;

import dev.governor.api.Fact;
import dev.governor.api.PgDatabase;
import dev.governor.api.PgHorizonHolder;
import dev.governor.api.PgServer;
import dev.governor.api.PgTable;
import dev.governor.api.PgVacuumProgress;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.sample.Sampler;
import dev.governor.engine.sample.postgres.PostgresOptions.View;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples one PostgreSQL database (13 to 18) over a single JDBC connection of Governor's own: the server
 * ({@link PgServer}), the wraparound state of every database ({@link PgDatabase}), the tables of this
 * database with autovacuum's thresholds and decisions ({@link PgTable}), everything that holds the xmin
 * horizon back ({@link PgHorizonHolder}) and the VACUUMs running now ({@link PgVacuumProgress}).
 *
 * <p>Each kind of fact costs one query (the server, two), whatever the number of tables; tables are
 * filtered and cut to the top N by dead rows inside that query. The connection opens at the first
 * sample, with the configured connect, statement and lock timeouts, in read-only mode; it is kept
 * between samples. Any SQL error closes it and is thrown, so the endpoint reports the database as down
 * and backs off; the next sample reconnects. The password is never logged.
 *
 * <p>Horizon holders leave out this session, every session with Governor's {@code application_name}
 * (another endpoint's sampler, say) or that name followed by {@code :} (the postgres plugin's action
 * sessions, e.g. {@code governor:pg.analyze}), autovacuum workers (VACUUM ignores their snapshots), parallel
 * workers (their leader is reported) and WAL senders whose standby is reported as such. A session's
 * {@code detail} is the start of its query text, which may hold literals: it goes into facts, never into logs.
 */
public final class PostgresSampler implements Sampler {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSampler.class);

    /** How much longer than the statement timeout the driver waits on the socket before giving up. */
    static final Duration SOCKET_MARGIN = Duration.ofSeconds(5);

    private final Clock clock;
    private final PostgresOptions options;
    private final String source;
    private Session session;

    PostgresSampler(Clock clock, PostgresOptions options) {
        this.clock = clock;
        this.options = options;
        this.source = "postgres/" + options.name();
    }

    @Override
    public String source() {
        return source;
    }

    /** The {@code server_version_num} of the server, once connected; 0 before. */
    public synchronized int serverVersion() {
        return session == null ? 0 : session.version;
    }

    @Override
    public synchronized List<Fact> sample() throws SQLException {
        if (session == null) {
            session = Session.open(options);
        }
        try {
            Instant at = clock.instant();
            List<Fact> facts = new ArrayList<>();
            if (options.samples(View.SERVER)) {
                facts.add(server(at));
            }
            if (options.samples(View.DATABASES)) {
                facts.addAll(databases(at));
            }
            if (options.samples(View.HOLDERS)) {
                facts.addAll(holders(at));
            }
            if (options.samples(View.VACUUM)) {
                facts.addAll(vacuumProgress(at));
            }
            if (options.samples(View.TABLES)) {
                facts.addAll(tables(at));
            }
            return facts;
        } catch (SQLException e) {
            closeSession();
            throw e;
        }
    }

    private PgServer server(Instant at) throws SQLException {
        Map<String, String> settings = new HashMap<>();
        PreparedStatement settingsQuery = session.statement("settings", PostgresQueries.SETTINGS_QUERY);
        settingsQuery.setArray(1, session.settingNames);
        try (ResultSet rs = settingsQuery.executeQuery()) {
            while (rs.next()) {
                settings.put(rs.getString(1), rs.getString(2));
            }
        }
        try (ResultSet rs = session.statement("connections", PostgresQueries.CONNECTIONS).executeQuery()) {
            rs.next();
            int reserved = intSetting(settings, "superuser_reserved_connections") + intSetting(settings, "reserved_connections");
            return new PgServer(options.name(), session.version, intSetting(settings, "max_connections"), reserved,
                    rs.getInt("connections"), rs.getInt("active"), rs.getInt("idle"), rs.getInt("idle_in_transaction"),
                    rs.getInt("waiting_on_lock"), rs.getInt("autovacuum_workers"),
                    intSetting(settings, "autovacuum_max_workers"), settings, at);
        }
    }

    private List<PgDatabase> databases(Instant at) throws SQLException {
        // Wraparound stops assigning IDs 3 million short of it since PostgreSQL 14 (1 million xids and 100 multixacts on 13).
        long xidStopMargin = session.version >= 140000 ? 3_000_000L : 1_000_000L;
        long mxidStopMargin = session.version >= 140000 ? 3_000_000L : 100L;
        List<PgDatabase> facts = new ArrayList<>();
        try (ResultSet rs = session.statement("databases", PostgresQueries.DATABASES).executeQuery()) {
            while (rs.next()) {
                long xidAge = rs.getLong("xid_age");
                long mxidAge = rs.getLong("mxid_age");
                facts.add(new PgDatabase(options.name(), rs.getString("datname"), xidAge, mxidAge,
                        rs.getLong("freeze_max_age"), PgDatabase.WRAPAROUND - xidStopMargin - xidAge,
                        PgDatabase.WRAPAROUND - mxidStopMargin - mxidAge, rs.getBoolean("datallowconn"),
                        rs.getInt("sessions"), at));
            }
        }
        return facts;
    }

    private List<PgHorizonHolder> holders(Instant at) throws SQLException {
        PreparedStatement query = session.statement("holders", PostgresQueries.HOLDERS);
        // Governor's own sessions: the samplers' (applicationName) and the plugins' (applicationName:ACTION).
        String own = options.database().applicationName();
        query.setString(1, own);
        query.setString(2, own);
        query.setString(3, own);
        List<PgHorizonHolder> facts = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                facts.add(new PgHorizonHolder(options.name(), rs.getString("kind"), rs.getString("id"),
                        rs.getString("datname"), (Integer) rs.getObject("pid"), rs.getString("state"),
                        rs.getString("usr"), rs.getString("application"), rs.getString("client_address"),
                        rs.getString("backend_type"), rs.getLong("xid_age"), instant(rs, "backend_start"),
                        instant(rs, "xact_start"), rs.getDouble("held_seconds"), rs.getDouble("in_state_seconds"),
                        rs.getString("detail"), at));
            }
        }
        return facts;
    }

    private List<PgVacuumProgress> vacuumProgress(Instant at) throws SQLException {
        List<PgVacuumProgress> facts = new ArrayList<>();
        try (ResultSet rs = session.statement("vacuum", PostgresQueries.vacuumProgress(session.version)).executeQuery()) {
            while (rs.next()) {
                Double delay = (Double) rs.getObject("delay_seconds");
                facts.add(new PgVacuumProgress(options.name(), rs.getString("datname"), rs.getInt("pid"),
                        rs.getString("schema_name"), rs.getString("table_name"), rs.getLong("relid"),
                        rs.getString("phase"), rs.getBoolean("autovacuum"), rs.getBoolean("for_wraparound"),
                        rs.getDouble("running_seconds"), rs.getLong("heap_blks_total"), rs.getLong("heap_blks_scanned"),
                        rs.getLong("heap_blks_vacuumed"), rs.getLong("index_vacuum_count"),
                        longOrNull(rs, "max_dead_tuples"), longOrNull(rs, "num_dead_tuples"),
                        longOrNull(rs, "max_dead_tuple_bytes"), longOrNull(rs, "dead_tuple_bytes"),
                        longOrNull(rs, "num_dead_item_ids"), longOrNull(rs, "indexes_total"),
                        longOrNull(rs, "indexes_processed"), delay, rs.getString("wait_event"), at));
            }
        }
        return facts;
    }

    private List<PgTable> tables(Instant at) throws SQLException {
        PreparedStatement query = session.statement("tables", PostgresQueries.tables(session.version));
        query.setArray(1, session.schemas);
        query.setArray(2, session.excludeSchemas);
        query.setArray(3, session.tables);
        query.setArray(4, session.tables);
        query.setInt(5, options.top() == null ? Integer.MAX_VALUE : options.top());
        List<PgTable> facts = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
            AutovacuumFormula.Settings settings = null;
            while (rs.next()) {
                if (settings == null) {
                    settings = new AutovacuumFormula.Settings(session.version, rs.getBoolean("av_active"),
                            rs.getInt("vac_base"), rs.getDouble("vac_scale"), rs.getInt("vac_max"), rs.getInt("ins_base"),
                            rs.getDouble("ins_scale"), rs.getInt("anl_base"), rs.getDouble("anl_scale"),
                            rs.getLong("freeze_max_age"), rs.getLong("mxid_freeze_max_age"));
                }
                facts.add(table(rs, settings, at));
            }
        }
        return facts;
    }

    private PgTable table(ResultSet rs, AutovacuumFormula.Settings settings, Instant at) throws SQLException {
        String schema = rs.getString("schema_name");
        String name = rs.getString("table_name");
        double reltuples = Math.max(0.0, rs.getDouble("reltuples"));
        long pages = Math.max(0, rs.getLong("relpages"));
        long dead = Math.max(0, rs.getLong("dead_tuples"));
        long inserted = Math.max(0, rs.getLong("inserts_since_vacuum"));
        long modified = Math.max(0, rs.getLong("mods_since_analyze"));
        long xidAge = Math.max(0, rs.getLong("xid_age"));
        long mxidAge = Math.max(0, rs.getLong("mxid_age"));
        AutovacuumFormula.TableOptions tableOptions = new AutovacuumFormula.TableOptions(
                (Boolean) rs.getObject("r_enabled"), doubleOrNull(rs, "r_vac_base"), doubleOrNull(rs, "r_vac_scale"),
                doubleOrNull(rs, "r_vac_max"), doubleOrNull(rs, "r_ins_base"), doubleOrNull(rs, "r_ins_scale"),
                doubleOrNull(rs, "r_anl_base"), doubleOrNull(rs, "r_anl_scale"), longOrNull(rs, "r_freeze_max_age"),
                longOrNull(rs, "r_mxid_freeze_max_age"));
        boolean analyzable = !("pg_catalog".equals(schema) && "pg_statistic".equals(name));
        AutovacuumFormula.Decision decision = AutovacuumFormula.decide(settings, tableOptions,
                new AutovacuumFormula.TableState(reltuples, pages, rs.getLong("relallfrozen"), dead, inserted, modified,
                        xidAge, mxidAge, analyzable));
        return new PgTable(options.name(), schema, name, rs.getLong("relid"), Math.max(0, rs.getLong("live_tuples")),
                dead, modified, inserted, reltuples, pages, Math.max(0, rs.getLong("size_bytes")), xidAge, mxidAge,
                instant(rs, "last_vacuum"), instant(rs, "last_autovacuum"), instant(rs, "last_analyze"),
                instant(rs, "last_autoanalyze"), rs.getLong("vacuum_count"), rs.getLong("autovacuum_count"),
                rs.getLong("analyze_count"), rs.getLong("autoanalyze_count"), decision.enabled(),
                decision.vacuumThreshold(), decision.insertThreshold(), decision.analyzeThreshold(),
                decision.freezeMaxAge(), decision.vacuumDue(), decision.analyzeDue(), decision.wraparoundDue(), at);
    }

    private static int intSetting(Map<String, String> settings, String name) {
        String value = settings.get(name);
        return value == null ? 0 : Integer.parseInt(value);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Double doubleOrNull(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    @Override
    public synchronized void close() {
        closeSession();
    }

    private void closeSession() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    /** The connection, its server's version and the statements prepared on it; all go together. */
    private static final class Session {

        final Connection connection;
        final int version;
        final Map<String, PreparedStatement> statements = new HashMap<>();
        final Array schemas;
        final Array excludeSchemas;
        final Array tables;
        final Array settingNames;

        private Session(Connection connection, int version, PostgresOptions options) throws SQLException {
            this.connection = connection;
            this.version = version;
            this.schemas = connection.createArrayOf("text", options.schemas().toArray());
            this.excludeSchemas = connection.createArrayOf("text", options.excludeSchemas().toArray());
            this.tables = connection.createArrayOf("text", options.tables().toArray());
            this.settingNames = connection.createArrayOf("text", PostgresQueries.SETTINGS.toArray());
        }

        static Session open(PostgresOptions options) throws SQLException {
            GovernorConfig.Database db = options.database();
            Properties props = new Properties();
            if (db.user() != null) {
                props.setProperty("user", db.user());
            }
            if (db.password() != null) {
                props.setProperty("password", db.password());
            }
            props.setProperty("ApplicationName", db.applicationName());
            props.setProperty("connectTimeout", Long.toString(seconds(db.connectTimeout())));
            props.setProperty("loginTimeout", Long.toString(seconds(db.connectTimeout())));
            props.setProperty("socketTimeout", Long.toString(seconds(db.queryTimeout().plus(SOCKET_MARGIN))));
            props.setProperty("readOnly", "true");
            LOG.debug("Connecting to PostgreSQL {} as {}", options.name(), db.user());
            Connection connection = DriverManager.getConnection(db.url(), props);
            try {
                connection.setAutoCommit(true);
                int version;
                try (PreparedStatement setup = connection.prepareStatement(PostgresQueries.SESSION_SETUP)) {
                    setup.setString(1, Long.toString(db.queryTimeout().toMillis()));
                    setup.setString(2, Long.toString(db.lockTimeout().toMillis()));
                    try (ResultSet rs = setup.executeQuery()) {
                        rs.next();
                        version = rs.getInt(1);
                    }
                }
                if (version < PostgresQueries.MIN_VERSION) {
                    throw new SQLException("PostgreSQL " + version / 10_000 + " (server_version_num " + version
                            + ") is not supported: governor-sample:postgres needs PostgreSQL 13 or newer", "0A000");
                }
                LOG.debug("Connected to PostgreSQL {}: server_version_num {}", options.name(), version);
                return new Session(connection, version, options);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(connection);
                throw e;
            }
        }

        PreparedStatement statement(String key, String sql) throws SQLException {
            PreparedStatement statement = statements.get(key);
            if (statement == null) {
                statement = connection.prepareStatement(sql);
                statements.put(key, statement);
            }
            return statement;
        }

        void close() {
            closeQuietly(connection);
        }

        private static void closeQuietly(Connection connection) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing a PostgreSQL connection failed: {}", e.getMessage());
            }
        }

        /** Whole seconds, rounded up, at least 1: what the driver's timeouts take. */
        private static long seconds(Duration d) {
            return Math.max(1, (d.toMillis() + 999) / 1000);
        }
    }
}
