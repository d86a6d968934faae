package dev.governor.engine.sample.postgres;

import java.util.List;

/**
 * The sampling queries, one per kind of fact, in the variant each server version needs. Nothing here
 * calls a size function or opens a relation: every query reads catalogs and cumulative statistics only,
 * so none waits behind a table's ACCESS EXCLUSIVE lock. User input never enters the text: patterns and
 * names are bind parameters.
 */
final class PostgresQueries {

    /** The oldest version sampled: insert-driven autovacuum and {@code n_ins_since_vacuum} came in 13. */
    static final int MIN_VERSION = 130000;

    private PostgresQueries() {
    }

    /** One round trip when the connection opens: the version, and the session's own settings. */
    static final String SESSION_SETUP = """
            SELECT current_setting('server_version_num')::int,
                   set_config('statement_timeout', ?, false),
                   set_config('lock_timeout', ?, false),
                   set_config('default_transaction_read_only', 'on', false)""";

    /**
     * Every table and materialized view whose schema and name pass the filters, at most {@code top} of
     * them by dead rows (tables due for an anti-wraparound vacuum always pass), with the server's
     * autovacuum settings on each row. Parameters: schema include regexes, schema exclude regexes, table
     * regexes (twice: against {@code name} and {@code schema.name}), top.
     *
     * <p>Only {@code n_dead_tup} is read for every table (to rank them); the other counters are read for
     * the tables kept.
     */
    static String tables(int version) {
        boolean pg18 = version >= 180000;
        return """
                WITH g AS (
                  SELECT current_setting('autovacuum')::bool AND current_setting('track_counts')::bool AS av_active,
                         current_setting('autovacuum_vacuum_threshold')::int AS vac_base,
                         current_setting('autovacuum_vacuum_scale_factor')::float8 AS vac_scale,
                         %s AS vac_max,
                         current_setting('autovacuum_vacuum_insert_threshold')::int AS ins_base,
                         current_setting('autovacuum_vacuum_insert_scale_factor')::float8 AS ins_scale,
                         current_setting('autovacuum_analyze_threshold')::int AS anl_base,
                         current_setting('autovacuum_analyze_scale_factor')::float8 AS anl_scale,
                         current_setting('autovacuum_freeze_max_age')::bigint AS freeze_max_age,
                         current_setting('autovacuum_multixact_freeze_max_age')::bigint AS mxid_freeze_max_age,
                         current_setting('block_size')::bigint AS block_size
                ), t AS (
                  SELECT c.oid AS relid, n.nspname AS schema_name, c.relname AS table_name, c.reltuples, c.relpages,
                         %s AS relallfrozen,
                         age(c.relfrozenxid) AS xid_age, mxid_age(c.relminmxid) AS mxid_age,
                         pg_stat_get_dead_tuples(c.oid) AS dead_tuples, o.*
                  FROM pg_class c
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  LEFT JOIN LATERAL (
                    SELECT max(option_value) FILTER (WHERE option_name = 'autovacuum_enabled')::bool AS r_enabled,
                           max(option_value) FILTER (WHERE option_name = 'autovacuum_vacuum_threshold')::float8 AS r_vac_base,
                           max(option_value) FILTER (WHERE option_name = 'autovacuum_vacuum_scale_factor')::float8 AS r_vac_scale,
                           %s AS r_vac_max,
                           max(option_value) FILTER (WHERE option_name = 'autovacuum_vacuum_insert_threshold')::float8 AS r_ins_base,
                           max(option_value) FILTER (WHERE option_name = 'autovacuum_vacuum_insert_scale_factor')::float8 AS r_ins_scale,
                           max(option_value) FILTER (WHERE option_name = 'autovacuum_analyze_threshold')::float8 AS r_anl_base,
                           max(option_value) FILTER (WHERE option_name = 'autovacuum_analyze_scale_factor')::float8 AS r_anl_scale,
                           max(option_value) FILTER (WHERE option_name = 'autovacuum_freeze_max_age')::bigint AS r_freeze_max_age,
                           max(option_value) FILTER (WHERE option_name = 'autovacuum_multixact_freeze_max_age')::bigint AS r_mxid_freeze_max_age
                    FROM pg_options_to_table(c.reloptions)
                  ) o ON true
                  WHERE c.relkind IN ('r', 'm')
                    AND c.relpersistence <> 't'
                    AND n.nspname ~ ANY (?::text[])
                    AND NOT n.nspname ~ ANY (?::text[])
                    AND (c.relname ~ ANY (?::text[]) OR (n.nspname || '.' || c.relname) ~ ANY (?::text[]))
                ), ranked AS (
                  SELECT t.*, g.*,
                         row_number() OVER (ORDER BY t.dead_tuples DESC, t.relid) AS dead_rank,
                         (t.xid_age > CASE WHEN t.r_freeze_max_age >= 0
                                           THEN least(t.r_freeze_max_age, g.freeze_max_age) ELSE g.freeze_max_age END
                          OR t.mxid_age > CASE WHEN t.r_mxid_freeze_max_age >= 0
                                               THEN least(t.r_mxid_freeze_max_age, g.mxid_freeze_max_age)
                                               ELSE g.mxid_freeze_max_age END) AS wraparound
                  FROM t CROSS JOIN g
                )
                SELECT relid, schema_name, table_name, reltuples, relpages, relallfrozen, relpages * block_size AS size_bytes,
                       xid_age, mxid_age, dead_tuples,
                       pg_stat_get_live_tuples(relid) AS live_tuples,
                       pg_stat_get_mod_since_analyze(relid) AS mods_since_analyze,
                       pg_stat_get_ins_since_vacuum(relid) AS inserts_since_vacuum,
                       pg_stat_get_last_vacuum_time(relid) AS last_vacuum,
                       pg_stat_get_last_autovacuum_time(relid) AS last_autovacuum,
                       pg_stat_get_last_analyze_time(relid) AS last_analyze,
                       pg_stat_get_last_autoanalyze_time(relid) AS last_autoanalyze,
                       pg_stat_get_vacuum_count(relid) AS vacuum_count,
                       pg_stat_get_autovacuum_count(relid) AS autovacuum_count,
                       pg_stat_get_analyze_count(relid) AS analyze_count,
                       pg_stat_get_autoanalyze_count(relid) AS autoanalyze_count,
                       r_enabled, r_vac_base, r_vac_scale, r_vac_max, r_ins_base, r_ins_scale, r_anl_base, r_anl_scale,
                       r_freeze_max_age, r_mxid_freeze_max_age,
                       av_active, vac_base, vac_scale, vac_max, ins_base, ins_scale, anl_base, anl_scale,
                       freeze_max_age, mxid_freeze_max_age
                FROM ranked
                WHERE dead_rank <= ? OR wraparound
                ORDER BY dead_rank""".formatted(
                pg18 ? "current_setting('autovacuum_vacuum_max_threshold')::int" : "-1",
                pg18 ? "c.relallfrozen::bigint" : "0::bigint",
                pg18 ? "max(option_value) FILTER (WHERE option_name = 'autovacuum_vacuum_max_threshold')::float8"
                        : "NULL::float8");
    }

