import ExporterCore
import ExporterSource
import Foundation
import Logging
import PostgresNIO

/// What started a run (`export_runs.trigger`).
public enum RunTrigger: String, Sendable, CaseIterable {
    case schedule
    case catchUp = "catch_up"
    /// A forced pass of the daemon (SIGUSR1).
    case signal
    /// A forced pass of `sync --force`.
    case forced
    case manual
}

/// The identity of one export: a connection's entity in one window.
public struct RunKey: Sendable, Hashable {
    public let connectionID: String
    public let tenantID: String
    public let environmentID: String
    public let entity: EntityType
    public let interval: SyncInterval?
    public let window: ExportWindow

    public init(connectionID: String, tenantID: String, environmentID: String, entity: EntityType,
                interval: SyncInterval?, window: ExportWindow) {
        self.connectionID = connectionID
        self.tenantID = tenantID
        self.environmentID = environmentID
        self.entity = entity
        self.interval = interval
        self.window = window
    }
}

/// The figures of a successful run.
public struct RunOutcome: Sendable, Hashable {
    public var rowCount: Int64
    public var bytesRaw: Int64
    public var bytesUploaded: Int64
    public var objectCount: Int
    public var manifestKey: String
    public var objectURL: String
    /// SHA-256 of the data object (of the first part when the export rolled over).
    public var sha256: String

    public init(rowCount: Int64, bytesRaw: Int64, bytesUploaded: Int64, objectCount: Int,
                manifestKey: String, objectURL: String, sha256: String) {
        self.rowCount = rowCount
        self.bytesRaw = bytesRaw
        self.bytesUploaded = bytesUploaded
        self.objectCount = objectCount
        self.manifestKey = manifestKey
        self.objectURL = objectURL
        self.sha256 = sha256
    }
}

/// The `export_runs` table (DESIGN §6): every run is recorded, first as `running`, then
/// `succeeded` or `failed`, so operators monitor the exporter with SQL.
public struct RunHistory: Sendable {
    let client: DatabasePool
    let logger: Logger
    /// `host:pid`, recorded on every run this process starts.
    public let worker: String
    /// Judges the worker of a `running` row that blocks a start (see ``begin(_:trigger:)``).
    let liveness: WorkerLiveness

    public init(client: DatabasePool, logger: Logger, worker: String = RunHistory.defaultWorker,
                liveness: WorkerLiveness = .system) {
        self.client = client
        self.logger = logger
        self.worker = worker
        self.liveness = liveness
    }

    public static var defaultWorker: String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Records a run as `running` and returns its id; nil when ``begin(_:trigger:)`` did not
    /// start one (the window is held by a live run, or a scheduled trigger found it done).
    public func start(_ key: RunKey, trigger: RunTrigger) async throws -> Int64? {
        try await begin(key, trigger: trigger).runID
    }

