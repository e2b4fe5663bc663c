import ExporterCore
import ExporterSource
import Logging
import PostgresNIO

/// Creates and upgrades the tables the exporter owns (`flexprice-exporter migrate`).
///
/// Each step runs once, in order, recorded in `exporter_migrations`; an advisory lock makes
/// concurrent `migrate` runs (several daemons starting together) wait for each other instead of
/// racing, so running it again is always safe.
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
    ]

    private let client: DatabasePool
    private let logger: Logger

    public init(client: DatabasePool, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Applies every step not applied yet; returns the versions it applied.
    @discardableResult
    public func run() async throws -> [Int] {
        do {
            return try await client.transaction(logger: logger) { connection in
                // A constant key: "flexprice-exporter migrate" as a 64-bit number.
                _ = try await connection.rowsUnlessClosed("SELECT pg_advisory_xact_lock(7346527306152270160)", logger: logger)
                _ = try await connection.rowsUnlessClosed("""
                    CREATE TABLE IF NOT EXISTS exporter_migrations (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                var applied: Set<Int> = []
                for row in try await connection.rowsUnlessClosed("SELECT version FROM exporter_migrations", logger: logger) {
                    applied.insert(try row.decode(Int.self))
                }
                var done: [Int] = []
                for step in Self.steps where !applied.contains(step.version) {
                    for statement in step.sql {
                        _ = try await connection.rowsUnlessClosed(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    _ = try await connection.rowsUnlessClosed(
                        "INSERT INTO exporter_migrations (version, name) VALUES (\(step.version), \(step.name))", logger: logger)
                    logger.info("applied migration", metadata: ["version": "\(step.version)", "name": "\(step.name)"])
                    done.append(step.version)
                }
                return done
            }
        } catch {
            throw ExportError.database("migrate failed: \(PostgresErrorText.describe(error))")
        }
    }
}
