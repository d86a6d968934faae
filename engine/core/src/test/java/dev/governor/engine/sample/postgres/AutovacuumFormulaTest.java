package dev.governor.engine.sample.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.engine.sample.postgres.AutovacuumFormula.Decision;
import dev.governor.engine.sample.postgres.AutovacuumFormula.Settings;
import dev.governor.engine.sample.postgres.AutovacuumFormula.TableOptions;
import dev.governor.engine.sample.postgres.AutovacuumFormula.TableState;
import org.junit.jupiter.api.Test;

/** Thresholds worked out by hand from autovacuum.c's formula, with its single-precision arithmetic. */
class AutovacuumFormulaTest {

    private static final Settings PG17 = Settings.defaults(170005);
    private static final Settings PG18 = Settings.defaults(180001);

    private static TableState table(double reltuples, long dead, long inserted, long modified) {
        return new TableState(reltuples, 100, 0, dead, inserted, modified, 1000, 10, true);
    }

    private static TableOptions options(Double vacuumThreshold, Double vacuumScaleFactor, Double vacuumMaxThreshold,
                                        Double insertThreshold) {
        return new TableOptions(null, vacuumThreshold, vacuumScaleFactor, vacuumMaxThreshold, insertThreshold, null, null,
                null, null, null);
    }

    @Test
    void vacuumIsDueOnlyAboveFiftyPlusAFifthOfTheRows() {
        // 50 + 0.2 * 10000 = 2050, compared strictly: 2051 dead rows trigger it, 2050 do not.
        Decision above = AutovacuumFormula.decide(PG17, TableOptions.NONE, table(10_000, 2051, 0, 2051));
        Decision below = AutovacuumFormula.decide(PG17, TableOptions.NONE, table(10_000, 2050, 0, 2050));

        assertThat(above.vacuumThreshold()).isEqualTo(2050.0);
        assertThat(above.vacuumDue()).isTrue();
        assertThat(below.vacuumDue()).isFalse();
        // 1000 + 0.2 * 10000 = 3000 inserts; 50 + 0.1 * 10000 = 1050 modifications.
        assertThat(above.insertThreshold()).isEqualTo(3000.0);
        assertThat(above.analyzeThreshold()).isEqualTo(1050.0);
        assertThat(above.analyzeDue()).isTrue();
        assertThat(below.analyzeDue()).isTrue();
        assertThat(above.wraparoundDue()).isFalse();
    }

    @Test
    void insertsAloneMakeVacuumDue() {
        assertThat(AutovacuumFormula.decide(PG17, TableOptions.NONE, table(10_000, 0, 3001, 0)).vacuumDue()).isTrue();
        assertThat(AutovacuumFormula.decide(PG17, TableOptions.NONE, table(10_000, 0, 3000, 0)).vacuumDue()).isFalse();
    }

    @Test
    void aTableNeverVacuumedCountsAsEmpty() {
        // PostgreSQL 14+ keeps reltuples = -1 until the first VACUUM or ANALYZE; autovacuum takes it as 0.
        Decision d = AutovacuumFormula.decide(PG17, TableOptions.NONE, table(-1, 51, 0, 0));

        assertThat(d.vacuumThreshold()).isEqualTo(50.0);
        assertThat(d.insertThreshold()).isEqualTo(1000.0);
        assertThat(d.vacuumDue()).isTrue();
    }

    @Test
    void storageParametersOverrideTheSettings() {
        // autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 100: 100 whatever the size.
        Decision d = AutovacuumFormula.decide(PG17, options(100.0, 0.0, null, null), table(10_000, 101, 0, 0));

        assertThat(d.vacuumThreshold()).isEqualTo(100.0);
        assertThat(d.vacuumDue()).isTrue();
        // A negative value means "use the setting".
        assertThat(AutovacuumFormula.decide(PG17, options(-1.0, -1.0, null, null), table(10_000, 0, 0, 0))
                .vacuumThreshold()).isEqualTo(2050.0);
    }

    @Test
    void insertThresholdMinusOneTurnsInsertDrivenVacuumOff() {
        Decision d = AutovacuumFormula.decide(PG17, options(null, null, null, -1.0), table(10_000, 0, 1_000_000, 0));

        assertThat(d.insertThreshold()).isNull();
        assertThat(d.vacuumDue()).isFalse();
    }

    @Test
    void theThresholdIsComputedInSinglePrecisionLikeAutovacuum() {
        // 0.2f * 1e9f rounds to 200000000; 50 + that = 200000050 is not a float: the nearest is 200000048.
        Decision d = AutovacuumFormula.decide(PG17, TableOptions.NONE, table(1e9, 0, 0, 0));

        assertThat(d.vacuumThreshold()).isEqualTo(200_000_048.0);
    }