    /// Records a run as `running`, unless another run of the same window is already running (the
    /// database's unique index decides, so two daemons never export a window twice) or, for
    /// scheduled triggers (`schedule`, `catch_up`), the window has already succeeded: a daemon
    /// that planned a window while another was finishing it does not export it again.
    ///
    /// A `running` row that blocks the start is looked at: when its worker is provably dead
    /// (this host, its process gone: an interrupted or killed `sync`, a daemon killed with
    /// SIGKILL) it is marked `abandoned` at once and the run starts; otherwise the holder is
    /// returned, so the caller can name it.
    public func begin(_ key: RunKey, trigger: RunTrigger) async throws -> RunStart {
        let onlyIfNotDone = trigger == .schedule || trigger == .catchUp
        let start = Date(timeIntervalSince1970: TimeInterval(key.window.start))
        let end = Date(timeIntervalSince1970: TimeInterval(key.window.end))
        let insert: PostgresQuery = """
            INSERT INTO export_runs (connection_id, tenant_id, environment_id, entity_type, "interval",
                window_start, window_end, "trigger", status, attempt, worker)
            SELECT \(key.connectionID), \(key.tenantID), \(key.environmentID), \(key.entity.rawValue),
                \(key.interval?.rawValue), \(start), \(end), \(trigger.rawValue), 'running',
                1 + (SELECT count(*) FROM export_runs WHERE connection_id = \(key.connectionID)
                     AND entity_type = \(key.entity.rawValue) AND window_start = \(start) AND window_end = \(end)),
                \(worker)
            WHERE NOT \(onlyIfNotDone) OR NOT EXISTS (
                SELECT 1 FROM export_runs WHERE connection_id = \(key.connectionID) AND entity_type = \(key.entity.rawValue)
                AND window_start = \(start) AND window_end = \(end) AND status = 'succeeded')
            ON CONFLICT DO NOTHING
            RETURNING id
            """
        let holder: PostgresQuery = """
            SELECT id, worker, started_at FROM export_runs
            WHERE connection_id = \(key.connectionID) AND entity_type = \(key.entity.rawValue)
              AND window_start = \(start) AND window_end = \(end) AND status = 'running'
            """
        do {
            return try await client.transaction(logger: logger) { connection in
                try await lockStream(key.connectionID, key.entity.rawValue, on: connection)
                // A second and third try only follow an abandoned holder, or a holder that
                // finished between the two statements (a failure is recorded without the lock).
                for _ in 0..<3 {
                    if let id = try await connection.rowsUnlessClosed(insert, logger: logger).first?.decode(Int64.self) {
                        return .started(id)
                    }
                    guard let row = try await connection.rowsUnlessClosed(holder, logger: logger).first else {
                        if onlyIfNotDone { return .alreadySucceeded }
                        continue
                    }
                    let (id, holderWorker, startedAt) = try row.decode((Int64, String, Date).self)
                    guard liveness.isProvablyDead(holderWorker) else {
                        return .runningElsewhere(RunningElsewhere(
                            runID: id, worker: holderWorker, startedAt: Timestamp.rfc3339(micros: startedAt.micros)))
                    }
                    let message = "worker \(holderWorker) stopped while exporting this window (its process no longer "
                        + "exists on this host); abandoned by worker \(worker), which exports the window again"
                    _ = try await connection.rowsUnlessClosed("""
                        UPDATE export_runs SET status = 'abandoned', finished_at = now(), error_code = 'shutdown',
                            error_message = \(message)
                        WHERE id = \(id) AND status = 'running'
                        """, logger: logger)
                    logger.warning("abandoned the run of a worker that no longer exists; exporting its window again",
                                   metadata: ["run": "\(id)", "worker": "\(holderWorker)"])
                }
                throw ExportError.database("the window's running row changed three times while starting a run")
            }
        } catch {
            throw ExportError.database("recording the start of a run in export_runs failed: \(PostgresErrorText.describe(error))")
        }
    }

    /// Records run `id` (of `key`) as succeeded with its figures.
    public func succeed(_ id: Int64, of key: RunKey, _ outcome: RunOutcome) async throws {
        let query: PostgresQuery = """
            UPDATE export_runs SET status = 'succeeded', finished_at = now(), row_count = \(outcome.rowCount),
                bytes_raw = \(outcome.bytesRaw), bytes_uploaded = \(outcome.bytesUploaded),
                object_count = \(outcome.objectCount), manifest_key = \(outcome.manifestKey),
                object_url = \(outcome.objectURL), sha256 = \(outcome.sha256), error_code = NULL, error_message = NULL
            WHERE id = \(id)
            """
        do {
            try await client.transaction(logger: logger) { connection in
                try await lockStream(key.connectionID, key.entity.rawValue, on: connection)
                _ = try await connection.rowsUnlessClosed(query, logger: logger)
            }
        } catch {
            throw ExportError.database("recording a succeeded run in export_runs failed: \(PostgresErrorText.describe(error))")
        }
    }

    /// Seed of the advisory-lock key of a (connection, entity) stream.
    private static let streamLockSeed: Int64 = 7_346_527_306

    /// Serialises starting a run of a stream with recording a success of it, across daemons.
    ///
    /// Without it, a daemon could check "not succeeded yet" while another's run is still
    /// `running`, and insert its own row just after that run turned `succeeded` (the partial
    /// unique index then no longer conflicts): the window would be exported twice. Both
    /// statements hold this transaction lock, so the check sees either the running row (and the
    /// index refuses) or the success.
    private func lockStream(_ connectionID: String, _ entity: String, on connection: PostgresConnection) async throws {
        _ = try await connection.rowsUnlessClosed("""
            SELECT pg_advisory_xact_lock(hashtextextended(\(connectionID) || '/' || \(entity), \(Self.streamLockSeed)))
            """, logger: logger)
    }

    public func fail(_ id: Int64, _ error: ExportError) async throws {
        let query: PostgresQuery = """
            UPDATE export_runs SET status = 'failed', finished_at = now(), error_code = \(error.code),
                error_message = \(error.message)
            WHERE id = \(id)
            """
        try await execute(query, what: "recording a failed run")
    }

    /// Records a run that failed before it could start (unreadable settings or credentials).
    public func recordFailure(_ key: RunKey, trigger: RunTrigger, error: ExportError) async throws {
        guard let id = try await start(key, trigger: trigger) else { return }
        try await fail(id, error)
    }

    private func execute(_ query: PostgresQuery, what: String) async throws {
        do {
            _ = try await client.rows(query, logger: logger)
        } catch {
            throw ExportError.database("\(what) in export_runs failed: \(PostgresErrorText.describe(error))")
        }
    }
}
