package dev.governor.engine.sample.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Fact;
import dev.governor.api.PgDatabase;
import dev.governor.api.PgHorizonHolder;
import dev.governor.api.PgServer;
import dev.governor.api.PgTable;
import dev.governor.api.PgVacuumProgress;
import dev.governor.engine.config.GovernorConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the PostgreSQL sampler must do on every supported server, run against each one by a subclass.
 * Each class works in a database of its own, created at the start and dropped at the end; every session
 * a test opens is ended by the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PostgresSamplerContract {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSamplerContract.class);

    /** Statistics reach the shared view within about a second of a forced flush; allow for a slow machine. */
    private static final Duration STATS_WAIT = Duration.ofSeconds(20);

    /**
     * A server to test against.
     *
     * @param major               the major version it runs
     * @param host                host name
     * @param port                port
     * @param user                a superuser
     * @param autovacuumRuns      autovacuum runs with a short naptime, so tests can watch what it does
     */
    record Server(int major, String host, int port, String user, boolean autovacuumRuns) {
        String url(String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }
    }

    /** Starts (or finds) the server; called once per class. */
    abstract Server startServer() throws Exception;

    /** Stops the server if this class started it. */
    abstract void stopServer() throws Exception;

    Server server;
    String database;
    Connection admin;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    void createDatabase() throws Exception {
        server = startServer();
        database = "governor_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(server.url("postgres"), server.user(), null);
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        admin = open("governor-it-admin");
    }

    @AfterAll
    void dropDatabase() throws Exception {
        try {
            if (admin != null) {
                admin.close();
            }
            try (Connection c = DriverManager.getConnection(server.url("postgres"), server.user(), null);
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        } finally {
            stopServer();
        }
    }

    @AfterEach
    void closeWhatTheTestOpened() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }

    // ---------------------------------------------------------------------------------------------
    // Tables

    @Test
    void deadTuplesAppearAfterUpdates() throws Exception {
        exec("CREATE TABLE dead_rows (id int PRIMARY KEY, v int) WITH (autovacuum_enabled = false)");
        write("INSERT INTO dead_rows SELECT g, 0 FROM generate_series(1, 1000) g");
        PostgresSampler sampler = sampler("facts", "tables", "tables", "dead_rows");
        awaitTable(sampler, "dead_rows", t -> t.insertsSinceVacuum() == 1000);
        exec("ANALYZE dead_rows");
        awaitTable(sampler, "dead_rows", t -> t.analyzeCount() == 1 && t.modsSinceAnalyze() == 0);
        write("UPDATE dead_rows SET v = 1 WHERE id <= 300");

        PgTable t = awaitTable(sampler, "dead_rows", x -> x.deadTuples() >= 300);

        assertThat(t.deadTuples()).isEqualTo(300);
        assertThat(t.liveTuples()).isEqualTo(1000);
        assertThat(t.modsSinceAnalyze()).isEqualTo(300);
        assertThat(t.insertsSinceVacuum()).isEqualTo(1000);
        assertThat(t.reltuples()).isEqualTo(1000.0);
        assertThat(t.pages()).isPositive();
        assertThat(t.sizeBytes()).isEqualTo(t.pages() * 8192);
        assertThat(t.relid()).isEqualTo(queryLong("SELECT 'dead_rows'::regclass::oid"));
        assertThat(t.database()).isEqualTo("it");
        assertThat(t.schema()).isEqualTo("public");
        assertThat(t.lastAnalyze()).isNotNull();
        assertThat(t.lastVacuum()).isNull();
        assertThat(t.xidAge()).isPositive();
        assertThat(t.autovacuumEnabled()).isFalse();
    }

    @Test
    void predictsWhatAutovacuumDoesAtTheThreshold() throws Exception {
        for (String table : List.of("av_above", "av_below")) {
            exec("CREATE TABLE " + table + " (id int PRIMARY KEY, v int) WITH (autovacuum_enabled = false)");
            write("INSERT INTO " + table + " SELECT g, 0 FROM generate_series(1, 10000) g");
        }
        PostgresSampler sampler = sampler("facts", "tables", "tables", "av_*");
        awaitTables(sampler, ts -> ts.size() == 2 && ts.stream().allMatch(t -> t.insertsSinceVacuum() == 10_000));
        exec("VACUUM ANALYZE av_above");
        exec("VACUUM ANALYZE av_below");
        awaitTables(sampler, ts -> ts.stream().allMatch(t -> t.insertsSinceVacuum() == 0 && t.modsSinceAnalyze() == 0
                && t.reltuples() == 10_000 && t.deadTuples() == 0));
        write("UPDATE av_above SET v = 1 WHERE id <= 2051", "UPDATE av_below SET v = 1 WHERE id <= 2050");

        Map<String, PgTable> tables = byName(awaitTables(sampler, ts -> ts.stream().allMatch(t -> t.deadTuples() >= 2050)));

        PgTable above = tables.get("av_above");
        PgTable below = tables.get("av_below");
        assertThat(above.deadTuples()).isEqualTo(2051);
        assertThat(below.deadTuples()).isEqualTo(2050);
        // 50 + 0.2 * 10000 dead rows, compared strictly; 50 + 0.1 * 10000 modified rows; 1000 + 0.2 * 10000 inserts.
        assertThat(above.vacuumThreshold()).isEqualTo(2050.0);
        assertThat(below.vacuumThreshold()).isEqualTo(2050.0);
        assertThat(above.analyzeThreshold()).isEqualTo(1050.0);
        assertThat(above.insertThreshold()).isEqualTo(3000.0);
        assertThat(above.vacuumDue()).isTrue();
        assertThat(below.vacuumDue()).isFalse();
        assertThat(above.analyzeDue()).isTrue();
        assertThat(below.analyzeDue()).isTrue();
        assertThat(above.wraparoundDue()).isFalse();
        assertThat(above.autovacuumEnabled()).isFalse();

        if (!server.autovacuumRuns()) {
            LOG.info("PostgreSQL {}: autovacuum does not run here with a short naptime; the prediction alone was checked",
                    server.major());
            return;
        }
        exec("ALTER TABLE av_above SET (autovacuum_enabled = true)");
        exec("ALTER TABLE av_below SET (autovacuum_enabled = true)");
        Map<String, PgTable> after = byName(awaitTables(sampler, Duration.ofSeconds(30), ts -> {
            Map<String, PgTable> m = byName(ts);
            return m.get("av_above").autovacuumCount() > 0 && m.get("av_below").autoanalyzeCount() > 0;
        }));
        assertThat(after.get("av_above").autovacuumEnabled()).isTrue();
        assertThat(after.get("av_above").lastAutovacuum()).isNotNull();
        // autovacuum visited av_below (it analyzed it) and, as predicted, did not vacuum it.
        assertThat(after.get("av_below").autovacuumCount()).isZero();
        assertThat(after.get("av_below").lastAutovacuum()).isNull();
    }

    @Test
    void storageParametersChangeTheThresholds() throws Exception {
        exec("""
                CREATE TABLE custom_thresholds (id int) WITH (autovacuum_enabled = false,
                  autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 100,
                  autovacuum_vacuum_insert_threshold = -1, autovacuum_analyze_scale_factor = 0,
                  autovacuum_analyze_threshold = 7, autovacuum_freeze_max_age = 150000000)""");
        exec("CREATE TABLE plain_thresholds (id int)");

        Map<String, PgTable> tables = byName(sample(sampler("facts", "tables", "tables", "*_thresholds"), PgTable.class));

        PgTable custom = tables.get("custom_thresholds");
        assertThat(custom.vacuumThreshold()).isEqualTo(100.0);
        assertThat(custom.insertThreshold()).isNull();
        assertThat(custom.analyzeThreshold()).isEqualTo(7.0);
        assertThat(custom.freezeMaxAge()).isEqualTo(150_000_000L);
        assertThat(custom.autovacuumEnabled()).isFalse();
        // Never vacuumed or analyzed: reltuples is -1 on 14+, counted as 0 as autovacuum does.
        PgTable plain = tables.get("plain_thresholds");
        assertThat(plain.reltuples()).isZero();
        assertThat(plain.vacuumThreshold()).isEqualTo(50.0);
        assertThat(plain.insertThreshold()).isEqualTo(1000.0);
        assertThat(plain.freezeMaxAge()).isEqualTo(queryLong("SELECT current_setting('autovacuum_freeze_max_age')::bigint"));
    }

    @Test
    void postgres18CapsTheVacuumThresholdAndScalesInsertsByTheUnfrozenShare() throws Exception {
        boolean pg18 = server.major() >= 18;
        exec("CREATE TABLE capped (id int) WITH (autovacuum_enabled = false, autovacuum_vacuum_threshold = 1000"
                + (pg18 ? ", autovacuum_vacuum_max_threshold = 500)" : ")"));
        exec("CREATE TABLE frozen_inserts (id int) WITH (autovacuum_enabled = false)");
        exec("INSERT INTO frozen_inserts SELECT g FROM generate_series(1, 10000) g");
        exec("VACUUM (FREEZE) frozen_inserts");
        if (pg18) {
            // A snapshot taken before the insert (an autoanalyze elsewhere in the database, say) keeps rows unfrozen: retry.
            await(() -> {
                exec("VACUUM (FREEZE) frozen_inserts");
                return queryLong("SELECT relpages - relallfrozen FROM pg_class WHERE relname = 'frozen_inserts'");
            }, notFrozen -> notFrozen == 0, Duration.ofSeconds(10));
        }

        Map<String, PgTable> tables = byName(sample(sampler("facts", "tables", "tables", "capped,frozen_inserts"),
                PgTable.class));

        assertThat(tables.get("capped").vacuumThreshold()).isEqualTo(pg18 ? 500.0 : 1000.0);
        PgTable frozen = tables.get("frozen_inserts");
        assertThat(frozen.reltuples()).isEqualTo(10_000.0);
        // Every page is all-frozen: on 18 only the base of 1000 is left; before 18, 1000 + 0.2 * 10000.
        assertThat(frozen.insertThreshold()).isEqualTo(pg18 ? 1000.0 : 3000.0);
    }

    @Test
    void schemaAndTableFiltersAndTopRunInTheQuery() throws Exception {
        exec("CREATE SCHEMA s_a");
        exec("CREATE SCHEMA s_b");
        for (String table : List.of("s_a.t1", "s_a.t2", "s_a.t3", "s_a.\"odd(name)\"", "s_b.t1", "s_b.t2", "s_b.t3")) {
            exec("CREATE TABLE " + table + " (id int PRIMARY KEY, v int) WITH (autovacuum_enabled = false)");
            exec("INSERT INTO " + table + " SELECT g, 0 FROM generate_series(1, 400) g");
        }
        write("UPDATE s_a.t1 SET v = 1 WHERE id <= 300", "UPDATE s_b.t2 SET v = 1 WHERE id <= 200",
                "UPDATE s_a.t3 SET v = 1 WHERE id <= 100");
        awaitTables(sampler("facts", "tables", "schemas", "s_a,s_b"),
                ts -> ts.stream().mapToLong(PgTable::deadTuples).sum() == 600);

        assertThat(names("schemas", "s_a"))
                .containsExactlyInAnyOrder("s_a.t1", "s_a.t2", "s_a.t3", "s_a.odd(name)");
        assertThat(names("schemas", "s_*", "excludeSchemas", "s_b"))
                .containsExactlyInAnyOrder("s_a.t1", "s_a.t2", "s_a.t3", "s_a.odd(name)");
        // excludeSchemas replaces the default exclusions.
        assertThat(names("excludeSchemas", "s_b,pg_catalog")).contains("s_a.t1")
                .noneMatch(n -> n.startsWith("s_b.")).noneMatch(n -> n.startsWith("pg_catalog."));
        // By default the catalogs are sampled (they bloat too), information_schema is not.
        assertThat(names()).contains("s_a.t1", "s_b.t1", "pg_catalog.pg_class", "pg_catalog.pg_attribute")
                .noneMatch(n -> n.startsWith("information_schema."));
        assertThat(names("schemas", "pg_catalog")).contains("pg_catalog.pg_class", "pg_catalog.pg_statistic")
                .allMatch(n -> n.startsWith("pg_catalog."));
        assertThat(names("schemas", "s_a,s_b", "tables", "s_b.t1,t2"))
                .containsExactlyInAnyOrder("s_b.t1", "s_a.t2", "s_b.t2");
        assertThat(names("tables", "s_?.t3")).containsExactlyInAnyOrder("s_a.t3", "s_b.t3");
        // Globs are not regular expressions nor LIKE patterns: ( ) . _ match only themselves.
        assertThat(names("tables", "odd(name)")).containsExactly("s_a.odd(name)");
        assertThat(names("tables", "odd?name?")).containsExactly("s_a.odd(name)");
        assertThat(names("tables", "s_a.t_")).isEmpty();
        assertThat(names("tables", "s.a.t1")).isEmpty();
        // The two with the most dead rows, most first.
        assertThat(names("schemas", "s_a,s_b", "top", "2")).containsExactly("s_a.t1", "s_b.t2");
    }

    @Test
    void topNeverHidesATableDueForAntiWraparoundVacuum() throws Exception {
        exec("CREATE TABLE old_xids (id int) WITH (autovacuum_enabled = false, autovacuum_freeze_max_age = 100000)");
        exec("CREATE TABLE many_dead (id int PRIMARY KEY, v int) WITH (autovacuum_enabled = false)");
        write("INSERT INTO many_dead SELECT g, 0 FROM generate_series(1, 100) g", "UPDATE many_dead SET v = 1");
        try (Connection locker = connect("governor-it-locker")) {
            // Keeps autovacuum's anti-wraparound vacuum (which ignores autovacuum_enabled) off the table meanwhile.
            locker.setAutoCommit(false);
            locker.createStatement().execute("LOCK TABLE old_xids IN SHARE UPDATE EXCLUSIVE MODE");
            burnTransactionIds(100_500);
            PostgresSampler sampler = sampler("facts", "tables", "tables", "old_xids,many_dead", "top", "1");

            List<PgTable> tables = awaitTables(sampler, ts -> ts.stream().anyMatch(t -> t.deadTuples() == 100));

            assertThat(tables).extracting(PgTable::table).containsExactlyInAnyOrder("many_dead", "old_xids");
            PgTable old = byName(tables).get("old_xids");
            assertThat(old.xidAge()).isGreaterThan(100_000);
            assertThat(old.freezeMaxAge()).isEqualTo(100_000);
            assertThat(old.wraparoundDue()).isTrue();
            assertThat(old.vacuumDue()).isTrue();
            assertThat(old.deadTuples()).isZero();
            locker.rollback();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Horizon holders

    @Test
    void sessionsThatPinTheHorizonAreHoldersAndAgeAsTransactionIdsBurn() throws Exception {
        exec("CREATE TABLE holder_rows (id int PRIMARY KEY, v int)");
        exec("INSERT INTO holder_rows VALUES (1, 0)");
        // The simple query protocol, as psql speaks it: over the extended protocol the driver's last unnamed
        // portal stays open until the next statement, and its snapshot pins the horizon even under READ COMMITTED.
        Connection repeatableRead = connect("governor-it-rr", "preferQueryMode", "simple");
        Connection readCommitted = connect("governor-it-rc", "preferQueryMode", "simple");
        Connection writer = connect("governor-it-writer", "preferQueryMode", "simple");
        // A session of Governor's own postgres plugin (applicationName:ACTION) pins too, but is never reported.
        Connection ownAction = connect("governor-it:pg.analyze", "preferQueryMode", "simple");
        int ownActionPid = pid(ownAction);
        ownAction.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        int rrPid = pid(repeatableRead);
        int rcPid = pid(readCommitted);
        int writerPid = pid(writer);
        repeatableRead.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        for (Connection c : List.of(repeatableRead, readCommitted, writer, ownAction)) {
            c.setAutoCommit(false);
        }
        try {
            ownAction.createStatement().executeQuery("SELECT count(*) FROM holder_rows").close();
            repeatableRead.createStatement().executeQuery("SELECT count(*) FROM holder_rows").close();
            readCommitted.createStatement().executeQuery("SELECT count(*) FROM holder_rows").close();
            writer.createStatement().executeUpdate("UPDATE holder_rows SET v = v + 1 WHERE id = 1");
            PostgresSampler sampler = sampler("facts", "holders");

            Map<Integer, PgHorizonHolder> first = byPid(sample(sampler, PgHorizonHolder.class));
            burnTransactionIds(30);
            Map<Integer, PgHorizonHolder> second = byPid(sample(sampler, PgHorizonHolder.class));

            assertThat(first).containsKeys(rrPid, writerPid).doesNotContainKeys(rcPid, ownActionPid);
            assertThat(second).containsKeys(rrPid, writerPid).doesNotContainKey(rcPid);
            PgHorizonHolder rr = first.get(rrPid);
            assertThat(rr.kind()).isEqualTo(PgHorizonHolder.SESSION);
            assertThat(rr.id()).isEqualTo(Integer.toString(rrPid));
            assertThat(rr.target()).isEqualTo("it/" + rrPid);
            assertThat(rr.database()).isEqualTo("it");
            assertThat(rr.datname()).isEqualTo(database);
            assertThat(rr.state()).isEqualTo("idle in transaction");
            assertThat(rr.idleInTransaction()).isTrue();
            assertThat(rr.user()).isEqualTo(server.user());
            assertThat(rr.application()).isEqualTo("governor-it-rr");
            assertThat(rr.backendType()).isEqualTo("client backend");
            assertThat(rr.clientAddress()).isNotBlank();
            assertThat(rr.backendStart()).isNotNull();
            assertThat(rr.xactStart()).isNotNull().isAfterOrEqualTo(rr.backendStart());
            assertThat(rr.detail()).contains("holder_rows");
            assertThat(first.get(writerPid).detail()).startsWith("UPDATE holder_rows");
            // Both hold on to an old transaction ID: 30 more transactions make them 30 older, at least.
            assertThat(second.get(rrPid).xidAge()).isGreaterThanOrEqualTo(rr.xidAge() + 30);
            assertThat(second.get(writerPid).xidAge()).isGreaterThanOrEqualTo(first.get(writerPid).xidAge() + 30);
            assertThat(second.get(rrPid).heldSeconds()).isGreaterThan(rr.heldSeconds());
            assertThat(second.get(rrPid).inStateSeconds()).isGreaterThan(rr.inStateSeconds());
            // Governor's own session is never a holder.
            assertThat(second.values()).noneMatch(h -> "governor-it".equals(h.application()));
        } finally {
            for (Connection c : List.of(repeatableRead, readCommitted, writer, ownAction)) {
                c.rollback();
            }
        }
    }

    @Test
    void aPreparedTransactionIsAHolder() throws Exception {
        OwnServer target = ownServer();
        String gid = "governor-it-" + UUID.randomUUID();
        try (Connection c = target.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE prepared_rows (id int)");
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO prepared_rows VALUES (1)");
            s.execute("PREPARE TRANSACTION '" + gid + "'");
            c.setAutoCommit(true);
            try {
                PgHorizonHolder prepared = sample(sampler(target.server(), target.database()), PgHorizonHolder.class)
                        .stream()
                        .filter(h -> h.kind().equals(PgHorizonHolder.PREPARED) && h.id().equals(gid))
                        .findFirst().orElseThrow(() -> new AssertionError("prepared transaction " + gid + " not reported"));

                assertThat(prepared.datname()).isEqualTo(target.database());
                assertThat(prepared.user()).isEqualTo(target.server().user());
                assertThat(prepared.pid()).isNull();
                assertThat(prepared.target()).isNull();
                assertThat(prepared.state()).isNull();
                assertThat(prepared.xactStart()).isNotNull();
                assertThat(prepared.xidAge()).isGreaterThanOrEqualTo(0);
                assertThat(prepared.heldSeconds()).isGreaterThanOrEqualTo(0.0);
                assertThat(prepared.detail()).startsWith("prepared transaction ");
            } finally {
                s.execute("ROLLBACK PREPARED '" + gid + "'");
                s.execute("DROP TABLE prepared_rows");
            }
        }
    }

    @Test
    void aLogicalReplicationSlotIsAHolderThroughItsCatalogXmin() throws Exception {
        OwnServer target = ownServer();
        String slot = "governor_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = target.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
            try {
                PgHorizonHolder held = await(() -> sample(sampler(target.server(), target.database()), PgHorizonHolder.class)
                        .stream().filter(h -> h.kind().equals(PgHorizonHolder.REPLICATION_SLOT) && h.id().equals(slot))
                        .findFirst(), Optional::isPresent, Duration.ofSeconds(5)).get();

                assertThat(held.datname()).isEqualTo(target.database());
                assertThat(held.state()).isEqualTo("inactive");
                assertThat(held.application()).isEqualTo("pgoutput");
                assertThat(held.pid()).isNull();
                assertThat(held.user()).isNull();
                assertThat(held.xidAge()).isGreaterThanOrEqualTo(0);
                assertThat(held.heldSeconds()).isZero();
                assertThat(held.detail()).startsWith("logical slot, xmin -, catalog_xmin ");
            } finally {
                s.execute("SELECT pg_drop_replication_slot('" + slot + "')");
            }
        }
    }

    /**
     * A server whose settings these tests chose ({@code max_prepared_transactions > 0},
     * {@code wal_level = logical}), with a database to use: by default this class's server and
     * database; a subclass whose server is not its own to configure supplies one of the same version.
     */
    OwnServer ownServer() throws Exception {
        return new OwnServer(server, database);
    }

    /** A server and a database on it. */
    record OwnServer(Server server, String database) {
        Connection connect() throws SQLException {
            return DriverManager.getConnection(server.url(database), server.user(), null);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Databases, server, running vacuums

    @Test
    void everyDatabaseHasItsWraparoundDistance() throws Exception {
        long freezeMaxAge = queryLong("SELECT current_setting('autovacuum_freeze_max_age')::bigint");

        Map<String, PgDatabase> databases = new HashMap<>();
        for (PgDatabase d : sample(sampler("facts", "databases"), PgDatabase.class)) {
            databases.put(d.datname(), d);
        }
        long ageAfter = queryLong("SELECT age(datfrozenxid) FROM pg_database WHERE datname = current_database()");

        assertThat(databases).containsKeys(database, "postgres", "template0", "template1");
        PgDatabase ours = databases.get(database);
        assertThat(ours.database()).isEqualTo("it");
        assertThat(ours.xidAge()).isPositive().isLessThanOrEqualTo(ageAfter);
        assertThat(ours.xidAge()).isLessThan(freezeMaxAge);
        assertThat(ours.xidsUntilStop()).isEqualTo(PgDatabase.WRAPAROUND - 3_000_000 - ours.xidAge());
        assertThat(ours.mxidsUntilStop()).isEqualTo(PgDatabase.WRAPAROUND - 3_000_000 - ours.mxidAge());
        assertThat(ours.freezeMaxAge()).isEqualTo(freezeMaxAge);
        assertThat(ours.allowConnections()).isTrue();
        assertThat(ours.connections()).isGreaterThanOrEqualTo(2); // the admin session and the sampler's
        assertThat(databases.get("template0").allowConnections()).isFalse();
    }

    @Test
    void theServerReportsItsVersionConnectionsAndSettings() throws Exception {
        Connection idleInTransaction = connect("governor-it-idle-tx");
        idleInTransaction.setAutoCommit(false);
        idleInTransaction.createStatement().executeQuery("SELECT 1").close();
        exec("CREATE TABLE locked_rows (id int)");
        Connection locker = connect("governor-it-locker");
        locker.setAutoCommit(false);
        locker.createStatement().execute("LOCK TABLE locked_rows IN ACCESS EXCLUSIVE MODE");
        Connection waiter = connect("governor-it-waiter");
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try (Statement s = waiter.createStatement()) {
                s.execute("SET lock_timeout = '20s'");
                s.executeQuery("SELECT count(*) FROM locked_rows").close();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            PostgresSampler sampler = sampler("facts", "server");

            PgServer srv = await(() -> sample(sampler, PgServer.class).get(0), s -> s.waitingOnLock() >= 1, STATS_WAIT);

            assertThat(srv.database()).isEqualTo("it");
            assertThat(srv.version()).isEqualTo((int) queryLong("SELECT current_setting('server_version_num')::int"));
            assertThat(srv.majorVersion()).isEqualTo(server.major());
            assertThat(srv.maxConnections()).isEqualTo((int) queryLong("SELECT current_setting('max_connections')::int"));
            long reserved = queryLong("SELECT current_setting('superuser_reserved_connections')::int")
                    + (server.major() >= 16 ? queryLong("SELECT current_setting('reserved_connections')::int") : 0);
            assertThat(srv.reservedConnections()).isEqualTo((int) reserved);
            assertThat(srv.connections()).isGreaterThanOrEqualTo(5);
            assertThat(srv.active()).isGreaterThanOrEqualTo(2); // the sampler itself and the waiter
            assertThat(srv.idle()).isGreaterThanOrEqualTo(1); // the admin session
            assertThat(srv.idleInTransaction()).isGreaterThanOrEqualTo(2);
            assertThat(srv.autovacuumMaxWorkers())
                    .isEqualTo((int) queryLong("SELECT current_setting('autovacuum_max_workers')::int"));
            assertThat(srv.setting("autovacuum_naptime")).isEqualTo(queryString(
                    "SELECT setting FROM pg_settings WHERE name = 'autovacuum_naptime'"));
            assertThat(srv.settings()).containsKeys("autovacuum", "autovacuum_vacuum_scale_factor",
                    "idle_in_transaction_session_timeout", "vacuum_freeze_table_age", "max_prepared_transactions");
            // The sampler's own statement_timeout (10 s) is not what the server says.
            assertThat(srv.setting("statement_timeout")).isEqualTo(queryString(
                    "SELECT setting FROM pg_settings WHERE name = 'statement_timeout'"));
            if (server.major() >= 17) {
                assertThat(srv.settings()).containsKey("transaction_timeout");
            } else {
                assertThat(srv.settings()).doesNotContainKey("transaction_timeout");
            }
            if (server.major() >= 18) {
                assertThat(srv.settings()).containsKeys("autovacuum_vacuum_max_threshold", "autovacuum_worker_slots");
            } else {
                assertThat(srv.settings()).doesNotContainKey("autovacuum_vacuum_max_threshold");
            }
        } finally {
            locker.rollback();
            waiting.join();
            idleInTransaction.rollback();
        }
    }

    @Test
    void aRunningVacuumIsSeenWithTheColumnsOfItsVersion() throws Exception {
        exec("CREATE TABLE slow_vacuum (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = false)");
        exec("INSERT INTO slow_vacuum SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g");
        exec("DELETE FROM slow_vacuum WHERE id % 2 = 0");
        Connection vacuumer = connect("governor-it-vacuum");
        int vacuumPid = pid(vacuumer);
        CompletableFuture<Void> vacuum = CompletableFuture.runAsync(() -> {
            try (Statement s = vacuumer.createStatement()) {
                // Throttled to a crawl, so it is still running when sampled; cancelled below.
                s.execute("SET vacuum_cost_delay = 100");
                s.execute("SET vacuum_cost_limit = 1");
                s.execute("VACUUM slow_vacuum");
            } catch (SQLException e) {
                if (!"57014".equals(e.getSQLState())) { // canceled
                    throw new IllegalStateException(e);
                }
            }
        });
        try {
            PostgresSampler sampler = sampler("facts", "vacuum");

            PgVacuumProgress p = await(() -> sample(sampler, PgVacuumProgress.class).stream()
                    .filter(v -> v.pid() == vacuumPid).findFirst(), Optional::isPresent, Duration.ofSeconds(15)).get();

            assertThat(p.database()).isEqualTo("it");
            assertThat(p.datname()).isEqualTo(database);
            assertThat(p.schema()).isEqualTo("public");
            assertThat(p.table()).isEqualTo("slow_vacuum");
            assertThat(p.relid()).isEqualTo(queryLong("SELECT 'slow_vacuum'::regclass::oid"));
            assertThat(p.autovacuum()).isFalse();
            assertThat(p.forWraparound()).isFalse();
            assertThat(p.phase()).isNotBlank();
            assertThat(p.heapBlksTotal()).isPositive();
            assertThat(p.runningSeconds()).isGreaterThanOrEqualTo(0.0);
            if (server.major() >= 17) {
                assertThat(p.maxDeadTuples()).isNull();
                assertThat(p.numDeadTuples()).isNull();
                assertThat(p.maxDeadTupleBytes()).isPositive();
                assertThat(p.deadTupleBytes()).isNotNull();
                assertThat(p.numDeadItemIds()).isNotNull();
                assertThat(p.indexesTotal()).isNotNull();
                assertThat(p.indexesProcessed()).isNotNull();
            } else {
                assertThat(p.maxDeadTuples()).isPositive();
                assertThat(p.numDeadTuples()).isNotNull();
                assertThat(p.maxDeadTupleBytes()).isNull();
                assertThat(p.deadTupleBytes()).isNull();
                assertThat(p.numDeadItemIds()).isNull();
                assertThat(p.indexesTotal()).isNull();
                assertThat(p.indexesProcessed()).isNull();
            }
            if (server.major() >= 18) {
                assertThat(p.delaySeconds()).isNotNull().isGreaterThanOrEqualTo(0.0);
            } else {
                assertThat(p.delaySeconds()).isNull();
            }
        } finally {
            exec("SELECT pg_cancel_backend(" + vacuumPid + ")");
            vacuum.join();
        }
    }

    @Test
    void aFullSampleHasEveryKindOfFact() throws Exception {
        exec("CREATE TABLE full_sample (id int)");
        PostgresSampler sampler = sampler();
        sampler.sample();

        long start = System.nanoTime();
        List<Fact> facts = sampler.sample();
        double millis = (System.nanoTime() - start) / 1e6;

        LOG.info("PostgreSQL {}: one full sample ({} facts, {} tables) took {} ms", server.major(), facts.size(),
                facts.stream().filter(PgTable.class::isInstance).count(), String.format(Locale.ROOT, "%.1f", millis));
        assertThat(facts).hasAtLeastOneElementOfType(PgServer.class).hasAtLeastOneElementOfType(PgDatabase.class)
                .hasAtLeastOneElementOfType(PgTable.class);
        assertThat(facts).filteredOn(PgTable.class::isInstance).extracting(f -> ((PgTable) f).table())
                .contains("full_sample");
        assertThat(sampler.source()).isEqualTo("postgres/it");
        assertThat(sampler.serverVersion() / 10_000).isEqualTo(server.major());
    }

    @Test
    void aQueryThatFailsClosesTheConnectionAndTheNextSampleReconnects() throws Exception {
        PostgresSampler sampler = sampler("facts", "server");
        sampler.sample();
        int firstPid = samplerPid();
        exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'governor-it' AND datname = current_database()");

        assertThatThrownBy(sampler::sample).isInstanceOf(SQLException.class);
        assertThat(sampler.sample()).hasSize(1);
        assertThat(samplerPid()).isNotEqualTo(firstPid);
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    PostgresSampler sampler(String... options) {
        return sampler(server, database, options);
    }

    PostgresSampler sampler(Server on, String databaseName, String... options) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < options.length; i += 2) {
            map.put(options[i], options[i + 1]);
        }
        GovernorConfig.Database db = new GovernorConfig.Database(on.url(databaseName), on.user(), null,
                "governor-it", null, null, null);
        PostgresSampler sampler = (PostgresSampler) new PostgresSamplerFactory(Clock.systemUTC(), Map.of("it", db)).create(map);
        opened.add(sampler);
        return sampler;
    }

    private List<String> names(String... options) throws Exception {
        return sample(sampler(concat(options, "facts", "tables")), PgTable.class).stream()
                .map(t -> t.schema() + "." + t.table()).toList();
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    static <T extends Fact> List<T> sample(PostgresSampler sampler, Class<T> type) {
        try {
            return sampler.sample().stream().filter(type::isInstance).map(type::cast).toList();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private PgTable awaitTable(PostgresSampler sampler, String name, Predicate<PgTable> until) throws Exception {
        return byName(awaitTables(sampler, ts -> ts.stream().anyMatch(t -> t.table().equals(name) && until.test(t))))
                .get(name);
    }

    private List<PgTable> awaitTables(PostgresSampler sampler, Predicate<List<PgTable>> until) throws Exception {
        return awaitTables(sampler, STATS_WAIT, until);
    }

    private List<PgTable> awaitTables(PostgresSampler sampler, Duration limit, Predicate<List<PgTable>> until)
            throws Exception {
        return await(() -> sample(sampler, PgTable.class), until, limit);
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    /** Probes every 100 ms until the condition holds; fails with the last value after the limit. */
    static <T> T await(Probe<T> probe, Predicate<T> until, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        T value = probe.get();
        while (!until.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + limit + "; last seen: " + value);
            }
            Thread.sleep(100);
            value = probe.get();
        }
        return value;
    }

    private static Map<String, PgTable> byName(List<PgTable> tables) {
        Map<String, PgTable> map = new HashMap<>();
        tables.forEach(t -> map.put(t.table(), t));
        return map;
    }

    private static Map<Integer, PgHorizonHolder> byPid(List<PgHorizonHolder> holders) {
        Map<Integer, PgHorizonHolder> map = new HashMap<>();
        holders.stream().filter(h -> h.pid() != null).forEach(h -> map.put(h.pid(), h));
        return map;
    }

    /** A session in the test database, ended after the test; more driver properties as name, value pairs. */
    Connection connect(String applicationName, String... properties) throws SQLException {
        Connection c = open(applicationName, properties);
        opened.add(c);
        return c;
    }

    private Connection open(String applicationName, String... properties) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", server.user());
        props.setProperty("ApplicationName", applicationName);
        for (int i = 0; i < properties.length; i += 2) {
            props.setProperty(properties[i], properties[i + 1]);
        }
        return DriverManager.getConnection(server.url(database), props);
    }

    void exec(String sql) throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute(sql);
        }
    }

    /** Runs the statements, then has the session report its statistics at once instead of within ~10 s. */
    private void write(String... statements) throws SQLException {
        for (String sql : statements) {
            exec(sql);
        }
        exec("SELECT pg_stat_force_next_flush()");
    }

    /** Uses up this many transaction IDs, quickly (each transaction commits without waiting for the disk). */
    private void burnTransactionIds(int count) throws SQLException {
        try (Connection c = connect("governor-it-xids"); Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit = off");
            s.execute("DO $$ BEGIN FOR i IN 1.." + count + " LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$");
        }
    }

    long queryLong(String sql) throws SQLException {
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String queryString(String sql) throws SQLException {
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private int samplerPid() throws SQLException {
        return (int) queryLong("SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE application_name = 'governor-it'"
                + " AND datname = current_database()");
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
