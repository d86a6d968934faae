package dev.governor.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the example application briefly against the shared PostgreSQL at 127.0.0.1:5432, in a database of its own
 * that it creates and drops: as the load steps up its own rules grow the pool and throttle the workers, and as it
 * steps down they release the workers.
 */
class EmbeddedAppIT {

    @TempDir
    Path dir;

    @Test
    void asTheLoadRisesThePoolGrowsThenTheWorkersAreThrottledAndReleasedWhenItFalls() throws Exception {
        String database = "governor_embedded_it_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 1_000_000;
        Path home = Path.of(System.getProperty("example.dir", ".")).toAbsolutePath();
        App.Options options = App.Options.parse(new String[] {"--database", database, "--duration", "36s"}, home)
                .withFiles(dir.resolve("audit.jsonl"), dir.resolve("envelope.json"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        App.Result result = new App(options, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        String output = printed.toString(StandardCharsets.UTF_8);

        assertThat(result.changes()).as(output)
                .anyMatch(change -> change.startsWith("pool orders: max 2 -> 4"))
                .anyMatch(change -> change.startsWith("pool orders: max 4 -> 6"))
                .anyMatch(change -> change.startsWith("workers: limit 8 -> 6"))
                .anyMatch(change -> change.startsWith("workers: limit 6 -> 8"));
        assertThat(result.applied()).as(output).containsEntry("pool.resize", 2).containsEntry("executor.throttle", 2);
        assertThat(result.failedTasks()).as("no order timed out waiting for a connection").isZero();
        assertThat(result.tasks()).isPositive();
        assertThat(output).contains("created database " + database, "dropped database " + database);
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", null);
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet rows = exists.executeQuery()) {
                assertThat(rows.next()).as("the database is dropped").isFalse();
            }
        }
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        Path home = Path.of(".");
        assertThatThrownBy(() -> App.Options.parse(new String[] {"--databse", "x"}, home))
                .hasMessage("unknown option '--databse'; options: --url URL, --user NAME, --database NAME, --duration 50s, --keep");
        assertThatThrownBy(() -> App.Options.parse(new String[] {"--database", "Orders; DROP"}, home))
                .hasMessage("--database must be lower-case letters, digits and '_', was 'Orders; DROP'");
        assertThatThrownBy(() -> App.Options.parse(new String[] {"--url", "jdbc:postgresql://db:5432/orders"}, home))
                .hasMessageStartingWith("--url must be a server URL ending in '/'");
        assertThatThrownBy(() -> App.Options.parse(new String[] {"--duration", "5s"}, home))
                .hasMessageStartingWith("--duration must be at least 20s");
    }
}
