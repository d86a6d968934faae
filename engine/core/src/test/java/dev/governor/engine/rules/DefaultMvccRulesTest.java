package dev.governor.engine.rules;

import static dev.governor.engine.rules.RulePack.T0;
import static dev.governor.engine.rules.RulePack.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.PgDatabase;
import dev.governor.api.PgHorizonHolder;
import dev.governor.api.PgTable;
import dev.governor.api.PgVacuumProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** rules/mvcc.drl on a pseudo clock: firing, not firing, recovery, and its params. */
class DefaultMvccRulesTest {

    private static final Instant LONG_AGO = T0.minus(Duration.ofHours(3));

    // ---- vacuum ------------------------------------------------------------------------------------

    @Test
    void aTableOverAutovacuumsThresholdThatNobodyVacuumsIsVacuumedAfterFiveMinutes() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 600; s += 30) {
                pack.insert(table(s, "orders", 16384, 30_000, LONG_AGO, 1_000_000));
            }
            assertThat(pack.timeline()).containsExactly("300s pg.vacuum main/public.orders");
            assertThat(pack.decisions().get(0).action().params())
                    .isEqualTo(Map.of("relid", 16384L, "skip_locked", true, "analyze", false));
            assertThat(pack.decisions().get(0).rule()).isEqualTo("Vacuum a table autovacuum leaves behind");
        }
    }

    @Test
    void aTableUnderTheThresholdOrRecentlyVacuumedIsLeftToAutovacuum() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 600; s += 30) {
                pack.insert(table(s, "orders", 16384, 20_000, LONG_AGO, 1_000_000),            // threshold 20,050
                        table(s, "lines", 16385, 90_000, T0.minus(Duration.ofMinutes(40)), 1_000_000)); // vacuumed 40 min ago
            }
            assertThat(pack.decisions()).isEmpty();
        }
    }

    @Test
    void aTableAutovacuumGetsToIsNotVacuumedAgain() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 600; s += 30) {
                // autovacuum runs at 150 s but the dead rows stay (a pinned horizon): the breach ends all the same
                boolean vacuumed = s >= 150;
                pack.insert(table(s, "orders", 16384, 30_000, vacuumed ? at(150) : LONG_AGO, 1_000_000));
            }
            assertThat(pack.decisions()).isEmpty();
        }
    }

    @Test
    void deadRowsThatFallBelowTheExitBandEndTheBreach() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 900; s += 30) {
                // over the threshold; under half of it (the exit band) at 120 s; over again from 150 s
                pack.insert(table(s, "orders", 16384, s == 120 ? 9_000 : 30_000, LONG_AGO, 1_000_000));
            }
            assertThat(pack.timeline()).containsExactly("450s pg.vacuum main/public.orders");
        }
    }

    @Test
    void notWhileAVacuumOfTheTableRuns() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 600; s += 30) {
                pack.insert(table(s, "orders", 16384, 30_000, LONG_AGO, 1_000_000));
                for (int p = s; p < s + 30 && p <= 330; p += 5) {
                    pack.insert(progress(p, 16384)); // a VACUUM of it runs until 330 s
                }
            }
            // the first sample at least 15 s after the last progress sample
            assertThat(pack.timeline()).containsExactly("360s pg.vacuum main/public.orders");
        }
    }

    // ---- idle in transaction -----------------------------------------------------------------------

    @Test
    void aSessionIdleInATransactionIsReportedAfterThirtyMinutesAndEndedAfterAnHour() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 2000; s += 5) {
                pack.insert(holder(s, 4242, "idle in transaction", 1700 + s));
            }
            // 1,800 s idle at 100 s; 3,600 s idle at 1,900 s
            assertThat(pack.timeline()).containsExactly("100s notify.log main/4242", "1900s pg.terminate main/4242");
            assertThat((String) pack.decisions().get(0).action().params().get("message"))
                    .contains("idle in a transaction for 30 min").contains("app").contains("billing");
            assertThat(pack.decisions().get(1).action().params()).isEqualTo(Map.of(
                    "backendStart", "2025-12-31T20:00:00Z", "xactStart", "2025-12-31T23:00:00Z", "role", "app", "application", "billing"));
            assertThat(pack.decisions().get(1).rule()).isEqualTo("End a session idle in a transaction");
        }
    }

    @Test
    void aSessionThatGetsBackToWorkIsLeftAlone() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 600; s += 5) {
                // 29 minutes idle, then active in the same transaction
                pack.insert(s < 60 ? holder(s, 4242, "idle in transaction", 1740 + s) : holder(s, 4242, "active", s - 60));
            }
            assertThat(pack.decisions()).isEmpty();
        }
    }

    @Test
    void aSessionThatLeavesTheBandAndComesBackIsReportedAgain() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 2000; s += 5) {
                // idle for 30 min already at 0 s; active at 200 s; idle again from 205 s, for 30 min at 2,000 s
                double inState = s < 200 ? 1800 + s : s - 200;
                pack.insert(holder(s, 4242, s == 200 ? "active" : "idle in transaction", inState));
            }
            assertThat(pack.timeline()).containsExactly("0s notify.log main/4242", "2000s notify.log main/4242");
        }
    }

    // ---- wraparound --------------------------------------------------------------------------------

    @Test
    void aDatabaseHalfWayToWraparoundIsReportedAndItsOldestTablesFrozen() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 300; s += 30) {
                pack.insert(database(s, "orders", 0.55),
                        table(s, "old", 1, 0, LONG_AGO, (long) (0.55 * PgDatabase.WRAPAROUND)),
                        table(s, "young", 2, 0, LONG_AGO, 50_000_000));
            }
            assertThat(pack.timeline()).containsExactlyInAnyOrder("120s notify.log main/orders", "120s pg.vacuum main/public.old");
            assertThat(pack.decisions()).filteredOn(d -> d.action().type().equals("pg.vacuum")).singleElement()
                    .satisfies(d -> assertThat(d.action().params()).isEqualTo(Map.of("relid", 1L, "freeze", true, "skip_locked", true)));
            assertThat(pack.decisions()).filteredOn(d -> d.action().type().equals("notify.log")).singleElement()
                    .satisfies(d -> assertThat(d.action().params()).containsEntry("severity", "warning"));
        }
    }

    @Test
    void aDatabaseCloseToWraparoundIsCritical() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 300; s += 30) {
                pack.insert(database(s, "orders", 0.85));
            }
            // the critical notification only: the warning would say less, on the same target
            assertThat(pack.decisions()).extracting(d -> d.rule() + ": " + d.action().params().get("severity")).containsExactly(
                    "Warn when a database is close to transaction ID wraparound: critical");
        }
    }

    @Test
    void aDatabaseBelowTheBandIsLeftAloneAndOneThatDipsOutStartsAgain() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 600; s += 30) {
                // 45% (under the enter threshold) in "quiet"; 52% in "busy", 40% (under the exit band) at 90 s
                pack.insert(database(s, "quiet", 0.49), database(s, "busy", s == 90 ? 0.40 : 0.52));
            }
            assertThat(pack.timeline()).containsExactly("240s notify.log main/busy");
        }
    }

    // ---- prepared transactions and replication -----------------------------------------------------

    @Test
    void aPreparedTransactionHeldForFiveMinutesIsReported() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 400; s += 5) {
                pack.insert(prepared(s, "orphan_2pc", 100 + s), prepared(s, "quick", 1));
            }
            assertThat(pack.timeline()).containsExactly("200s notify.log main/prepared/orphan_2pc");
            assertThat((String) pack.decisions().get(0).action().params().get("message")).contains("ROLLBACK PREPARED 'orphan_2pc'");
        }
    }

    @Test
    void aSlotHoldingTheHorizonFarBackIsReportedAfterFifteenMinutes() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 1200; s += 30) {
                pack.insert(slot(s, "stale_slot", 25_000_000), slot(s, "healthy_slot", 15_000_000));
            }
            assertThat(pack.timeline()).containsExactly("900s notify.log main/replication-slot/stale_slot");
        }
    }

    @Test
    void aSlotThatCatchesUpEndsItsBreach() {
        try (RulePack pack = new RulePack()) {
            for (int s = 0; s <= 1530; s += 30) {
                // far behind; caught up (under the exit band) at 600 s; far behind again from 630 s
                pack.insert(slot(s, "lagging", s == 600 ? 5_000_000 : 25_000_000));
            }
            assertThat(pack.timeline()).containsExactly("1530s notify.log main/replication-slot/lagging");
        }
    }

    @Test
    void theIdleThresholdsAreParams() {
        try (RulePack pack = new RulePack(Map.of("mvcc.idleInTransaction.notifyAfter", Duration.ofMinutes(5),
                "mvcc.idleInTransaction.terminateAfter", Duration.ofMinutes(10)))) {
            for (int s = 0; s <= 700; s += 5) {
                pack.insert(holder(s, 7, "idle in transaction", s));
            }
            assertThat(pack.timeline()).containsExactly("300s notify.log main/7", "600s pg.terminate main/7");
        }
    }

    static PgTable table(double seconds, String name, long relid, long dead, Instant lastAutovacuum, long xidAge) {
        double reltuples = 100_000;
        double threshold = 50 + 0.2 * reltuples;
        return new PgTable("main", "public", name, relid, 100_000, dead, 0, 0, reltuples, 2000, 2000L * 8192, xidAge, 0,
                null, lastAutovacuum, null, lastAutovacuum, 0, 1, 0, 1, true, threshold, 1050.0, 10_050, 200_000_000,
                dead > threshold, false, xidAge > 200_000_000, at(seconds));
    }

    static PgVacuumProgress progress(double seconds, long relid) {
        return new PgVacuumProgress("main", "shop", 999, "public", "orders", relid, "scanning heap", true, false, seconds,
                2000, 100, 50, 0, null, null, null, null, null, null, null, null, null, at(seconds));
    }

    static PgHorizonHolder holder(double seconds, int pid, String state, double inStateSeconds) {
        return new PgHorizonHolder("main", "session", String.valueOf(pid), "shop", pid, state, "app", "billing", "10.0.0.7",
                "client backend", 5_000_000, Instant.parse("2025-12-31T20:00:00Z"), Instant.parse("2025-12-31T23:00:00Z"),
                3600 + seconds, inStateSeconds, "UPDATE orders SET ...", at(seconds));
    }

    static PgHorizonHolder prepared(double seconds, String gid, double heldSeconds) {
        return new PgHorizonHolder("main", "prepared", gid, "shop", null, null, "app", null, null, null, 3_000_000, null,
                at(seconds).minusMillis((long) (heldSeconds * 1000)), heldSeconds, 0, "", at(seconds));
    }

    static PgHorizonHolder slot(double seconds, String name, long xidAge) {
        return new PgHorizonHolder("main", "replication-slot", name, "shop", null, "inactive", null, "pgoutput", null, null,
                xidAge, null, null, 0, 0, "", at(seconds));
    }

    static PgDatabase database(double seconds, String datname, double used) {
        long age = (long) (used * PgDatabase.WRAPAROUND);
        return new PgDatabase("main", datname, age, 1000, 200_000_000, PgDatabase.WRAPAROUND - 3_000_000 - age,
                PgDatabase.WRAPAROUND - 3_000_000 - 1000, true, 4, at(seconds));
    }
}