    @Test
    void postgres18CapsTheDeadRowThresholdAtOneHundredMillion() {
        TableState huge = table(1e9, 150_000_000, 0, 0);

        Decision on17 = AutovacuumFormula.decide(PG17, TableOptions.NONE, huge);
        Decision on18 = AutovacuumFormula.decide(PG18, TableOptions.NONE, huge);
        Decision uncapped = AutovacuumFormula.decide(PG18, options(null, null, -1.0, null), huge);
        Decision ownCap = AutovacuumFormula.decide(PG18, options(null, null, 5000.0, null), huge);

        assertThat(on17.vacuumThreshold()).isEqualTo(200_000_048.0);
        assertThat(on17.vacuumDue()).isFalse();
        assertThat(on18.vacuumThreshold()).isEqualTo(100_000_000.0);
        assertThat(on18.vacuumDue()).isTrue();
        assertThat(uncapped.vacuumThreshold()).isEqualTo(200_000_048.0);
        assertThat(ownCap.vacuumThreshold()).isEqualTo(5000.0);
    }

    @Test
    void postgres18ScalesTheInsertThresholdByTheUnfrozenShare() {
        // 750 of 1000 pages all-frozen: 1000 + 0.2 * 100000 * 0.25 = 6000 on 18; 1000 + 0.2 * 100000 = 21000 before.
        TableState appendOnly = new TableState(100_000, 1000, 750, 0, 6001, 0, 1000, 10, true);

        Decision on18 = AutovacuumFormula.decide(PG18, TableOptions.NONE, appendOnly);
        Decision on17 = AutovacuumFormula.decide(PG17, TableOptions.NONE, appendOnly);

        assertThat(on18.insertThreshold()).isEqualTo(6000.0);
        assertThat(on18.vacuumDue()).isTrue();
        assertThat(on17.insertThreshold()).isEqualTo(21000.0);
        assertThat(on17.vacuumDue()).isFalse();
        // More all-frozen pages than pages (stats set by hand) clamp to all of them: only the base is left.
        TableState clamped = new TableState(100_000, 1000, 2000, 0, 0, 0, 1000, 10, true);
        assertThat(AutovacuumFormula.decide(PG18, TableOptions.NONE, clamped).insertThreshold()).isEqualTo(1000.0);
    }

    @Test
    void anOldRelfrozenxidForcesVacuumEvenWhenAutovacuumIsOffForTheTable() {
        TableOptions off = new TableOptions(false, null, null, null, null, null, null, null, null, null);
        TableState old = new TableState(10_000, 100, 0, 0, 0, 0, 200_000_001, 10, true);
        TableState young = new TableState(10_000, 100, 0, 0, 0, 0, 200_000_000, 10, true);

        Decision forced = AutovacuumFormula.decide(PG17, off, old);
        Decision notYet = AutovacuumFormula.decide(PG17, off, young);

        assertThat(forced.wraparoundDue()).isTrue();
        assertThat(forced.vacuumDue()).isTrue();
        assertThat(forced.enabled()).isFalse();
        assertThat(notYet.wraparoundDue()).isFalse();
        assertThat(notYet.vacuumDue()).isFalse();
    }

    @Test
    void dueFlagsFollowTheThresholdsWhileAutovacuumIsOffForTheTable() {
        TableOptions off = new TableOptions(false, null, null, null, null, null, null, null, null, null);

        Decision d = AutovacuumFormula.decide(PG17, off, table(10_000, 2051, 0, 1051));

        assertThat(d.enabled()).isFalse();
        assertThat(d.vacuumDue()).isTrue();
        assertThat(d.analyzeDue()).isTrue();
    }

    @Test
    void aTablesFreezeMaxAgeCanOnlyLowerTheServers() {
        TableOptions lower = new TableOptions(null, null, null, null, null, null, null, null, 100_000_000L, 300_000_000L);
        TableOptions higher = new TableOptions(null, null, null, null, null, null, null, null, 300_000_000L, 500_000_000L);
        TableState state = new TableState(10_000, 100, 0, 0, 0, 0, 150_000_000, 350_000_000, true);

        Decision withLower = AutovacuumFormula.decide(PG17, lower, state);
        Decision withHigher = AutovacuumFormula.decide(PG17, higher, state);

        assertThat(withLower.freezeMaxAge()).isEqualTo(100_000_000L);
        assertThat(withLower.multixactFreezeMaxAge()).isEqualTo(300_000_000L);
        assertThat(withLower.wraparoundDue()).isTrue();
        assertThat(withHigher.freezeMaxAge()).isEqualTo(200_000_000L);
        assertThat(withHigher.multixactFreezeMaxAge()).isEqualTo(400_000_000L);
        assertThat(withHigher.wraparoundDue()).isFalse();
    }

    @Test
    void autovacuumOffOnTheServerDisablesItForEveryTable() {
        Settings off = new Settings(170005, false, 50, 0.2, 100_000_000, 1000, 0.2, 50, 0.1, 200_000_000, 400_000_000);

        Decision over = AutovacuumFormula.decide(off, TableOptions.NONE, table(10_000, 2051, 0, 0));
        Decision under = AutovacuumFormula.decide(off, TableOptions.NONE, table(10_000, 2050, 0, 0));

        assertThat(over.enabled()).isFalse();
        assertThat(over.vacuumDue()).isTrue();
        assertThat(under.vacuumDue()).isFalse();
    }

    @Test
    void pgStatisticIsNeverAnalyzed() {
        TableState statistic = new TableState(10_000, 100, 0, 0, 0, 1_000_000, 1000, 10, false);

        assertThat(AutovacuumFormula.decide(PG17, TableOptions.NONE, statistic).analyzeDue()).isFalse();
    }
}
