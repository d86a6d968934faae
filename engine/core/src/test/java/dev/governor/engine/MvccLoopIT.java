package dev.governor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.engine.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on a real PostgreSQL: the postgres sampler sees a session idle in a REPEATABLE READ
 * transaction pinning the horizon over a table full of dead rows; a rule terminates it through the
 * envelope and the postgres plugin; the outcome comes back as a fact, and a second rule vacuums the table,
 * which now removes the dead rows.
 */
class MvccLoopIT {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String RULES = """
            package it.mvcc;
            import dev.governor.api.Action;
            import dev.governor.api.ActionOutcome;
            import dev.governor.api.PgHorizonHolder;
            import dev.governor.api.PgTable;
            import java.util.Map;

            rule "End a session idle in a transaction that pins the horizon"
            when
                $h : PgHorizonHolder( kind == "session", idleInTransaction(), application == "loop-app" )
            then
                insert( new Action( "pg.terminate", $h.target(),
                        Map.of( "backendStart", $h.backendStart(), "xactStart", $h.xactStart(),
                                "role", $h.user(), "application", $h.application() ), "" ) );
            end

            rule "Vacuum the table once the holder is gone"
            when
                ActionOutcome( type == "pg.terminate", status == ActionOutcome.Status.APPLIED )
                $t : PgTable( table == "churn", deadTuples > 0 )
            then
                insert( new Action( "pg.vacuum", $t.target(), Map.of( "relid", $t.relid() ), "" ) );
            end
            """;

    @TempDir
    Path dir;
    private final String database = "governor_loop_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
    private final String role = "governor_loop_app_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100000;
    private final List<Connection> opened = new ArrayList<>();
    private Governor governor;

    @BeforeEach
    void createDatabase() throws SQLException {
        try (Connection admin = connect("postgres", "postgres", "loop-it-admin"); Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + database);
            s.execute("CREATE ROLE " + role + " LOGIN");
        }
        try (Connection c = connect(database, "postgres", "loop-it-admin"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE churn (id int PRIMARY KEY, v int)");
            s.execute("INSERT INTO churn SELECT g, 0 FROM generate_series(1, 1000) g");
            s.execute("VACUUM ANALYZE churn");
            s.execute("GRANT SELECT, UPDATE ON churn TO " + role);
        }
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        if (governor != null) {
            governor.close();
        }
        for (Connection c : opened) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already ended by the test
            }
        }
        try (Connection admin = connect("postgres", "postgres", "loop-it-admin"); Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("DROP ROLE IF EXISTS " + role);
        }
    }

    @Test
    void aHolderIsTerminatedThenTheTableIsVacuumedAndItsDeadRowsAreRemoved() throws Exception {
        // The holder: an application's session idle in a REPEATABLE READ transaction (simple protocol, as psql).
        Connection holder = connect(database, role, "loop-app");
        holder.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        holder.setAutoCommit(false);
        holder.createStatement().executeQuery("SELECT count(*) FROM churn").close();
        // 1000 rows die after the holder's snapshot: VACUUM cannot remove them while it stays.
        try (Connection c = connect(database, "postgres", "loop-it-admin"); Statement s = c.createStatement()) {
            s.execute("UPDATE churn SET v = v + 1");
        }

        Files.writeString(Files.createDirectories(dir.resolve("rules")).resolve("mvcc.drl"), RULES);
        Files.writeString(Files.createDirectories(dir.resolve("routes")).resolve("pg.yaml"), """
                - route:
                    from:
                      uri: governor-sample:postgres
                      parameters: { database: it, facts: "holders,tables", period: 500ms }
                      steps:
                        - to: governor:facts
                """);
        Path file = Files.writeString(dir.resolve("governor.yaml"), """
                databases:
                  it: { url: "%s%s", user: postgres }
                plugins:
                  settings:
                    postgres: { allowRoles: [%s] }
                envelope:
                  actions:
                    pg.terminate: { allowRoles: [%s] }
                """.formatted(SERVER, database, role, role));
        governor = Governor.start(new ConfigLoader().load(file));

        List<JsonNode> lines = awaitAudit(l -> l.stream().anyMatch(a -> a.at("/action/type").asText().equals("pg.vacuum")
                && a.get("status").asText().equals("APPLIED")));
        JsonNode terminate = lines.stream().filter(a -> a.at("/action/type").asText().equals("pg.terminate")
                && a.get("status").asText().equals("APPLIED")).findFirst().orElseThrow();
        assertThat(terminate.get("rule").asText()).isEqualTo("End a session idle in a transaction that pins the horizon");
        assertThat(terminate.get("message").asText()).startsWith("terminated pid").contains(role).contains("loop-app");
        assertThat(terminate.at("/facts/0/type").asText()).isEqualTo("PgHorizonHolder");
        JsonNode vacuum = lines.stream().filter(a -> a.at("/action/type").asText().equals("pg.vacuum")
                && a.get("status").asText().equals("APPLIED")).findFirst().orElseThrow();
        assertThat(vacuum.at("/action/target").asText()).isEqualTo("it/public.churn");
        // With the holder gone, the rows that died after its snapshot are removable: none is left pinned.
        assertThat(vacuum.get("message").asText()).contains(" removed").contains("0 are dead but not yet removable");
        assertThat(vacuum.get("message").asText()).doesNotContain(" 0 removed");
        // The holder's session is gone.
        assertThatThrownBy(() -> holder.createStatement().executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
    }

    private List<JsonNode> awaitAudit(Predicate<List<JsonNode>> condition) throws Exception {
        return AuditFile.await(dir.resolve("audit/audit.jsonl"), Duration.ofSeconds(30), condition);
    }

    private Connection connect(String db, String user, String application) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("ApplicationName", application);
        props.setProperty("preferQueryMode", "simple");
        Connection c = DriverManager.getConnection(SERVER + db, props);
        opened.add(c);
        return c;
    }
}
