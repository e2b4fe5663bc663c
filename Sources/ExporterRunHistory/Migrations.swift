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
    ]

    /// The tables `status` and `check` read, which only a migration creates.
    static let requiredTables = ["export_runs", "exporter_workers"]

    private let client: DatabasePool
    private let logger: Logger

    public init(client: DatabasePool, logger: Logger) {
        self.client = client
        self.logger = logger
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
