package dev.governor.benchmarks.loop;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The MVCC closed loop, after the reference scenario ({@code shared/reference/scenario}): a {@code churn} table
 * of 100,000 rows, 200,000 single-row updates from 4 connections ({@code pgbench -c 4}'s
 * {@code UPDATE churn SET val = val + 1 WHERE id = :id}), and a REPEATABLE READ session that read another
 * table and stays idle in its transaction from the start, pinning the xmin horizon. On an embedded PostgreSQL
 * 17 with autovacuum on and {@code autovacuum_naptime = 1s} (the shared server's autovacuum is off and its
 * settings are not ours to change), a fresh database per variant:
 * <ul>
 *   <li>{@code none}: no holder;</li>
 *   <li>{@code autovacuum}: the holder, and autovacuum alone;</li>
 *   <li>{@code governor}: the holder, and Governor in this JVM with the default rules and routes, the database
 *       configured, demo thresholds ({@code mvcc.idleInTransaction.notifyAfter: 5s},
 *       {@code terminateAfter: 10s}) and {@code pg.terminate} allowed for the holder's application only;</li>
 *   <li>{@code governor-2s}: the same with {@code notifyAfter: 1s}, {@code terminateAfter: 2s}.</li>
 * </ul>
 * Reports the table's final size, its dead rows, how long the holder lived, and when the first vacuum that
 * could remove the dead rows (one that started after the holder ended) finished.
 *
 * <p>Usage: {@code MvccLoop [--quick] [--root DIR] [--results DIR] [VARIANT...]}
 */
public final class MvccLoop {

    private static final String HOLDER_APP = "exp_holder";

