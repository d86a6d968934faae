package dev.governor.engine.sample.postgres;

/**
 * What autovacuum decides for one table, computed as {@code relation_needs_vacanalyze()} in
 * {@code src/backend/postmaster/autovacuum.c} does: the same inputs, the same single-precision
 * arithmetic, the same strict comparisons, and PostgreSQL 18's two changes (the
 * {@code autovacuum_vacuum_max_threshold} cap and the insert threshold scaled by the unfrozen share of
 * the table). It ignores what the formula cannot see: free workers, the naptime, and tables that a
 * worker skips because it cannot lock them.
 *
 * <p>The due flags say whether the table is over autovacuum's thresholds, whether or not autovacuum
 * runs for it: autovacuum acts on them when {@link Decision#enabled()} (or, for wraparound, always).
 */
final class AutovacuumFormula {

    private AutovacuumFormula() {
    }

    /**
     * The server's settings.
     *
     * @param version                server_version_num
     * @param active                 {@code autovacuum} and {@code track_counts} are both on
     * @param vacuumThreshold        {@code autovacuum_vacuum_threshold}
     * @param vacuumScaleFactor      {@code autovacuum_vacuum_scale_factor}
     * @param vacuumMaxThreshold     {@code autovacuum_vacuum_max_threshold} (18+; -1 turns the cap off); ignored before 18
     * @param insertThreshold        {@code autovacuum_vacuum_insert_threshold} (-1 turns insert-driven vacuum off)
     * @param insertScaleFactor      {@code autovacuum_vacuum_insert_scale_factor}
     * @param analyzeThreshold       {@code autovacuum_analyze_threshold}
     * @param analyzeScaleFactor     {@code autovacuum_analyze_scale_factor}
     * @param freezeMaxAge           {@code autovacuum_freeze_max_age}
     * @param multixactFreezeMaxAge  {@code autovacuum_multixact_freeze_max_age}
     */
    record Settings(int version, boolean active, int vacuumThreshold, double vacuumScaleFactor, int vacuumMaxThreshold,
                    int insertThreshold, double insertScaleFactor, int analyzeThreshold, double analyzeScaleFactor,
                    long freezeMaxAge, long multixactFreezeMaxAge) {

        /** The defaults of PostgreSQL 13 to 18. */
        static Settings defaults(int version) {
            return new Settings(version, true, 50, 0.2, 100_000_000, 1000, 0.2, 50, 0.1, 200_000_000, 400_000_000);
        }

        boolean capsVacuumThreshold() {
            return version >= 180000;
        }
    }

