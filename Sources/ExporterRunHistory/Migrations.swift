import ExporterCore
import Logging
import ExporterDatabase

/// Creates and upgrades the tables the exporter owns (`flexprice-exporter migrate`, and `run` and
/// `sync` at start).
///
/// Each step runs once, in order, recorded in `exporter_migrations`; an advisory lock makes
/// concurrent runs (several daemons starting together) wait for each other instead of racing,
/// so running it again is always safe. When nothing is pending nothing is created, so a role
/// that may only read and write the tables starts fine once someone has migrated.
public struct Migrations: Sendable {
    /// The steps, in order. Append new ones; never edit an applied one.
    static let steps: [(version: Int, name: String, sql: [String])] = [
        (1, "create export_runs", [
            """
            CREATE TABLE IF NOT EXISTS export_runs (
                id              bigserial PRIMARY KEY,
                connection_id   varchar(50)  NOT NULL,
                tenant_id       varchar(50)  NOT NULL,
                environment_id  varchar(50)  NOT NULL DEFAULT '',
                entity_type     varchar(32)  NOT NULL,
                "interval"      varchar(16),
                window_start    timestamptz  NOT NULL,
                window_end      timestamptz  NOT NULL,
                "trigger"       varchar(16)  NOT NULL CHECK ("trigger" IN ('schedule', 'catch_up', 'signal', 'manual')),
                status          varchar(16)  NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'abandoned')),
                attempt         integer      NOT NULL DEFAULT 1,
                started_at      timestamptz  NOT NULL DEFAULT now(),
                finished_at     timestamptz,
                row_count       bigint,
                bytes_raw       bigint,
                bytes_uploaded  bigint,
                object_count    integer,
                manifest_key    text,
                object_url      text,
                sha256          varchar(64),
                error_code      varchar(128),
                error_message   text,
                worker          varchar(255) NOT NULL
            )
            """,
            // At most one running export per (connection, entity, window), enforced by the database
            // so that several daemons can share the work without exporting a window twice.
            """
            CREATE UNIQUE INDEX IF NOT EXISTS export_runs_one_running
                ON export_runs (connection_id, entity_type, window_start, window_end) WHERE status = 'running'
            """,
            """
            CREATE INDEX IF NOT EXISTS export_runs_by_window
                ON export_runs (connection_id, entity_type, window_end DESC, id DESC)
            """,
        ]),
        (2, "create exporter_workers", [
            // Each daemon's heartbeat: a `running` row whose worker has stopped beating is abandoned
            // and its window re-run by another (or the restarted) daemon.
            """
            CREATE TABLE IF NOT EXISTS exporter_workers (
                worker       varchar(255) PRIMARY KEY,
                started_at   timestamptz  NOT NULL DEFAULT now(),
                heartbeat_at timestamptz  NOT NULL DEFAULT now()
            )
            """,
        ]),
        (3, "allow the trigger forced", [
            // `sync --force` records its runs as `forced`, apart from the daemon's SIGUSR1 (`signal`).
            // The constraint dropped is the one PostgreSQL named for migration 1's column CHECK.
            "ALTER TABLE export_runs DROP CONSTRAINT IF EXISTS export_runs_trigger_check",
            """
            ALTER TABLE export_runs ADD CONSTRAINT export_runs_trigger_check
                CHECK ("trigger" IN ('schedule', 'catch_up', 'signal', 'forced', 'manual', 'backfill'))
            """,
        ]),
        (4, "create view export_stream_status", [
            // Where each (connection, entity) of the active S3 connections stands, for dashboards
            // that read PostgreSQL, plain psql, and `flexprice-exporter status` (docs/monitoring.md).
            // It reads FlexPrice's `connections` the way the exporter does (DESIGN §2): published
            // `s3` connections whose sync_config.s3.sync_active is true; entity_types, else the
            // entities marked outbound. The grace period comes from the setting
            // flexprice_exporter.grace_seconds when a session or the database sets it, else 900
            // (the exporter's default), so that "due" means what it means to the daemon.
            """
            CREATE OR REPLACE VIEW export_stream_status AS
            WITH active AS (
                SELECT c.id, c.tenant_id, coalesce(c.environment_id, '') AS environment_id, c.name,
                       c.sync_config, c.sync_config -> 's3' AS s3,
                       coalesce(c.sync_config -> 's3' ->> 'interval', 'daily') AS "interval"
                FROM connections c
                WHERE c.provider_type = 's3' AND c.status = 'published'
                  AND jsonb_typeof(c.sync_config) = 'object'
                  AND c.sync_config -> 's3' -> 'sync_active' = 'true'::jsonb
            ), streams AS (
                SELECT a.*, e.entity_type
                FROM active a
                CROSS JOIN LATERAL (
                    SELECT DISTINCT x.entity_type FROM jsonb_array_elements_text(
                        CASE WHEN jsonb_typeof(a.s3 -> 'entity_types') = 'array' THEN a.s3 -> 'entity_types' ELSE '[]' END
                    ) AS x(entity_type)
                    UNION
                    SELECT k.entity_type FROM unnest(ARRAY['feature_usage', 'customer', 'invoice', 'price', 'subscription',
                                                           'credit_note']) AS k(entity_type)
                    WHERE coalesce(jsonb_array_length(CASE WHEN jsonb_typeof(a.s3 -> 'entity_types') = 'array'
                                                           THEN a.s3 -> 'entity_types' END), 0) = 0
                      AND jsonb_typeof(a.sync_config -> k.entity_type) = 'object'
                      AND a.sync_config -> k.entity_type -> 'outbound' = 'true'::jsonb
                ) e
                WHERE e.entity_type IN ('feature_usage', 'customer', 'invoice', 'price', 'subscription', 'credit_note')
            ), timed AS (
                SELECT s.*,
                       CASE s."interval" WHEN 'daily' THEN interval '1 day' WHEN 'weekly' THEN interval '7 days'
                                         WHEN 'monthly' THEN interval '1 month' END AS step,
                       date_trunc(CASE s."interval" WHEN 'weekly' THEN 'week' WHEN 'monthly' THEN 'month' ELSE 'day' END,
                                  (now() - g.grace) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS latest_due_window_end,
                       g.grace
                FROM streams s
                CROSS JOIN (SELECT make_interval(secs => coalesce(
                    nullif(current_setting('flexprice_exporter.grace_seconds', true), ''), '900')::double precision) AS grace) g
                WHERE s."interval" IN ('daily', 'weekly', 'monthly')
            )
            SELECT t.id AS connection_id, t.tenant_id, t.environment_id, t.name AS connection_name, t.entity_type,
                   t."interval",
                   ok.window_start AS last_succeeded_window_start,
                   ok.window_end AS last_succeeded_window_end,
                   t.latest_due_window_end,
                   CASE WHEN ok.window_end IS NULL THEN 1
                        WHEN t."interval" = 'monthly' THEN greatest(0,
                            ((date_part('year', t.latest_due_window_end AT TIME ZONE 'UTC')
                              - date_part('year', ok.window_end AT TIME ZONE 'UTC')) * 12
                             + date_part('month', t.latest_due_window_end AT TIME ZONE 'UTC')
                             - date_part('month', ok.window_end AT TIME ZONE 'UTC'))::integer)
                        ELSE greatest(0, floor(extract(epoch FROM t.latest_due_window_end - ok.window_end)
                                               / extract(epoch FROM t.step))::integer)
                   END AS windows_behind,
                   last.id AS last_run_id, last.status AS last_run_status, last."trigger" AS last_run_trigger,
                   last.window_start AS last_run_window_start,
                   last.started_at AS last_run_started_at, last.finished_at AS last_run_finished_at,
                   last.error_code AS last_error_code, last.error_message AS last_error_message,
                   failing.since AS failing_since,
                   coalesce(ok.window_end, t.latest_due_window_end - t.step) AS next_window_start,
                   coalesce(ok.window_end + t.step, t.latest_due_window_end) AS next_window_end,
                   coalesce(ok.window_end + t.step, t.latest_due_window_end) + t.grace AS next_due_at
            FROM timed t
            LEFT JOIN LATERAL (
                SELECT r.window_start, r.window_end FROM export_runs r
                WHERE r.connection_id = t.id AND r.entity_type = t.entity_type
                  AND r.status = 'succeeded' AND r."trigger" <> 'manual'
                ORDER BY r.window_end DESC, r.id DESC LIMIT 1
            ) ok ON true
            LEFT JOIN LATERAL (
                SELECT r.* FROM export_runs r
                WHERE r.connection_id = t.id AND r.entity_type = t.entity_type
                ORDER BY r.id DESC LIMIT 1
            ) last ON true
            LEFT JOIN LATERAL (
                SELECT min(r.started_at) AS since FROM export_runs r
                WHERE r.connection_id = t.id AND r.entity_type = t.entity_type AND r.status IN ('failed', 'abandoned')
                  AND r.id > coalesce((SELECT max(s.id) FROM export_runs s WHERE s.connection_id = t.id
                                       AND s.entity_type = t.entity_type AND s.status = 'succeeded'), 0)
            ) failing ON true
            """,
        ]),
        (5, "add export_runs.flexprice_task_id", [
            // With EXPORTER_FLEXPRICE_TASKS=true each run is mirrored in FlexPrice's `tasks` table
            // (DESIGN §6a): the task's id, `task_<ULID>` (FlexPrice's tasks.id is varchar(100)).
            // NULL when the option is off. The task links back through metadata.export_run_id.
            "ALTER TABLE export_runs ADD COLUMN IF NOT EXISTS flexprice_task_id varchar(100)",
            """
            CREATE INDEX IF NOT EXISTS export_runs_by_flexprice_task
                ON export_runs (flexprice_task_id) WHERE flexprice_task_id IS NOT NULL
            """,
        ]),
        (6, "failing windows, the trigger retry, connection_problems", [
            // `retry`: the daemon exporting again a window whose latest run failed outside the
            // stream's sequence (a failed re-export, a failed backfill behind the position).
            "ALTER TABLE export_runs DROP CONSTRAINT IF EXISTS export_runs_trigger_check",
            """
            ALTER TABLE export_runs ADD CONSTRAINT export_runs_trigger_check
                CHECK ("trigger" IN ('schedule', 'catch_up', 'signal', 'forced', 'manual', 'backfill', 'retry'))
            """,
            // A FlexPrice scheduled task is a stream of its own (EXPORTER_FLEXPRICE_SCHEDULED_TASKS):
            // its id is part of the stream's identity, so the one-running-row rule is per task too.
            "ALTER TABLE export_runs ADD COLUMN IF NOT EXISTS scheduled_task_id varchar(50)",
            "DROP INDEX IF EXISTS export_runs_one_running",
            """
            CREATE UNIQUE INDEX IF NOT EXISTS export_runs_one_running_per_stream
                ON export_runs (connection_id, entity_type, coalesce(scheduled_task_id, ''), window_start, window_end)
                WHERE status = 'running'
            """,
            // Planning and the view look up the runs of one exact window (is its latest run a failure?).
            """
            CREATE INDEX IF NOT EXISTS export_runs_by_exact_window
                ON export_runs (connection_id, entity_type, window_start, window_end, id)
            """,
            // A connection that cannot be exported at all (unreadable sync_config, undecryptable
            // credentials): one row per distinct problem, not a failed run per entity per pass.
            """
            CREATE TABLE IF NOT EXISTS connection_problems (
                id                     bigserial PRIMARY KEY,
                connection_id          varchar(50)  NOT NULL,
                tenant_id              varchar(50)  NOT NULL,
                environment_id         varchar(50)  NOT NULL DEFAULT '',
                connection_updated_at  timestamptz,
                error_code             varchar(128) NOT NULL,
                error_message          text         NOT NULL,
                first_seen_at          timestamptz  NOT NULL DEFAULT now(),
                last_seen_at           timestamptz  NOT NULL DEFAULT now(),
                resolved_at            timestamptz,
                worker                 varchar(255) NOT NULL
            )
            """,
            """
            CREATE UNIQUE INDEX IF NOT EXISTS connection_problems_one_open
                ON connection_problems (connection_id) WHERE resolved_at IS NULL
            """,
            // The view: a stream is failing while any window's latest run failed (not only
            // failures after the stream's last success), with how many such windows and the
            // oldest; `retry` successes do not move the position; connection problems as rows
            // with entity '*'; "now" may be set for a session (flexprice_exporter.now, as the grace
            // is), so a test computes every expected window by hand from one clock. Dropped and
            // created (not replaced): the UNION changes column types.
            "DROP VIEW IF EXISTS export_stream_status",
            // The entities the exporter knows, in one place: a later migration that adds one
            // replaces this function, not the view.
            """
            CREATE OR REPLACE FUNCTION export_entity_types() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
                SELECT ARRAY['feature_usage', 'customer', 'invoice', 'price', 'subscription', 'credit_note', 'credit_topups', 'meter_usage', 'events']
            $$
            """,
            // FlexPrice's scheduled tasks as streams (EXPORTER_FLEXPRICE_SCHEDULED_TASKS): only when
            // the session or the database sets flexprice_exporter.scheduled_tasks to 'true' (status
            // and the daemon set it as they set the grace), and nothing when scheduled_tasks does not
            // exist (the query is dynamic, so the function is created without the table).
            """
            CREATE OR REPLACE FUNCTION export_scheduled_task_streams()
            RETURNS TABLE (id text, tenant_id text, environment_id text, name text, sync_config jsonb, s3 jsonb,
                           "interval" text, entity_type text, scheduled_task_id text)
            LANGUAGE plpgsql STABLE AS $$
            BEGIN
                IF coalesce(current_setting('flexprice_exporter.scheduled_tasks', true), '') <> 'true'
                   OR to_regclass('scheduled_tasks') IS NULL THEN
                    RETURN;
                END IF;
                RETURN QUERY EXECUTE $q$
                    SELECT c.id::text, c.tenant_id::text, coalesce(c.environment_id, '')::text, c.name::text,
                           c.sync_config, c.sync_config -> 's3',
                           CASE WHEN upper(t."interval") IN ('15MIN', '30MIN') THEN upper(t."interval")
                                ELSE lower(t."interval") END::text,
                           CASE t.entity_type WHEN 'events' THEN 'meter_usage' ELSE t.entity_type END::text,
                           t.id::text
                    FROM scheduled_tasks t
                    JOIN connections c ON c.id = t.connection_id AND c.provider_type = 's3' AND c.status = 'published'
                    WHERE t.status = 'published' AND t.enabled AND t.entity_type IN ('events', 'invoice', 'credit_topups')
                $q$;
            END
            $$
            """,
            """
            CREATE VIEW export_stream_status AS
            WITH active AS (
                SELECT c.id, c.tenant_id, coalesce(c.environment_id, '') AS environment_id, c.name,
                       c.sync_config, c.sync_config -> 's3' AS s3,
                       -- Spelled as the exporter reads it (any case): 15MIN and 30MIN upper, the others lower.
                       CASE WHEN upper(c.sync_config -> 's3' ->> 'interval') IN ('15MIN', '30MIN')
                            THEN upper(c.sync_config -> 's3' ->> 'interval')
                            ELSE lower(coalesce(c.sync_config -> 's3' ->> 'interval', 'daily')) END AS "interval"
                FROM connections c
                WHERE c.provider_type = 's3' AND c.status = 'published'
                  AND jsonb_typeof(c.sync_config) = 'object'
                  AND c.sync_config -> 's3' -> 'sync_active' = 'true'::jsonb
            ), streams AS (
                SELECT a.*, e.entity_type, NULL::text AS scheduled_task_id
                FROM active a
                CROSS JOIN LATERAL (
                    SELECT DISTINCT x.entity_type FROM jsonb_array_elements_text(
                        CASE WHEN jsonb_typeof(a.s3 -> 'entity_types') = 'array' THEN a.s3 -> 'entity_types' ELSE '[]' END
                    ) AS x(entity_type)
                    UNION
                    SELECT k.entity_type FROM unnest(export_entity_types()) AS k(entity_type)
                    WHERE coalesce(jsonb_array_length(CASE WHEN jsonb_typeof(a.s3 -> 'entity_types') = 'array'
                                                           THEN a.s3 -> 'entity_types' END), 0) = 0
                      AND jsonb_typeof(a.sync_config -> k.entity_type) = 'object'
                      AND a.sync_config -> k.entity_type -> 'outbound' = 'true'::jsonb
                ) e
                WHERE e.entity_type = ANY(export_entity_types())
                UNION ALL
                SELECT * FROM export_scheduled_task_streams()
            ), timed AS (
                SELECT s.*, w.step,
                       -- The start of the window holding now - grace is the end of the latest due one.
                       CASE WHEN s."interval" IN ('weekly', 'monthly')
                            THEN date_trunc(CASE s."interval" WHEN 'weekly' THEN 'week' ELSE 'month' END,
                                            (g.now - g.grace) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                            -- Fixed lengths up to a day: aligned to the epoch, so to hours and midnights.
                            ELSE to_timestamp(floor(extract(epoch FROM g.now - g.grace) / extract(epoch FROM w.step))
                                              * extract(epoch FROM w.step))
                       END AS latest_due_window_end,
                       g.grace
                FROM streams s
                CROSS JOIN LATERAL (SELECT CASE s."interval" WHEN '15MIN' THEN interval '15 minutes'
                    WHEN '30MIN' THEN interval '30 minutes' WHEN 'hourly' THEN interval '1 hour'
                    WHEN 'daily' THEN interval '1 day' WHEN 'weekly' THEN interval '7 days'
                    WHEN 'monthly' THEN interval '1 month' END AS step) w
                CROSS JOIN (SELECT make_interval(secs => coalesce(
                    nullif(current_setting('flexprice_exporter.grace_seconds', true), ''), '900')::double precision) AS grace,
                    coalesce(nullif(current_setting('flexprice_exporter.now', true), '')::timestamptz, now()) AS now) g
                WHERE s."interval" IN ('15MIN', '30MIN', 'hourly', 'daily', 'weekly', 'monthly')
            )
            SELECT t.id AS connection_id, t.tenant_id, t.environment_id, t.name AS connection_name, t.entity_type,
                   t."interval",
                   ok.window_start AS last_succeeded_window_start,
                   ok.window_end AS last_succeeded_window_end,
                   t.latest_due_window_end,
                   CASE WHEN ok.window_end IS NULL THEN 1
                        WHEN t."interval" = 'monthly' THEN greatest(0,
                            ((date_part('year', t.latest_due_window_end AT TIME ZONE 'UTC')
                              - date_part('year', ok.window_end AT TIME ZONE 'UTC')) * 12
                             + date_part('month', t.latest_due_window_end AT TIME ZONE 'UTC')
                             - date_part('month', ok.window_end AT TIME ZONE 'UTC'))::integer)
                        ELSE greatest(0, floor(extract(epoch FROM t.latest_due_window_end - ok.window_end)
                                               / extract(epoch FROM t.step))::integer)
                   END AS windows_behind,
                   last.id AS last_run_id, last.status AS last_run_status, last."trigger" AS last_run_trigger,
                   last.window_start AS last_run_window_start,
                   last.started_at AS last_run_started_at, last.finished_at AS last_run_finished_at,
                   last.error_code AS last_error_code, last.error_message AS last_error_message,
                   failing.since AS failing_since,
                   coalesce(ok.window_end, t.latest_due_window_end - t.step) AS next_window_start,
                   coalesce(ok.window_end + t.step, t.latest_due_window_end) AS next_window_end,
                   coalesce(ok.window_end + t.step, t.latest_due_window_end) + t.grace AS next_due_at,
                   failing.windows AS failing_windows,
                   failing.oldest_window_start AS oldest_failing_window_start,
                   NULL::text AS problem,
                   t.scheduled_task_id
            FROM timed t
            LEFT JOIN LATERAL (
                SELECT r.window_start, r.window_end FROM export_runs r
                WHERE r.connection_id = t.id AND r.entity_type = t.entity_type
                  AND r.scheduled_task_id IS NOT DISTINCT FROM t.scheduled_task_id
                  AND r.status = 'succeeded' AND r."trigger" NOT IN ('manual', 'retry')
                ORDER BY r.window_end DESC, r.id DESC LIMIT 1
            ) ok ON true
            LEFT JOIN LATERAL (
                SELECT r.* FROM export_runs r
                WHERE r.connection_id = t.id AND r.entity_type = t.entity_type
                  AND r.scheduled_task_id IS NOT DISTINCT FROM t.scheduled_task_id
                ORDER BY r.id DESC LIMIT 1
            ) last ON true
            LEFT JOIN LATERAL (
                SELECT count(*)::integer AS windows, min(w.since) AS since, min(w.window_start) AS oldest_window_start
                FROM (
                    SELECT r.window_start, min(r.started_at) AS since FROM export_runs r
                    WHERE r.connection_id = t.id AND r.entity_type = t.entity_type AND r.status IN ('failed', 'abandoned')
                      AND r.scheduled_task_id IS NOT DISTINCT FROM t.scheduled_task_id
                      AND NOT EXISTS (SELECT 1 FROM export_runs s
                                      WHERE s.connection_id = r.connection_id AND s.entity_type = r.entity_type
                                        AND s.scheduled_task_id IS NOT DISTINCT FROM r.scheduled_task_id
                                        AND s.window_start = r.window_start AND s.window_end = r.window_end
                                        AND s.status = 'succeeded' AND s.id > r.id)
                    GROUP BY r.window_start, r.window_end
                ) w
            ) failing ON true
            UNION ALL
            -- A connection that cannot be exported at all (connection_problems): one row, entity '*'.
            SELECT p.connection_id, p.tenant_id, p.environment_id, c.name, '*', NULL,
                   NULL, NULL, NULL, NULL,
                   NULL, NULL, NULL, NULL, NULL, NULL,
                   p.error_code, p.error_message, p.first_seen_at,
                   NULL, NULL, NULL, NULL, NULL, p.error_code || ': ' || p.error_message, NULL
            FROM connection_problems p
            JOIN connections c ON c.id = p.connection_id AND c.provider_type = 's3' AND c.status = 'published'
            WHERE p.resolved_at IS NULL
            """,
        ]),
        (7, "Delta Lake tables: their state, and the version a run committed", [
            // The state of each Delta table the exporter writes (its log replayed), so a commit
            // reads it here instead of replaying years of log from S3: the table's version and
            // protocol/metaData actions, each file's add (and remove, once removed), each
            // application's txn. The log in S3 stays the truth: commits newer than `version`
            // (another writer's, or one whose success was never recorded here) are replayed
            // from it before the next commit.
            """
            CREATE TABLE IF NOT EXISTS delta_tables (
                table_key         text PRIMARY KEY,
                location          text NOT NULL,
                connection_id     varchar(50) NOT NULL,
                entity_type       varchar(32) NOT NULL,
                scheduled_task_id varchar(50),
                version           bigint NOT NULL,
                checkpoint_version bigint,
                protocol_action   text,
                metadata_action   text,
                updated_at        timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS delta_table_files (
                table_key      text NOT NULL REFERENCES delta_tables (table_key) ON DELETE CASCADE,
                path           text NOT NULL,
                add_action     text,
                remove_action  text,
                removed_at     timestamptz,
                PRIMARY KEY (table_key, path)
            )
            """,
            "CREATE INDEX IF NOT EXISTS delta_table_files_removed ON delta_table_files (table_key, removed_at) WHERE remove_action IS NOT NULL",
            """
            CREATE TABLE IF NOT EXISTS delta_table_transactions (
                table_key  text NOT NULL REFERENCES delta_tables (table_key) ON DELETE CASCADE,
                app_id     text NOT NULL,
                txn_action text NOT NULL,
                PRIMARY KEY (table_key, app_id)
            )
            """,
            "ALTER TABLE export_runs ADD COLUMN IF NOT EXISTS delta_version bigint",
        ]),
    ]

