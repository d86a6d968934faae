package dev.governor.plugin.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.api.ActionOutcome.Status;
import dev.governor.spi.ActionHandler;
import dev.governor.spi.ActionPlugin;
import dev.governor.spi.Database;
import dev.governor.spi.PluginContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** What the plugin decides before it touches a server: discovery, settings, targets, options, reports. */
class PostgresPluginTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private record Context(Map<String, Object> settings, Map<String, Database> databases) implements PluginContext {
        @Override
        public String pluginName() {
            return "postgres";
        }

        @Override
        public Clock clock() {
            return Clock.fixed(NOW, ZoneOffset.UTC);
        }
    }

    @Test
    void isFoundByServiceLoaderAndListsItsTypes() {
        assertThat(ServiceLoader.load(ActionPlugin.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(plugin -> {
                    assertThat(plugin.name()).isEqualTo("postgres");
                    assertThat(plugin.actionTypes()).containsExactlyInAnyOrder("pg.vacuum", "pg.analyze", "pg.cancel", "pg.terminate");
                });
    }

    @Test
    void settingsHaveSafeDefaults() {
        PostgresSettings defaults = PostgresSettings.defaults();
        assertThat(defaults.signalsAllowed()).isFalse();
        assertThat(defaults.allowSuperuser()).isFalse();
        assertThat(defaults.terminateTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.lockTimeout()).isNull();
        assertThat(defaults.vacuumCostDelay()).isNull();
        assertThat(defaults.denyApplications().patterns())
                .containsExactly("pg_dump", "pg_repack", "pg_squeeze", "pg_basebackup", "governor*");
        assertThat(defaults.denyApplications().matches("governor:pg.vacuum")).isTrue();
    }

    @Test
    void settingsAreReadAsWrittenInYaml() {
        PostgresSettings settings = PostgresSettings.parse(Map.of("allowRoles", "app", "allowApplications", List.of("batch_*", "?eport"),
                "denyApplications", List.of(), "allowSuperuser", "true", "terminateTimeout", "1500ms",
                "vacuumCostDelay", "20ms", "lockTimeout", "PT2S"));
        assertThat(settings.allowRoles().patterns()).containsExactly("app");
        assertThat(settings.allowApplications().matches("batch_nightly")).isTrue();
        assertThat(settings.allowApplications().matches("report")).isTrue();
        assertThat(settings.allowApplications().matches("reports")).isFalse();
        assertThat(settings.denyApplications().isEmpty()).isTrue();
        assertThat(settings.allowSuperuser()).isTrue();
        assertThat(settings.terminateTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.vacuumCostDelay()).isEqualTo(Duration.ofMillis(20));
        assertThat(settings.lockTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void badSettingsStopStartUpNamingTheSetting() {
        assertThatThrownBy(() -> create(Map.of("allowRole", List.of("app"))))
                .hasMessage("unknown setting 'allowRole'; the postgres plugin has: allowRoles, allowApplications,"
                        + " denyApplications, allowSuperuser, terminateTimeout, vacuumCostDelay, lockTimeout");
        assertThatThrownBy(() -> create(Map.of("allowRoles", List.of("app", 3))))
                .hasMessage("allowRoles must be a list of names or patterns such as [app_user, 'batch_*'], found '3'");
        assertThatThrownBy(() -> create(Map.of("allowSuperuser", "yes")))
                .hasMessage("allowSuperuser must be true or false, was 'yes'");
        assertThatThrownBy(() -> create(Map.of("terminateTimeout", "soon")))
                .hasMessage("terminateTimeout: expected a duration such as 500ms, 30s, 5m or 1h, got 'soon'");
        assertThatThrownBy(() -> create(Map.of("terminateTimeout", "0s")))
                .hasMessage("terminateTimeout must be between 1ms and 5m, was 0ms");
        assertThatThrownBy(() -> create(Map.of("vacuumCostDelay", "150ms")))
                .hasMessage("vacuumCostDelay must be between 0ms and 100ms (vacuum_cost_delay's range), was 150ms");
        assertThatThrownBy(() -> create(Map.of("lockTimeout", "0ms")))
                .hasMessage("lockTimeout must be positive (0 would wait for a lock forever), was 0ms");
    }

    @Test
    void globsTreatEverythingButStarAndQuestionMarkLiterally() {
        Globs globs = Globs.of(List.of("a.b*", "(x)?"));
        assertThat(globs.matches("a.b")).isTrue();
        assertThat(globs.matches("a.bcd")).isTrue();
        assertThat(globs.matches("aXb")).isFalse();
        assertThat(globs.matches("(x)1")).isTrue();
        assertThat(globs.matches("x1")).isFalse();
        assertThat(globs.matches(null)).isFalse();
        assertThat(globs.firstMatch("a.bz")).isEqualTo("a.b*");
    }

    @Test
    void tableTargetsSplitAtEveryDot() {
        Targets.Table table = Targets.Table.parse("main/a.b.c");
        assertThat(table.database()).isEqualTo("main");
        assertThat(table.splits()).containsExactly(new String[] {"a", "b.c"}, new String[] {"a.b", "c"});
        assertThat(Targets.Table.parse("main/public.x/y").splits()).containsExactly(new String[] {"public", "x/y"});
        assertThat(Targets.Table.parse("main/.a..b.").splits()).containsExactly(new String[] {".a", ".b."}, new String[] {".a.", "b."});
        assertThatThrownBy(() -> Targets.Table.parse("orders"))
                .hasMessage("target 'orders' is not DATABASE/SCHEMA.TABLE, e.g. main/public.orders");
        assertThatThrownBy(() -> Targets.Table.parse("main/orders"))
                .hasMessage("target 'main/orders' names no schema: write DATABASE/SCHEMA.TABLE, e.g. main/public.orders");
    }

    @Test
    void sessionTargetsAreADatabaseAndAPid() {
        assertThat(Targets.Session.parse("main/4242")).isEqualTo(new Targets.Session("main", 4242));
        assertThatThrownBy(() -> Targets.Session.parse("main/42; SELECT 1"))
                .hasMessage("target 'main/42; SELECT 1': '42; SELECT 1' is not a process ID; write DATABASE/PID, e.g. main/4242");
        assertThatThrownBy(() -> Targets.Session.parse("main/9999999999")).hasMessage("target 'main/9999999999': process ID 9999999999 is out of range");
    }

    @Test
    void optionsComeFromAWhitelistAndAreDroppedWithANoteWhenTheServerLacksThem() {
        MaintenanceOptions options = MaintenanceOptions.parse(Map.of("analyze", true, "skip_locked", "on", "index_cleanup", "auto",
                "parallel", 4, "buffer_usage_limit", "2MB", "freeze", false), true);
        List<String> notes13 = new ArrayList<>();
        assertThat(options.vacuumOptions(130_020, notes13)).containsExactly("VERBOSE TRUE", "ANALYZE TRUE", "FREEZE FALSE",
                "SKIP_LOCKED TRUE", "PARALLEL 4");
        assertThat(notes13).containsExactly(
                "index_cleanup auto dropped: needs PostgreSQL 14, server is 13; the table's default applies",
                "buffer_usage_limit dropped: needs PostgreSQL 16, server is 13");
        List<String> notes16 = new ArrayList<>();
        assertThat(options.vacuumOptions(160_004, notes16)).containsExactly("VERBOSE TRUE", "ANALYZE TRUE", "FREEZE FALSE",
                "SKIP_LOCKED TRUE", "INDEX_CLEANUP AUTO", "PARALLEL 4", "BUFFER_USAGE_LIMIT '2MB'");
        assertThat(notes16).isEmpty();
        assertThat(MaintenanceOptions.parse(Map.of("skip_locked", false), false).analyzeOptions())
                .containsExactly("VERBOSE TRUE", "SKIP_LOCKED FALSE");
        assertThat(MaintenanceOptions.parse(Map.of("buffer_usage_limit", "0"), true).bufferUsageLimit()).isEqualTo("0");
        assertThat(MaintenanceOptions.parse(Map.of("buffer_usage_limit", 512), true).bufferUsageLimit()).isEqualTo("512kB");
    }

    @Test
    void badParametersAreRefusedNamingTheParameter() {
        assertThatThrownBy(() -> MaintenanceOptions.parse(Map.of("full", true), true))
                .hasMessage("unknown parameter 'full'; pg.vacuum takes: analyze, freeze, skip_locked, truncate, index_cleanup,"
                        + " parallel, buffer_usage_limit, relid");
        assertThatThrownBy(() -> MaintenanceOptions.parse(Map.of("freeze", true), false))
                .hasMessage("unknown parameter 'freeze'; pg.analyze takes: skip_locked, relid");
        assertThatThrownBy(() -> MaintenanceOptions.parse(Map.of("index_cleanup", "maybe"), true))
                .hasMessage("params.index_cleanup must be auto, on or off, was 'maybe'");
        assertThatThrownBy(() -> MaintenanceOptions.parse(Map.of("parallel", 2000), true))
                .hasMessage("params.parallel must be an integer from 0 to 1024, was 2000");
        assertThatThrownBy(() -> MaintenanceOptions.parse(Map.of("parallel", "2; DROP TABLE x"), true))
                .hasMessage("params.parallel must be an integer from 0 to 1024, was '2; DROP TABLE x'");
        assertThatThrownBy(() -> MaintenanceOptions.parse(Map.of("buffer_usage_limit", "1MB'); DROP TABLE x;--"), true))
                .hasMessageStartingWith("params.buffer_usage_limit must be 0 or a size from 128kB to 16GB");
        assertThatThrownBy(() -> MaintenanceOptions.parse(Map.of("buffer_usage_limit", "64kB"), true))
                .hasMessageStartingWith("params.buffer_usage_limit must be 0 or a size from 128kB to 16GB");
        assertThatThrownBy(() -> MaintenanceOptions.parse(Map.of("analyze", "yes"), true))
                .hasMessage("params.analyze must be true or false, was 'yes'");
        assertThatThrownBy(() -> MaintenanceOptions.parse(Map.of("relid", -5), true))
                .hasMessage("params.relid must be the table's OID, a positive integer, was -5");
    }

    @Test
    void theVerboseReportOfPostgres15AndLaterIsSummed() {
        VerboseReport report = VerboseReport.of(List.of(
                new VerboseReport.Notice("INFO", "vacuuming \"db.public.t\""),
                new VerboseReport.Notice("INFO", """
                        finished vacuuming "db.public.t": index scans: 0
                        pages: 0 removed, 443 remain, 443 scanned (100.00% of total)
                        tuples: 0 removed, 300000 remain, 200000 are dead but not yet removable
                        removable cutoff: 745, which was 200009 XIDs old when operation ended"""),
                new VerboseReport.Notice("INFO", "vacuuming \"db.pg_toast.pg_toast_1\""),
                new VerboseReport.Notice("INFO", """
                        finished vacuuming "db.pg_toast.pg_toast_1": index scans: 0
                        tuples: 5 removed, 10 remain, 0 are dead but not yet removable
                        removable cutoff: 746, which was 3 XIDs old when operation ended""")));
        assertThat(report.skipped()).isNull();
        assertThat(report.tupleSummary()).isEqualTo("tuples: 5 removed, 300010 remain, 200000 are dead but not yet removable"
                + " (with its TOAST table); removable cutoff 745, 200009 XIDs old");
        VerboseReport partitions = VerboseReport.of(List.of(
                new VerboseReport.Notice("INFO", "finished vacuuming \"db.public.p1\": index scans: 0\n"
                        + "tuples: 1 removed, 2 remain, 3 are dead but not yet removable"),
                new VerboseReport.Notice("INFO", "finished vacuuming \"db.public.p2\": index scans: 0\n"
                        + "tuples: 10 removed, 20 remain, 30 are dead but not yet removable")));
        assertThat(partitions.tupleSummary()).isEqualTo("tuples: 11 removed, 22 remain, 33 are dead but not yet removable"
                + " (summed over 2 tables)");
    }

    @Test
    void theVerboseReportOfPostgres13And14IsReadToo() {
        VerboseReport report = VerboseReport.of(List.of(
                new VerboseReport.Notice("INFO", "vacuuming \"public.t\""),
                new VerboseReport.Notice("INFO", "vacuuming \"pg_toast.pg_toast_16740\""),
                new VerboseReport.Notice("INFO", "\"pg_toast_16740\": found 0 removable, 0 nonremovable row versions in 0 out of 0 pages\n"
                        + "0 dead row versions cannot be removed yet, oldest xmin: 487"),
                new VerboseReport.Notice("INFO", "table \"t\": found 0 removable, 10000 nonremovable row versions in 45 out of 45 pages\n"
                        + "5000 dead row versions cannot be removed yet, oldest xmin: 486\nSkipped 0 pages due to buffer pins")));
        assertThat(report.tupleSummary())
                .isEqualTo("tuples: 0 removed, 10000 remain, 5000 are dead but not yet removable (with its TOAST table);"
                        + " removable cutoff 486");
    }

    @Test
    void aSkippingWarningMeansTheTableWasNotProcessed() {
        assertThat(VerboseReport.of(List.of(new VerboseReport.Notice("WARNING",
                "skipping \"t\" --- only table or database owner can vacuum it"))).skipped())
                .isEqualTo("skipping \"t\" --- only table or database owner can vacuum it");
        assertThat(VerboseReport.of(List.of(new VerboseReport.Notice("WARNING",
                "permission denied to vacuum \"t\", skipping it\nOnly roles with the MAINTAIN privilege may vacuum this table."))).skipped())
                .isEqualTo("permission denied to vacuum \"t\", skipping it Only roles with the MAINTAIN privilege may vacuum this table.");
        // Other warnings (wraparound is near, say) do not mean the table was skipped.
        assertThat(VerboseReport.of(List.of(new VerboseReport.Notice("WARNING",
                "database \"db\" must be vacuumed within 9000000 transactions"))).skipped()).isNull();
        // An INFO line that mentions skipping pages is not a skip either.
        assertThat(VerboseReport.of(List.of(new VerboseReport.Notice("INFO", "skipping 3 pages due to buffer pins"))).skipped()).isNull();
    }

    @Test
    void anUnknownDatabaseOrMalformedTargetFailsWithoutConnecting() throws Exception {
        ActionHandler handler = create(Map.of("allowRoles", List.of("app")));
        ActionOutcome unknown = handler.handle(new Action("pg.vacuum", "nowhere/public.t", "r"));
        assertThat(unknown).isEqualTo(ActionOutcome.failed(unknown.action(), "no database 'nowhere' in governor.yaml (databases: main)", NOW));
        ActionOutcome malformed = handler.handle(new Action("pg.terminate", "main/abc", "r"));
        assertThat(malformed.status()).isEqualTo(Status.FAILED);
        assertThat(malformed.message()).contains("'abc' is not a process ID");
        ActionOutcome badParam = handler.handle(new Action("pg.terminate", "main/42", Map.of("force", true), "r"));
        assertThat(badParam.message()).isEqualTo("unknown parameter 'force'; pg.terminate takes: backendStart, xactStart, role, application");
        ActionOutcome badTime = handler.handle(new Action("pg.cancel", "main/42", Map.of("backendStart", "yesterday"), "r"));
        assertThat(badTime.message()).isEqualTo("params.backendStart must be an ISO time such as 2026-01-01T10:00:00.123456Z,"
                + " was 'yesterday'");
        handler.close();
    }

    @Test
    void anUnreachableServerIsAFailedOutcomeNamingTheDatabase() throws Exception {
        Database down = new Database("main", "jdbc:postgresql://127.0.0.1:1/postgres", "governor", "s3cret", "governor",
                Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(1));
        ActionHandler handler = new PostgresPlugin().create(new Context(Map.of(), Map.of("main", down)));
        ActionOutcome outcome = handler.handle(new Action("pg.vacuum", "main/public.t", "r"));
        assertThat(outcome.status()).isEqualTo(Status.FAILED);
        assertThat(outcome.message()).startsWith("cannot connect to database main as governor: 08001 ").doesNotContain("s3cret");
        handler.close();
    }

    @Test
    void backendStartMayBeATimeObjectOrIsoText() {
        Instant at = Instant.parse("2026-03-01T10:00:00.123456Z");
        assertThat(SignalActions.instant(at, "backendStart")).isEqualTo(at);
        assertThat(SignalActions.instant("2026-03-01T11:00:00.123456+01:00", "backendStart")).isEqualTo(at);
        assertThat(SignalActions.instant(at.atOffset(ZoneOffset.ofHours(2)), "backendStart")).isEqualTo(at);
    }

    private static ActionHandler create(Map<String, Object> settings) {
        Database main = new Database("main", "jdbc:postgresql://127.0.0.1:1/postgres", "governor", null, "governor",
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
        return new PostgresPlugin().create(new Context(settings, Map.of("main", main)));
    }
}
