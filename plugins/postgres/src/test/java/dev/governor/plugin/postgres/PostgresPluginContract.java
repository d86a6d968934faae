package dev.governor.plugin.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.ActionOutcome.Status;
import dev.governor.spi.ActionHandler;
import dev.governor.spi.Database;
import dev.governor.spi.PluginContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The postgres plugin against a real server: the subclasses give one (the shared PostgreSQL 15, an
 * embedded 17). Every test builds its own tables in a database of the tests' own and ends every session
 * it opens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PostgresPluginContract {

    /** A server to test against: where it is and which role is its superuser. */
    record Server(String host, int port, String superuser) {
    }

    abstract Server startServer() throws Exception;

    abstract void stopServer() throws Exception;

    TestCluster cluster;
    private final List<ActionHandler> handlers = new java.util.ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        Server server = startServer();
        cluster = TestCluster.create(server.host(), server.port(), server.superuser());
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            stopServer();
        }
    }

    @AfterEach
    void endSessions() {
        handlers.forEach(ActionHandler::close);
        handlers.clear();
        cluster.closeSessions();
    }

    // ---------------------------------------------------------------- VACUUM and ANALYZE

    @Test
    void vacuumRemovesDeadTuplesAndUpdatesLastVacuumWhenNoHolderPinsThem() throws Exception {
        table("churn", 1000);
        cluster.sql("DELETE FROM churn WHERE id <= 600");

        ActionOutcome outcome = handle(handler(Map.of()), "pg.vacuum", "it/public.churn", Map.of("analyze", true));

        assertThat(outcome.status()).as(outcome.message()).isEqualTo(Status.APPLIED);
        assertThat(outcome.message()).startsWith("vacuumed public.churn (VERBOSE TRUE, ANALYZE TRUE)")
                .contains("tuples: 600 removed, 400 remain, 0 are dead but not yet removable");
        assertThat(cluster.value("SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL FROM pg_stat_user_tables"
                + " WHERE relname = 'churn'")).isEqualTo(true);
        assertThat(cluster.value("SELECT count(*) FROM churn")).isEqualTo(400L);
    }

    @Test
    void withAHolderVacuumReportsThatNothingWasRemovableAndRemovesItOnceTheHolderEnds() throws Exception {
        table("pinned", 500);
        Connection holder = cluster.connect(cluster.app, "holder");
        holder.setAutoCommit(false);
        try (Statement s = holder.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            s.execute("SELECT 1"); // takes the snapshot that pins the horizon
        }
        cluster.sql("DELETE FROM pinned WHERE id <= 300");
        ActionHandler handler = handler(Map.of());

        ActionOutcome pinned = handle(handler, "pg.vacuum", "it/public.pinned", Map.of());
        assertThat(pinned.status()).as(pinned.message()).isEqualTo(Status.APPLIED);
        assertThat(pinned.message()).contains("tuples: 0 removed, 500 remain, 300 are dead but not yet removable");

        holder.rollback();
        ActionOutcome freed = handle(handler, "pg.vacuum", "it/public.pinned", Map.of());
        assertThat(freed.message()).contains("tuples: 300 removed, 200 remain, 0 are dead but not yet removable");
    }

    @Test
    void aTableLockedByAnotherSessionIsSkippedNotWaitedFor() throws Exception {
        table("locked", 10);
        Connection locker = cluster.admin();
        locker.setAutoCommit(false);
        try (Statement s = locker.createStatement()) {
            s.execute("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE");
        }
        ActionHandler handler = handler(Map.of("lockTimeout", "200ms"));

        ActionOutcome skipLocked = handle(handler, "pg.vacuum", "it/public.locked", Map.of("skip_locked", true));
        assertThat(skipLocked.status()).isEqualTo(Status.SKIPPED);
        assertThat(skipLocked.message()).isEqualTo("not vacuumed: the server said \"skipping vacuum of \"locked\" --- lock not available\"");

        long started = System.nanoTime();
        ActionOutcome waited = handle(handler, "pg.vacuum", "it/public.locked", Map.of());
        assertThat(waited.status()).isEqualTo(Status.SKIPPED);
        assertThat(waited.message()).startsWith("lock not available within lock_timeout").contains("lock timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));

        ActionOutcome analyze = handle(handler, "pg.analyze", "it/public.locked", Map.of("skip_locked", "true"));
        assertThat(analyze.status()).isEqualTo(Status.SKIPPED);
        assertThat(analyze.message()).contains("skipping analyze of \"locked\" --- lock not available");
        locker.rollback();
    }

    @Test
    void aRoleThatMayNotVacuumTheTableIsSkippedWithTheServersText() throws Exception {
        table("owned", 10);
        ActionHandler asOther = handler(Map.of(), cluster.database(cluster.other));

        ActionOutcome vacuum = handle(asOther, "pg.vacuum", "it/public.owned", Map.of());
        ActionOutcome analyze = handle(asOther, "pg.analyze", "it/public.owned", Map.of());

        assertThat(vacuum.status()).isEqualTo(Status.SKIPPED);
        assertThat(analyze.status()).isEqualTo(Status.SKIPPED);
        if (cluster.version >= 170_000) {
            assertThat(vacuum.message()).contains("permission denied to vacuum \"owned\", skipping it");
            assertThat(analyze.message()).contains("permission denied to analyze \"owned\", skipping it");
        } else {
            assertThat(vacuum.message()).contains("skipping \"owned\" --- only table or database owner can vacuum it");
            assertThat(analyze.message()).contains("skipping \"owned\" --- only table or database owner can analyze it");
        }
        assertThat(cluster.value("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'owned'")).isNull();
    }

    @Test
    void aNonOwnerWithPgMaintainMayVacuumFromPostgres17() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(cluster.version >= 170_000, "pg_maintain exists from PostgreSQL 17");
        table("maintained", 10);
        cluster.sql("GRANT pg_maintain TO " + cluster.other);
        try {
            ActionOutcome vacuum = handle(handler(Map.of(), cluster.database(cluster.other)), "pg.vacuum",
                    "it/public.maintained", Map.of());
            assertThat(vacuum.status()).as(vacuum.message()).isEqualTo(Status.APPLIED);
            assertThat(cluster.value("SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'maintained'"))
                    .isEqualTo(true);
        } finally {
            cluster.sql("REVOKE pg_maintain FROM " + cluster.other);
        }
    }

    @Test
    void aHostileTableNameIsVacuumedSafelyAndNothingElseHappens() throws Exception {
        table("victim", 5);
        String weird = "Weird \"Name\"; DROP TABLE victim;--";
        cluster.sql("CREATE TABLE public.\"Weird \"\"Name\"\"; DROP TABLE victim;--\" (id int)",
                "INSERT INTO public.\"Weird \"\"Name\"\"; DROP TABLE victim;--\" SELECT generate_series(1, 100)",
                "DELETE FROM public.\"Weird \"\"Name\"\"; DROP TABLE victim;--\" WHERE id <= 40",
                "ALTER TABLE public.\"Weird \"\"Name\"\"; DROP TABLE victim;--\" OWNER TO " + cluster.agent);

        ActionOutcome outcome = handle(handler(Map.of()), "pg.vacuum", "it/public." + weird, Map.of());

        assertThat(outcome.status()).as(outcome.message()).isEqualTo(Status.APPLIED);
        assertThat(outcome.message()).startsWith("vacuumed public.\"Weird \"\"Name\"\"; DROP TABLE victim;--\" (")
                .contains("tuples: 40 removed");
        assertThat(cluster.value("SELECT to_regclass('public.victim') IS NOT NULL")).isEqualTo(true);
        assertThat(cluster.value("SELECT count(*) FROM victim")).isEqualTo(5L);
    }

    @Test
    void dottedNamesResolveWhenUniqueAndAreRefusedWhenAmbiguous() throws Exception {
        cluster.sql("CREATE SCHEMA a", "CREATE SCHEMA \"a.b\"", "CREATE TABLE a.\"b.c\" (id int)", "CREATE TABLE \"a.b\".c (id int)",
                "CREATE TABLE public.\"x.y\" (id int)",
                "ALTER TABLE a.\"b.c\" OWNER TO " + cluster.agent, "ALTER TABLE \"a.b\".c OWNER TO " + cluster.agent,
                "ALTER TABLE public.\"x.y\" OWNER TO " + cluster.agent,
                "GRANT USAGE ON SCHEMA a, \"a.b\" TO " + cluster.agent);
        ActionHandler handler = handler(Map.of());

        ActionOutcome ambiguous = handle(handler, "pg.vacuum", "it/a.b.c", Map.of());
        assertThat(ambiguous.status()).isEqualTo(Status.FAILED);
        assertThat(ambiguous.message()).startsWith("target a.b.c is ambiguous in database it: it names ")
                .contains("a.\"b.c\"", "\"a.b\".c").endsWith("; add params.relid (PgTable.relid) to say which");

        long relid = ((Number) cluster.value("SELECT 'a.\"b.c\"'::regclass::oid::bigint")).longValue();
        ActionOutcome picked = handle(handler, "pg.vacuum", "it/a.b.c", Map.of("relid", relid));
        assertThat(picked.status()).as(picked.message()).isEqualTo(Status.APPLIED);
        assertThat(picked.message()).startsWith("vacuumed a.\"b.c\" (");

        ActionOutcome unique = handle(handler, "pg.analyze", "it/public.x.y", Map.of());
        assertThat(unique.status()).as(unique.message()).isEqualTo(Status.APPLIED);
        assertThat(unique.message()).startsWith("analyzed public.\"x.y\" (VERBOSE TRUE)");
    }

    @Test
    void aTableThatIsGoneOrRenamedSinceTheSampleIsSkipped() throws Exception {
        table("moving", 10);
        long relid = ((Number) cluster.value("SELECT 'public.moving'::regclass::oid::bigint")).longValue();
        cluster.sql("ALTER TABLE moving RENAME TO moved");
        ActionHandler handler = handler(Map.of());

        ActionOutcome byName = handle(handler, "pg.vacuum", "it/public.moving", Map.of());
        assertThat(byName.status()).isEqualTo(Status.SKIPPED);
        assertThat(byName.message()).isEqualTo("no table public.moving in database it (dropped or renamed?); nothing done");

        ActionOutcome byOid = handle(handler, "pg.vacuum", "it/public.moving", Map.of("relid", relid));
        assertThat(byOid.status()).isEqualTo(Status.SKIPPED);
        assertThat(byOid.message()).isEqualTo("OID " + relid + " is now public.moved, not public.moving"
                + " (renamed, or dropped and its OID reused); nothing done");

        cluster.sql("DROP TABLE moved");
        ActionOutcome dropped = handle(handler, "pg.vacuum", "it/public.moved", Map.of("relid", relid));
        assertThat(dropped.message()).isEqualTo("no table has OID " + relid + " in database it any more (dropped?); nothing done");
    }

    @Test
    void optionsTheServerLacksAreDroppedWithANoteAndTheOthersAreSent() throws Exception {
        table("optioned", 100);
        Map<String, Object> params = new HashMap<>();
        params.put("buffer_usage_limit", "256kB");
        params.put("parallel", 0);
        params.put("index_cleanup", "auto");
        params.put("freeze", true);
        params.put("truncate", false);

        ActionOutcome outcome = handle(handler(Map.of("vacuumCostDelay", "2ms")), "pg.vacuum", "it/public.optioned", params);

        assertThat(outcome.status()).as(outcome.message()).isEqualTo(Status.APPLIED);
        assertThat(outcome.message()).contains("FREEZE TRUE", "TRUNCATE FALSE", "INDEX_CLEANUP AUTO", "PARALLEL 0");
        if (cluster.version < 160_000) {
            assertThat(outcome.message()).doesNotContain("BUFFER_USAGE_LIMIT")
                    .endsWith("; buffer_usage_limit dropped: needs PostgreSQL 16, server is " + cluster.version / 10_000);
        } else {
            assertThat(outcome.message()).contains("BUFFER_USAGE_LIMIT '256kB'").doesNotContain("dropped");
        }
        assertThat(cluster.value("SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'optioned'"))
                .isEqualTo(true);
    }

    @Test
    void analyzeUpdatesLastAnalyzeAndSaysWhatItSampled() throws Exception {
        table("sampled", 300);
        ActionOutcome outcome = handle(handler(Map.of()), "pg.analyze", "it/public.sampled", Map.of());

        assertThat(outcome.status()).as(outcome.message()).isEqualTo(Status.APPLIED);
        assertThat(outcome.message()).startsWith("analyzed public.sampled (VERBOSE TRUE) in ")
                .contains("containing 300 live rows and 0 dead rows");
        assertThat(cluster.value("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'sampled'"))
                .isEqualTo(true);
    }

    @Test
    void anInterruptedVacuumIsCancelledOnTheServer() throws Exception {
        table("waited", 10);
        Connection locker = cluster.admin();
        locker.setAutoCommit(false);
        try (Statement s = locker.createStatement()) {
            s.execute("LOCK TABLE waited IN ACCESS EXCLUSIVE MODE");
        }
        ActionHandler handler = handler(Map.of("lockTimeout", "5m"));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                handle(handler, "pg.vacuum", "it/public.waited", Map.of());
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        worker.start();
        String waiting = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'governor:pg.vacuum'"
                + " AND wait_event_type = 'Lock' AND datname = current_database()";
        awaitValue(waiting, 1L);

        worker.interrupt();
        worker.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(worker.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        awaitValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'governor:pg.vacuum'"
                + " AND state = 'active' AND datname = current_database()", 0L);
        locker.rollback();
    }

    // ---------------------------------------------------------------- cancel and terminate

    @Test
    void terminateEndsAnIdleInTransactionSessionOfAnAllowedRoleAndSaysWhatItEnded() throws Exception {
        Connection victim = idleInTransaction(cluster.app, "billing");
        TestCluster.Backend backend = TestCluster.backend(victim);
        ActionHandler handler = handler(Map.of("allowRoles", List.of("gov_*_app")));

        ActionOutcome outcome = handle(handler, "pg.terminate", "it/" + backend.pid(),
                Map.of("backendStart", backend.backendStart().toString()));

        assertThat(outcome.status()).as(outcome.message()).isEqualTo(Status.APPLIED);
        assertThat(outcome.message()).startsWith("terminated pid " + backend.pid() + " (user " + cluster.app
                + ", application 'billing', database " + cluster.db + ", idle in transaction for ")
                .containsPattern(", transaction started \\S+Z, holding xmin age \\d+\\)$");
        assertThat(cluster.alive(backend.pid())).isFalse();
        assertThatThrownBy(() -> victim.createStatement().execute("SELECT 1")).isInstanceOf(SQLException.class);
    }

    @Test
    void terminateRefusesASuperusersSession() throws Exception {
        Connection superuser = idleInTransaction(cluster.superuser, "psql");
        int pid = TestCluster.backend(superuser).pid();

        ActionOutcome refused = handle(handler(Map.of("allowRoles", List.of(cluster.superuser, cluster.app))),
                "pg.terminate", "it/" + pid, Map.of());
        assertThat(refused.status()).isEqualTo(Status.SKIPPED);
        assertThat(refused.message()).isEqualTo("pid " + pid + " runs as superuser " + cluster.superuser
                + "; superuser sessions are never signalled (allowSuperuser is false)");

        // allowSuperuser lifts Governor's own check, but the server still refuses a non-superuser.
        ActionOutcome serverRefused = handle(handler(Map.of("allowRoles", List.of(cluster.superuser), "allowSuperuser", true)),
                "pg.terminate", "it/" + pid, Map.of());
        assertThat(serverRefused.status()).isEqualTo(Status.FAILED);
        assertThat(serverRefused.message()).startsWith("42501 ");
        assertThat(cluster.alive(pid)).isTrue();
    }

    @Test
    void terminateRefusesSessionsThatNoAllowListCoversOrThatADenyListNames() throws Exception {
        Connection other = idleInTransaction(cluster.other, "billing");
        Connection reports = idleInTransaction(cluster.app, "reports");
        Connection dump = idleInTransaction(cluster.app, "pg_dump");
        int otherPid = TestCluster.backend(other).pid();
        int reportsPid = TestCluster.backend(reports).pid();
        int dumpPid = TestCluster.backend(dump).pid();

        ActionOutcome wrongRole = handle(handler(Map.of("allowRoles", List.of(cluster.app))), "pg.terminate", "it/" + otherPid, Map.of());
        assertThat(wrongRole.status()).isEqualTo(Status.SKIPPED);
        assertThat(wrongRole.message()).isEqualTo("pid " + otherPid + " runs as role " + cluster.other
                + ", which is not in allowRoles [" + cluster.app + "]; not touched");

        ActionOutcome wrongApp = handle(handler(Map.of("allowRoles", List.of(cluster.app), "allowApplications", List.of("billing"))),
                "pg.terminate", "it/" + reportsPid, Map.of());
        assertThat(wrongApp.message()).isEqualTo("pid " + reportsPid + " runs application 'reports', which is not in"
                + " allowApplications [billing]; not touched");

        ActionOutcome denied = handle(handler(Map.of("allowRoles", List.of(cluster.app))), "pg.terminate", "it/" + dumpPid, Map.of());
        assertThat(denied.message()).isEqualTo("pid " + dumpPid + " runs application 'pg_dump', which matches"
                + " denyApplications pattern 'pg_dump'; never ended");

        ActionOutcome noList = handle(handler(Map.of()), "pg.terminate", "it/" + otherPid, Map.of());
        assertThat(noList.message()).isEqualTo("refused: no allowRoles or allowApplications configured"
                + " (plugins.settings.postgres), so pg.terminate ends no session");

        assertThat(List.of(cluster.alive(otherPid), cluster.alive(reportsPid), cluster.alive(dumpPid))).containsOnly(true);
    }

    @Test
    void aPidThatNowBelongsToAnotherSessionOrHasEndedIsNotTouched() throws Exception {
        Connection session = idleInTransaction(cluster.app, "billing");
        TestCluster.Backend backend = TestCluster.backend(session);
        ActionHandler handler = handler(Map.of("allowRoles", List.of(cluster.app)));

        ActionOutcome reused = handle(handler, "pg.terminate", "it/" + backend.pid(),
                Map.of("backendStart", backend.backendStart().minusNanos(1_000).toString()));
        assertThat(reused.status()).isEqualTo(Status.SKIPPED);
        assertThat(reused.message()).startsWith("pid " + backend.pid() + " now belongs to another session (started "
                + backend.backendStart()).endsWith("); not touched");

        ActionOutcome otherTransaction = handle(handler, "pg.terminate", "it/" + backend.pid(),
                Map.of("backendStart", backend.backendStart(), "xactStart", "2020-01-01T00:00:00Z"));
        assertThat(otherTransaction.status()).isEqualTo(Status.SKIPPED);
        assertThat(otherTransaction.message()).startsWith("the transaction of pid " + backend.pid()
                + " that was meant (started 2020-01-01T00:00:00Z) has ended");
        assertThat(cluster.alive(backend.pid())).isTrue();

        // The role and application the envelope's allow-lists saw must still be the session's.
        ActionOutcome otherApplication = handle(handler, "pg.terminate", "it/" + backend.pid(),
                Map.of("backendStart", backend.backendStart(), "role", cluster.app, "application", "reports"));
        assertThat(otherApplication.status()).isEqualTo(Status.SKIPPED);
        assertThat(otherApplication.message()).isEqualTo("pid " + backend.pid()
                + " runs with application 'billing', not 'reports' as the action says; not touched");
        assertThat(cluster.alive(backend.pid())).isTrue();

        Connection ended = cluster.connect(cluster.app, "billing");
        int endedPid = TestCluster.backend(ended).pid();
        ended.close();
        awaitValue("SELECT count(*) FROM pg_stat_activity WHERE pid = " + endedPid, 0L);
        ActionOutcome gone = handle(handler, "pg.terminate", "it/" + endedPid, Map.of());
        assertThat(gone.status()).isEqualTo(Status.SKIPPED);
        assertThat(gone.message()).isEqualTo("pid " + endedPid + ": no such session (it already ended); nothing done");
    }

    @Test
    void cancelEndsARunningStatementAndLeavesTheSessionConnected() throws Exception {
        Connection sleeper = cluster.connect(cluster.app, "billing");
        TestCluster.Backend backend = TestCluster.backend(sleeper);
        CompletableFuture<Throwable> sleep = CompletableFuture.supplyAsync(() -> {
            try (Statement s = sleeper.createStatement()) {
                s.execute("SELECT pg_sleep(60)");
                return null;
            } catch (SQLException e) {
                return e;
            }
        });
        awaitValue("SELECT count(*) FROM pg_stat_activity WHERE pid = " + backend.pid() + " AND state = 'active'", 1L);
        ActionHandler handler = handler(Map.of("allowApplications", List.of("billing")));

        ActionOutcome outcome = handle(handler, "pg.cancel", "it/" + backend.pid(), Map.of("backendStart", backend.backendStart()));

        assertThat(outcome.status()).as(outcome.message()).isEqualTo(Status.APPLIED);
        assertThat(outcome.message()).startsWith("cancelled the running statement of pid " + backend.pid() + " (user "
                + cluster.app + ", application 'billing'").endsWith("; the session stays connected");
        Throwable error = sleep.get(10, TimeUnit.SECONDS);
        assertThat(error).isInstanceOf(SQLException.class);
        assertThat(((SQLException) error).getSQLState()).isEqualTo("57014");
        assertThat(cluster.alive(backend.pid())).isTrue();

        Connection idle = idleInTransaction(cluster.app, "billing");
        int idlePid = TestCluster.backend(idle).pid();
        ActionOutcome cannot = handle(handler, "pg.cancel", "it/" + idlePid, Map.of());
        assertThat(cannot.status()).isEqualTo(Status.SKIPPED);
        assertThat(cannot.message()).isEqualTo("pid " + idlePid + " is idle in transaction: pg.cancel cannot end an idle"
                + " transaction (there is no statement to cancel); use pg.terminate");
    }

    @Test
    void aBackgroundProcessIsNeverSignalled() throws Exception {
        Object pid = cluster.value("SELECT pid FROM pg_stat_activity WHERE backend_type <> 'client backend' ORDER BY pid LIMIT 1");
        assertThat(pid).as("a background process to aim at").isNotNull();
        ActionOutcome outcome = handle(handler(Map.of("allowApplications", List.of("*"), "allowSuperuser", true)),
                "pg.terminate", "it/" + pid, Map.of());
        assertThat(outcome.status()).isEqualTo(Status.SKIPPED);
        assertThat(outcome.message()).startsWith("pid " + pid + " is a ").contains("not a client backend; Governor never signals it");
        assertThat(cluster.alive((Integer) pid)).isTrue();
    }

    // ---------------------------------------------------------------- helpers

    /** A table owned by the agent role with {@code rows} rows, ids 1..rows. */
    void table(String name, int rows) throws SQLException {
        cluster.sql("CREATE TABLE " + name + " (id int, pad text)",
                "INSERT INTO " + name + " SELECT g, repeat('x', 50) FROM generate_series(1, " + rows + ") g",
                "ALTER TABLE " + name + " OWNER TO " + cluster.agent);
    }

    /** A session of {@code role} sitting idle in a REPEATABLE READ transaction that holds a snapshot. */
    Connection idleInTransaction(String role, String application) throws SQLException {
        Connection c = cluster.connect(role, application);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            s.execute("SELECT 1");
        }
        return c;
    }

    ActionHandler handler(Map<String, Object> settings) {
        return handler(settings, cluster.database(cluster.agent));
    }

    ActionHandler handler(Map<String, Object> settings, Database database) {
        ActionHandler handler = new PostgresPlugin().create(new PluginContext() {
            @Override
            public String pluginName() {
                return "postgres";
            }

            @Override
            public Map<String, Object> settings() {
                return settings;
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public Map<String, Database> databases() {
                return Map.of(TestCluster.NAME, database);
            }
        });
        handlers.add(handler);
        return handler;
    }

    static ActionOutcome handle(ActionHandler handler, String type, String target, Map<String, Object> params) throws Exception {
        return handler.handle(new Action(type, target, params, "test"));
    }

    /** Polls {@code query} until it returns {@code expected}, for up to 10 s. */
    void awaitValue(String query, Object expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Object value = cluster.value(query);
        while (!expected.equals(value) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            value = cluster.value(query);
        }
        assertThat(value).as(query).isEqualTo(expected);
    }
}