    /**
     * Everything that holds the xmin horizon back, oldest first. The holders are read (materialized)
     * before any age is computed, so a snapshot taken just now cannot come out one transaction "in the
     * future". Parameter: the application name Governor's own sessions use.
     */
    static final String HOLDERS = """
            WITH h AS MATERIALIZED (
              SELECT 'session' AS kind, a.pid::text AS id, a.datname::text AS datname, a.pid, a.state,
                     a.usename::text AS usr, a.application_name AS application,
                     CASE WHEN a.client_port = -1 THEN 'local' ELSE host(a.client_addr) END AS client_address,
                     a.backend_type, a.backend_xid AS xid1, a.backend_xmin AS xid2, a.backend_start,
                     a.xact_start, a.xact_start AS held_since, a.state_change, left(a.query, 120) AS detail
              FROM pg_stat_activity a
              WHERE (a.backend_xmin IS NOT NULL OR a.backend_xid IS NOT NULL)
                AND a.pid <> pg_backend_pid()
                AND a.application_name IS DISTINCT FROM ?
                AND left(a.application_name, length(?) + 1) IS DISTINCT FROM ? || ':'
                AND a.backend_type IS DISTINCT FROM 'autovacuum worker'
                AND (a.leader_pid IS NULL OR a.leader_pid = a.pid)
                AND NOT (a.backend_type = 'walsender'
                         AND a.pid IN (SELECT r.pid FROM pg_stat_replication r WHERE r.backend_xmin IS NOT NULL))
              UNION ALL
              SELECT 'prepared', p.gid, p.database::text, NULL, NULL, p.owner::text, NULL, NULL, NULL,
                     p.transaction, NULL, NULL, p.prepared, p.prepared, NULL,
                     'prepared transaction ' || p.transaction::text
              FROM pg_prepared_xacts p
              UNION ALL
              SELECT 'replication-slot', s.slot_name::text, s.database::text, NULL,
                     CASE WHEN s.active THEN 'active' ELSE 'inactive' END, NULL, s.plugin::text, NULL, NULL,
                     s.xmin, s.catalog_xmin, NULL, NULL, NULL, NULL,
                     s.slot_type || ' slot, xmin ' || coalesce(s.xmin::text, '-')
                       || ', catalog_xmin ' || coalesce(s.catalog_xmin::text, '-')
              FROM pg_replication_slots s
              WHERE s.xmin IS NOT NULL OR s.catalog_xmin IS NOT NULL
              UNION ALL
              SELECT 'standby', coalesce(nullif(r.application_name, ''), r.pid::text), NULL, NULL, r.state,
                     r.usename::text, NULL, coalesce(host(r.client_addr), 'local'), NULL,
                     NULL, r.backend_xmin, NULL, NULL, NULL, NULL,
                     'standby feedback, sync_state ' || coalesce(r.sync_state, '-')
              FROM pg_stat_replication r
              WHERE r.backend_xmin IS NOT NULL
            )
            SELECT kind, id, datname, pid, state, usr, application, client_address, backend_type,
                   greatest(coalesce(age(xid1), 0), coalesce(age(xid2), 0), 0) AS xid_age,
                   backend_start, xact_start,
                   coalesce(greatest(extract(epoch FROM now() - held_since), 0), 0) AS held_seconds,
                   coalesce(greatest(extract(epoch FROM now() - state_change), 0), 0) AS in_state_seconds,
                   detail
            FROM h
            ORDER BY xid_age DESC, kind, id""";