    /// The tables (and the view) `status` and `check` read, which only a migration creates.
    static let requiredTables = ["export_runs", "exporter_workers", "connection_problems", "export_stream_status"]

    private let client: DatabasePool
    private let logger: Logger

    public init(client: DatabasePool, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Whether FlexPrice's `connections` table is in the database DATABASE_URL names.
    static let connectionsExist: SQL = "SELECT to_regclass('connections') IS NOT NULL"

    /// For a command that reads connections without migrating (`schema`): FlexPrice's
    /// `connections` must be there, else DATABASE_URL names another database, said as such
    /// (exit 78) rather than as PostgreSQL's "relation does not exist".
    /// - Throws: ``SchemaError/flexpriceTableMissing(_:)``.
    public static func requireFlexpriceConnections(_ client: DatabasePool) async throws {
        let exists = try await ExportError.whileUsingDatabase("checking FlexPrice's connections table") {
            try await client.query(connectionsExist).first?.decode(Bool.self) ?? false
        }
        guard exists else { throw SchemaError.flexpriceTableMissing("connections") }
    }

    /// Applies every step not applied yet; returns the versions it applied.
    ///
    /// - Throws: ``SchemaError/migrationRefused(version:detail:)`` when the role may not create
    ///   or alter the tables, ``ExportError/database(_:)`` for any other database failure.
    @discardableResult
    public func run() async throws -> [Int] {
        var pending: (version: Int, name: String)?
        do {
            return try await client.transaction { connection in
                // A constant key: "flexprice-exporter migrate" as a 64-bit number.
                _ = try await connection.query("SELECT pg_advisory_xact_lock(7346527306152270160)")
                // Read first: when every step is applied, nothing is created (not even IF NOT
                // EXISTS, which needs CREATE rights on the schema all the same).
                let applied = try await appliedVersions(connection)
                let steps = Self.steps.filter { !(applied?.contains($0.version) ?? false) }
                guard let first = steps.first else { return [] }
                // The view reads FlexPrice's connections: say so, rather than PostgreSQL's
                // "relation does not exist" in the middle of a migration.
                let connections = try await connection.query(Self.connectionsExist)
                guard try connections.first?.decode(Bool.self) == true else { throw SchemaError.flexpriceTableMissing("connections") }
                pending = (first.version, first.name)
                _ = try await connection.query("""
                    CREATE TABLE IF NOT EXISTS exporter_migrations (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """)
                var done: [Int] = []
                for step in steps {
                    pending = (step.version, step.name)
                    for statement in step.sql {
                        _ = try await connection.query(SQL(unsafeSQL: statement))
                    }
                    _ = try await connection.query(
                        "INSERT INTO exporter_migrations (version, name) VALUES (\(step.version), \(step.name))")
                    logger.info("applied migration", metadata: ["version": "\(step.version)", "name": "\(step.name)"])
                    done.append(step.version)
                }
                return done
            }
        } catch let error as DatabaseError where error.isInsufficientPrivilege {
            let step = pending.map { "applying migration \($0.version) (\($0.name))" } ?? "reading exporter_migrations"
            throw SchemaError.migrationRefused(step: step, detail: error.description)
        } catch let error as SchemaError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ExportError.database("migrate failed: \(error)")
        }
    }

    /// Checks, without changing anything, that the tables `status` and `check` read exist.
    ///
    /// - Throws: ``SchemaError/missingTable(_:)`` naming the first one missing.
    public func verify() async throws {
        let missing = try await ExportError.whileUsingDatabase("checking the exporter's tables") {
            try await client.query("SELECT name FROM unnest(\(Self.requiredTables)::text[]) AS name WHERE to_regclass(name) IS NULL")
                .map { try $0.decode(String.self) }
        }
        if let table = Self.requiredTables.first(where: missing.contains) { throw SchemaError.missingTable(table) }
    }

    /// The versions recorded in `exporter_migrations`, or nil when that table does not exist yet.
    private func appliedVersions(_ connection: DatabaseConnection) async throws -> Set<Int>? {
        let exists = try await connection.query(
            "SELECT to_regclass('exporter_migrations') IS NOT NULL")
        guard try exists.first?.decode(Bool.self) == true else { return nil }
        var applied: Set<Int> = []
        for row in try await connection.query("SELECT version FROM exporter_migrations") {
            applied.insert(try row.decode(Int.self))
        }
        return applied
    }
}

extension RunHistory {
    /// The migrations of the database this history is kept in.
    public var migrations: Migrations { Migrations(client: client, logger: logger) }
}