    /**
     * The table's storage parameters ({@code reloptions}); null where the table does not set one.
     * Negative values mean what they mean to PostgreSQL: "use the setting", except -1 for
     * {@code autovacuum_vacuum_insert_threshold} and {@code autovacuum_vacuum_max_threshold}, which turns
     * that part off.
     */
    record TableOptions(Boolean enabled, Double vacuumThreshold, Double vacuumScaleFactor, Double vacuumMaxThreshold,
                        Double insertThreshold, Double insertScaleFactor, Double analyzeThreshold,
                        Double analyzeScaleFactor, Long freezeMaxAge, Long multixactFreezeMaxAge) {

        static final TableOptions NONE = new TableOptions(null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * The table's state.
     *
     * @param reltuples    {@code pg_class.reltuples} (negative, "never vacuumed or analyzed", counts as 0)
     * @param pages        {@code pg_class.relpages}
     * @param allFrozen    {@code pg_class.relallfrozen} (18+; 0 before)
     * @param deadTuples   {@code n_dead_tup}
     * @param inserted     {@code n_ins_since_vacuum}
     * @param modified     {@code n_mod_since_analyze}
     * @param xidAge       {@code age(relfrozenxid)}
     * @param mxidAge      {@code mxid_age(relminmxid)}
     * @param analyzable   false for {@code pg_catalog.pg_statistic}, which autovacuum never analyzes
     */
    record TableState(double reltuples, long pages, long allFrozen, long deadTuples, long inserted, long modified,
                      long xidAge, long mxidAge, boolean analyzable) {
    }

    /**
     * The outcome.
     *
     * @param enabled           autovacuum runs for this table (the server's setting and the table's)
     * @param vacuumThreshold   dead rows above which it vacuums
     * @param insertThreshold   inserted rows above which it vacuums; null when insert-driven vacuum is off
     * @param analyzeThreshold  modified rows above which it analyzes
     * @param freezeMaxAge      the effective {@code autovacuum_freeze_max_age}
     * @param multixactFreezeMaxAge the effective {@code autovacuum_multixact_freeze_max_age}
     * @param vacuumDue         over a vacuum threshold, or wraparound: autovacuum vacuums it when enabled
     * @param analyzeDue        over the analyze threshold: autovacuum analyzes it when enabled
     * @param wraparoundDue     the vacuum is forced, to prevent wraparound
     */
    record Decision(boolean enabled, double vacuumThreshold, Double insertThreshold, double analyzeThreshold,
                    long freezeMaxAge, long multixactFreezeMaxAge, boolean vacuumDue, boolean analyzeDue,
                    boolean wraparoundDue) {
    }

    static Decision decide(Settings settings, TableOptions options, TableState table) {
        float vacScale = (float) orSetting(options.vacuumScaleFactor(), settings.vacuumScaleFactor());
        int vacBase = (int) orSetting(options.vacuumThreshold(), settings.vacuumThreshold());
        // -1 in the table's storage parameter turns the cap (or insert vacuums) off; below that it is unset.
        int vacMax = options.vacuumMaxThreshold() != null && options.vacuumMaxThreshold() >= -1
                ? options.vacuumMaxThreshold().intValue() : settings.vacuumMaxThreshold();
        float insScale = (float) orSetting(options.insertScaleFactor(), settings.insertScaleFactor());
        int insBase = options.insertThreshold() != null && options.insertThreshold() >= -1
                ? options.insertThreshold().intValue() : settings.insertThreshold();
        float anlScale = (float) orSetting(options.analyzeScaleFactor(), settings.analyzeScaleFactor());
        int anlBase = (int) orSetting(options.analyzeThreshold(), settings.analyzeThreshold());
        long freezeMaxAge = options.freezeMaxAge() != null && options.freezeMaxAge() >= 0
                ? Math.min(options.freezeMaxAge(), settings.freezeMaxAge()) : settings.freezeMaxAge();
        long mxidFreezeMaxAge = options.multixactFreezeMaxAge() != null && options.multixactFreezeMaxAge() >= 0
                ? Math.min(options.multixactFreezeMaxAge(), settings.multixactFreezeMaxAge())
                : settings.multixactFreezeMaxAge();
        boolean tableEnabled = options.enabled() == null || options.enabled();
        boolean force = table.xidAge() > freezeMaxAge || table.mxidAge() > mxidFreezeMaxAge;

        float reltuples = (float) Math.max(0.0, table.reltuples());
        float unfrozen = 1;
        if (settings.version() >= 180000 && table.pages() > 0 && table.allFrozen() > 0) {
            long allFrozen = Math.min(table.allFrozen(), table.pages());
            unfrozen = 1 - ((float) allFrozen / table.pages());
        }
        float vacThresh = (float) vacBase + vacScale * reltuples;
        if (settings.capsVacuumThreshold() && vacMax >= 0 && vacThresh > (float) vacMax) {
            vacThresh = (float) vacMax;
        }
        float insThresh = (float) insBase + insScale * reltuples * unfrozen;
        float anlThresh = (float) anlBase + anlScale * reltuples;

        // Due means over the threshold, as autovacuum would judge it; whether autovacuum runs at all is
        // `enabled`, so that rules can also catch tables due while autovacuum is off for them.
        boolean vacuumDue = force || (float) table.deadTuples() > vacThresh
                || (insBase >= 0 && (float) table.inserted() > insThresh);
        boolean analyzeDue = table.analyzable() && (float) table.modified() > anlThresh;
        return new Decision(settings.active() && tableEnabled, vacThresh, insBase >= 0 ? (double) insThresh : null,
                anlThresh, freezeMaxAge, mxidFreezeMaxAge, vacuumDue, analyzeDue, force);
    }

    private static double orSetting(Double tableValue, double setting) {
        return tableValue != null && tableValue >= 0 ? tableValue : setting;
    }
}