    /** Every database on the server, {@code template0} included. */
    static final String DATABASES = """
            SELECT d.datname, greatest(age(d.datfrozenxid), 0) AS xid_age,
                   greatest(mxid_age(d.datminmxid), 0) AS mxid_age, d.datallowconn, coalesce(s.sessions, 0) AS sessions,
                   current_setting('autovacuum_freeze_max_age')::bigint AS freeze_max_age
            FROM pg_database d
            LEFT JOIN (SELECT datid, count(*) AS sessions FROM pg_stat_activity
                       WHERE backend_type = 'client backend' GROUP BY datid) s ON s.datid = d.oid
            ORDER BY xid_age DESC, d.datname""";

    /** Client sessions by state, and autovacuum workers. */
    static final String CONNECTIONS = """
            SELECT count(*) FILTER (WHERE backend_type = 'client backend') AS connections,
                   count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'active') AS active,
                   count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'idle') AS idle,
                   count(*) FILTER (WHERE backend_type = 'client backend'
                                    AND state LIKE 'idle in transaction%') AS idle_in_transaction,
                   count(*) FILTER (WHERE backend_type = 'client backend' AND wait_event_type = 'Lock') AS waiting_on_lock,
                   count(*) FILTER (WHERE backend_type = 'autovacuum worker') AS autovacuum_workers
            FROM pg_stat_activity""";