    record Result(String variant, long startBytes, long endBytes, long deadTuples, long autovacuums, long vacuums,
                  double holderSeconds, Double vacuumAfterSeconds, double updateSeconds, long updates, String note) {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path root = Path.of(".").toAbsolutePath().normalize();
        Path results = Path.of("benchmarks/results");
        List<String> variants = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--results" -> results = Path.of(args[++i]);
                default -> variants.add(args[i]);
            }
        }
        if (variants.isEmpty()) {
            variants = List.of("none", "autovacuum", "governor", "governor-2s");
        }
        Files.createDirectories(results);
        int updates = quick ? 40_000 : 200_000;
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.zonky")).setLevel(ch.qos.logback.classic.Level.WARN);
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setServerConfig("autovacuum", "on")
                .setServerConfig("autovacuum_naptime", "1s")
                .setServerConfig("track_counts", "on")
                .setServerConfig("log_autovacuum_min_duration", "0")
                .start()) {
            System.out.printf("mvcc closed loop: embedded PostgreSQL %s, autovacuum on, naptime 1s; %,d updates from 4 connections%n",
                    version(pg), updates);
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE ROLE app LOGIN");
            }
            for (String variant : variants) {
                Result r = run(pg, variant, updates, root, results, quick);
                System.out.printf(Locale.ROOT, "RESULT mvcc variant=%s start_bytes=%d end_bytes=%d dead_tuples=%d autovacuums=%d "
                                + "vacuums=%d holder_s=%s vacuum_after_s=%s update_s=%.1f tps=%.0f%s%n",
                        r.variant(), r.startBytes(), r.endBytes(), r.deadTuples(), r.autovacuums(), r.vacuums(),
                        r.holderSeconds() < 0 ? "none" : String.format(Locale.ROOT, "%.1f", r.holderSeconds()),
                        r.vacuumAfterSeconds() == null ? "never" : String.format(Locale.ROOT, "%.1f", r.vacuumAfterSeconds()),
                        r.updateSeconds(), r.updates() / r.updateSeconds(), r.note().isEmpty() ? "" : " note=\"" + r.note() + "\"");
            }
        }
    }

    private static String version(EmbeddedPostgres pg) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Result run(EmbeddedPostgres pg, String variant, int updates, Path root, Path results, boolean quick)
            throws Exception {
        if (!List.of("none", "autovacuum", "governor", "governor-2s").contains(variant)) {
            throw new IllegalArgumentException("no such variant: " + variant + "; expected none, autovacuum, governor, governor-2s");
        }
        String db = "mvcclab_" + variant.replace('-', '_');
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + db + " OWNER app");
        }
        String url = pg.getJdbcUrl("postgres", db);
        String appUrl = pg.getJdbcUrl("app", db);
        try (Connection c = java.sql.DriverManager.getConnection(appUrl); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE churn (id int PRIMARY KEY, val int NOT NULL DEFAULT 0, pad text NOT NULL DEFAULT repeat('x', 100))");
            s.execute("INSERT INTO churn (id) SELECT g FROM generate_series(1, 100000) g");
            s.execute("VACUUM (ANALYZE) churn");
            s.execute("CREATE TABLE other (id int PRIMARY KEY, v text)");
            s.execute("INSERT INTO other SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
            s.execute("VACUUM (ANALYZE) other");
        }
        Thread.sleep(quick ? 3_000 : 12_000); // let the insert-triggered autovacuum and analyze settle, as the reference does
        Connection monitor = java.sql.DriverManager.getConnection(url);
        long startBytes = size(monitor);
        InProcessGovernor governor = null;
        // Governor first (its rules compile takes seconds), then the holder: it is idle from before the updates.
        if (variant.startsWith("governor")) {
            String[] after = variant.equals("governor-2s") ? new String[] {"1s", "2s"} : new String[] {"5s", "10s"};
            governor = new InProcessGovernor(root, Files.createTempDirectory("governor-bench-mvcc"), """
                    rules:
                      dir: @RULES@
                      reload: false
                      params:
                        mvcc.idleInTransaction.notifyAfter: %s
                        mvcc.idleInTransaction.terminateAfter: %s
                    plugins:
                      dir: @PLUGINS@
                      settings:
                        postgres:
                          allowApplications: [%s]
                    envelope:
                      state: @STATE@
                      actions:
                        pg.terminate:
                          allowApplications: [%s]
                    databases:
                      main:
                        url: %s
                        user: postgres
                        applicationName: governor
                    """.formatted(after[0], after[1], HOLDER_APP, HOLDER_APP, url));
        }
        Connection holder = null;
        long holderStart = 0;
        AtomicLong holderEnd = new AtomicLong();
        if (!variant.equals("none")) {
            holder = java.sql.DriverManager.getConnection(appUrl + "&ApplicationName=" + HOLDER_APP);
            holder.setAutoCommit(false);
            holder.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement s = holder.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM other")) {
                rs.next();
            }
            holderStart = System.currentTimeMillis();
        }
        // The holder is over when its session is gone from pg_stat_activity (ended by Governor); from then on, the
        // first vacuum of churn to finish is the one that can remove its dead rows.
        AtomicReference<Boolean> watching = new AtomicReference<>(true);
        AtomicLong firstVacuumAfter = new AtomicLong();
        AtomicReference<String> firstVacuumKind = new AtomicReference<>();
        long watchFrom = System.currentTimeMillis();
        boolean hasHolder = holder != null;
        Thread watcher = new Thread(() -> {
            try (Connection c = java.sql.DriverManager.getConnection(url);
                 PreparedStatement activity = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?");
                 PreparedStatement vacuums = c.prepareStatement(
                         "SELECT last_autovacuum, last_vacuum FROM pg_stat_user_tables WHERE relname = 'churn'")) {
                activity.setString(1, HOLDER_APP);
                long gone = hasHolder ? 0 : watchFrom;
                while (watching.get()) {
                    if (gone == 0) {
                        try (ResultSet rs = activity.executeQuery()) {
                            rs.next();
                            if (rs.getLong(1) == 0) {
                                gone = System.currentTimeMillis();
                                holderEnd.set(gone);
                            }
                        }
                    } else {
                        try (ResultSet rs = vacuums.executeQuery()) {
                            rs.next();
                            Timestamp auto = rs.getTimestamp(1);
                            Timestamp manual = rs.getTimestamp(2);
                            for (Timestamp t : new Timestamp[] {auto, manual}) {
                                if (t != null && t.getTime() >= gone && (firstVacuumAfter.get() == 0 || t.getTime() < firstVacuumAfter.get())) {
                                    firstVacuumAfter.set(t.getTime());
                                    firstVacuumKind.set(t == auto ? "autovacuum" : "VACUUM");
                                }
                            }
                        }
                        if (firstVacuumAfter.get() != 0) {
                            return;
                        }
                    }
                    Thread.sleep(200);
                }
            } catch (Exception e) {
                System.err.println("holder watcher: " + e);
            }
        }, "holder-watcher");
        watcher.setDaemon(true);
        watcher.start();

        long updatesStart = System.currentTimeMillis();
        AtomicLong done = new AtomicLong();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                try (Connection c = java.sql.DriverManager.getConnection(appUrl);
                     PreparedStatement p = c.prepareStatement("UPDATE churn SET val = val + 1 WHERE id = ?")) {
                    while (done.getAndIncrement() < updates) {
                        p.setInt(1, ThreadLocalRandom.current().nextInt(1, 100_001));
                        p.executeUpdate();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, "updater-" + i);
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join();
        }
        double updateSeconds = (System.currentTimeMillis() - updatesStart) / 1000.0;
        Thread.sleep(quick ? 5_000 : 12_000); // as the reference: give autovacuum its chance after the updates
        String note = "";
        long end = System.currentTimeMillis();
        if (holder != null && holderEnd.get() == 0) {
            holderEnd.set(end);
            note = "the holder lived to the end of the run";
        }
        watching.set(false);
        watcher.join(2_000);
        Double vacuumAfter = null;
        if (firstVacuumAfter.get() != 0) {
            long reference = holderStart > 0 ? holderStart : updatesStart;
            vacuumAfter = (firstVacuumAfter.get() - reference) / 1000.0;
            note = (note.isEmpty() ? "" : note + "; ") + "first vacuum after the holder: " + firstVacuumKind.get();
        }
        long endBytes;
        long dead;
        long autovacuums;
        long vacuums;
        try (Statement s = monitor.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT pg_relation_size(relid), n_dead_tup, autovacuum_count, vacuum_count "
                        + "FROM pg_stat_user_tables WHERE relname = 'churn'")) {
            rs.next();
            endBytes = rs.getLong(1);
            dead = rs.getLong(2);
            autovacuums = rs.getLong(3);
            vacuums = rs.getLong(4);
        }
        if (governor != null) {
            List<String> audit = Files.exists(governor.audit()) ? Files.readAllLines(governor.audit()) : List.of();
            note = (note.isEmpty() ? "" : note + "; ") + "audit: " + audit.stream().filter(l -> l.contains("\"pg.terminate\"")).count()
                    + " pg.terminate, " + audit.stream().filter(l -> l.contains("\"pg.vacuum\"")).count() + " pg.vacuum, "
                    + audit.stream().filter(l -> l.contains("\"notify.log\"")).count() + " notify.log";
            Files.copy(governor.audit(), results.resolve("mvcc-" + variant + "-audit.jsonl"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            governor.close();
        }
        if (holder != null) {
            try {
                holder.rollback();
            } catch (SQLException e) {
                // ended by Governor: expected
            }
            holder.close();
        }
        monitor.close();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
        double holderSeconds = holderStart > 0 ? (holderEnd.get() - holderStart) / 1000.0 : -1;
        return new Result(variant, startBytes, endBytes, dead, autovacuums, vacuums, holderSeconds, vacuumAfter, updateSeconds,
                updates, note);
    }

    private static long size(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_relation_size('churn')")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