    /** Settings outside the {@code autovacuum*} and {@code vacuum*} families that rules need; missing ones are skipped. */
    static final List<String> SETTINGS = List.of(
            "idle_in_transaction_session_timeout", "idle_session_timeout", "transaction_timeout",
            "statement_timeout", "lock_timeout", "deadlock_timeout",
            "max_connections", "superuser_reserved_connections", "reserved_connections",
            "max_prepared_transactions", "max_wal_senders", "max_replication_slots", "max_slot_wal_keep_size",
            "idle_replication_slot_timeout", "hot_standby_feedback", "max_standby_streaming_delay",
            "old_snapshot_threshold", "track_counts", "track_cost_delay_timing", "stats_fetch_consistency",
            "log_autovacuum_min_duration", "maintenance_work_mem", "server_version_num", "block_size");

    /**
     * The settings rules need, as the server and the role configure them: a value Governor's own session
     * set (its {@code statement_timeout}, ...) is reported as it was before. Parameter: {@link #SETTINGS}.
     */
    static final String SETTINGS_QUERY = """
            SELECT name, CASE WHEN source = 'session' THEN reset_val ELSE setting END AS value
            FROM pg_settings
            WHERE name LIKE 'autovacuum%' OR name LIKE 'vacuum%' OR name = ANY (?::text[])""";

    /**
     * Every VACUUM running on the server. The dead-tuple columns differ: tuples on 13 to 16, bytes and
     * item IDs on 17, plus the cost-delay time on 18.
     */
    static String vacuumProgress(int version) {
        String columns;
        if (version >= 170000) {
            columns = """
                    NULL::bigint AS max_dead_tuples, NULL::bigint AS num_dead_tuples,
                    p.max_dead_tuple_bytes, p.dead_tuple_bytes, p.num_dead_item_ids,
                    p.indexes_total, p.indexes_processed,
                    """ + (version >= 180000 ? "p.delay_time / 1000.0" : "NULL::float8") + " AS delay_seconds";
        } else {
            columns = """
                    p.max_dead_tuples, p.num_dead_tuples,
                    NULL::bigint AS max_dead_tuple_bytes, NULL::bigint AS dead_tuple_bytes, NULL::bigint AS num_dead_item_ids,
                    NULL::bigint AS indexes_total, NULL::bigint AS indexes_processed, NULL::float8 AS delay_seconds""";
        }
        return """
                SELECT p.pid, coalesce(p.datname::text, p.datid::text) AS datname, n.nspname AS schema_name,
                       c.relname AS table_name, p.relid, p.phase,
                       coalesce(a.backend_type = 'autovacuum worker', false) AS autovacuum,
                       coalesce(a.query LIKE 'autovacuum:%%(to prevent wraparound)', false) AS for_wraparound,
                       coalesce(greatest(extract(epoch FROM now() - a.xact_start), 0), 0) AS running_seconds,
                       p.heap_blks_total, p.heap_blks_scanned, p.heap_blks_vacuumed, p.index_vacuum_count,
                       %s,
                       CASE WHEN a.wait_event IS NOT NULL THEN a.wait_event_type || ':' || a.wait_event END AS wait_event
                FROM pg_stat_progress_vacuum p
                LEFT JOIN pg_stat_activity a ON a.pid = p.pid
                LEFT JOIN pg_class c ON c.oid = p.relid
                                    AND p.datid = (SELECT oid FROM pg_database WHERE datname = current_database())
                LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
                ORDER BY p.pid""".formatted(columns);
    }
}
