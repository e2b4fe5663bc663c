import ExporterCore
import Foundation
import Logging
import ExporterDatabase

/// The `export_runs` table (DESIGN §6): every run is recorded, first as `running`, then
/// `succeeded` or `failed`, so operators monitor the exporter with SQL.
public struct RunHistory: RunRecorder {
    let client: DatabasePool
    let logger: Logger
    /// `host:pid`, recorded on every run this process starts.
    public let worker: String
    /// Judges the worker of a `running` row that blocks a start (see ``begin(_:trigger:)``).
    let liveness: WorkerLiveness
    /// FlexPrice's `tasks` mirror (EXPORTER_FLEXPRICE_TASKS), written in the same transactions
    /// as `export_runs`; nil when off, and then nothing reads or writes `tasks`.
    public let tasks: FlexpriceTasks?

    public init(client: DatabasePool, logger: Logger, worker: String = RunHistory.defaultWorker,
                liveness: WorkerLiveness = .system, tasks: FlexpriceTasks? = nil) {
        self.client = client
        self.logger = logger
        self.worker = worker
        self.liveness = liveness
        self.tasks = tasks
    }

    /// With the `tasks` mirror on, checks that FlexPrice's `tasks` table can take the runs
    /// (``FlexpriceTasks/verify(_:)``); with it off, nothing.
    public func verifyFlexpriceTasks() async throws {
        try await tasks?.verify(client)
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
    /// database's unique index decides, so two daemons never export a window twice) or, with
    /// `skipIfSucceeded` (scheduled triggers, a backfill without `--force`), the window has
    /// already succeeded: a daemon that planned a window while another was finishing it does not
    /// export it again, and a backfill run again continues where it stopped. A `retry` is skipped
    /// when the window's latest finished run succeeded (another worker repaired it first).
    ///
    /// A `running` row that blocks the start is looked at: when its worker is provably dead
    /// (this host, its process gone: an interrupted or killed `sync`, a daemon killed with
    /// SIGKILL) it is marked `abandoned` at once and the run starts; otherwise the holder is
    /// returned, so the caller can name it.
    public func begin(_ key: RunKey, trigger: RunTrigger, skipIfSucceeded onlyIfNotDone: Bool) async throws -> RunStart {
        let start = Date(timeIntervalSince1970: TimeInterval(key.window.start))
        let end = Date(timeIntervalSince1970: TimeInterval(key.window.end))
        // A retry repairs a failing window: another worker may have repaired it first.
        let isRetry = trigger == .retry
        let task = key.scheduledTaskID
        let insert: SQL = """
            INSERT INTO export_runs (connection_id, tenant_id, environment_id, entity_type, "interval",
                window_start, window_end, "trigger", status, attempt, worker, scheduled_task_id)
            SELECT \(key.connectionID), \(key.tenantID), \(key.environmentID), \(key.entity.rawValue),
                \(key.interval?.rawValue), \(start), \(end), \(trigger.rawValue), 'running',
                1 + (SELECT count(*) FROM export_runs WHERE connection_id = \(key.connectionID)
                     AND entity_type = \(key.entity.rawValue) AND window_start = \(start) AND window_end = \(end)
                     AND scheduled_task_id IS NOT DISTINCT FROM \(task)),
                \(worker), \(task)
            WHERE (NOT \(onlyIfNotDone) OR NOT EXISTS (
                SELECT 1 FROM export_runs WHERE connection_id = \(key.connectionID) AND entity_type = \(key.entity.rawValue)
                AND window_start = \(start) AND window_end = \(end) AND scheduled_task_id IS NOT DISTINCT FROM \(task)
                AND status = 'succeeded'))
              AND (NOT \(isRetry) OR coalesce((
                SELECT status FROM export_runs WHERE connection_id = \(key.connectionID) AND entity_type = \(key.entity.rawValue)
                AND window_start = \(start) AND window_end = \(end) AND scheduled_task_id IS NOT DISTINCT FROM \(task)
                AND status <> 'running' ORDER BY id DESC LIMIT 1), '') <> 'succeeded')
            ON CONFLICT DO NOTHING
            RETURNING id
            """
        let holder: SQL = """
            SELECT id, worker, started_at FROM export_runs
            WHERE connection_id = \(key.connectionID) AND entity_type = \(key.entity.rawValue)
              AND window_start = \(start) AND window_end = \(end) AND scheduled_task_id IS NOT DISTINCT FROM \(task)
              AND status = 'running'
            """
        return try await ExportError.whileUsingDatabase("recording the start of a run in export_runs") {
            try await client.transaction { connection in
                try await lockStream(key.stream, on: connection)
                // A second and third try only follow an abandoned holder, or a holder that
                // finished between the two statements (a failure is recorded without the lock).
                for _ in 0..<3 {
                    if let id = try await connection.query(insert).first?.decode(Int64.self) {
                        try await tasks?.open(runID: id, key: key, on: connection)
                        return .started(id)
                    }
                    guard let row = try await connection.query(holder).first else {
                        if onlyIfNotDone || isRetry { return .alreadySucceeded }
                        continue
                    }
                    let (id, holderWorker, startedAt) = try row.decode((Int64, String, Date).self)
                    guard liveness.isProvablyDead(holderWorker) else {
                        return .runningElsewhere(RunningElsewhere(
                            runID: id, worker: holderWorker, startedAt: Timestamp.rfc3339(micros: startedAt.micros)))
                    }
                    let message = "worker \(holderWorker) stopped while exporting this window (its process no longer "
                        + "exists on this host); abandoned by worker \(worker), which exports the window again"
                    let abandoned = try await connection.query("""
                        UPDATE export_runs SET status = 'abandoned', finished_at = now(), error_code = 'shutdown',
                            error_message = \(message)
                        WHERE id = \(id) AND status = 'running'
                        RETURNING flexprice_task_id
                        """)
                    if let tasks, let task = try abandoned.first?.decode(String?.self) ?? nil {
                        try await tasks.fail(task, summary: FlexpriceTasks.summary(code: "shutdown", message: message), on: connection)
                    }
                    logger.warning("abandoned the run of a worker that no longer exists; exporting its window again",
                                   metadata: ["run": "\(id)", "worker": "\(holderWorker)"])
                }
                throw ExportError.database("the window's running row changed three times while starting a run")
            }
        }
    }

    /// Records run `id` (of `key`) as succeeded with its figures.
    public func succeed(_ id: Int64, of key: RunKey, _ outcome: RunOutcome) async throws {
        let query: SQL = """
            UPDATE export_runs SET status = 'succeeded', finished_at = now(), row_count = \(outcome.rowCount),
                bytes_raw = \(outcome.bytesRaw), bytes_uploaded = \(outcome.bytesUploaded),
                object_count = \(outcome.objectCount), manifest_key = \(outcome.manifestKey),
                object_url = \(outcome.objectURL), sha256 = \(outcome.sha256), error_code = NULL, error_message = NULL,
                delta_version = \(outcome.deltaVersion)
            WHERE id = \(id)
            RETURNING finished_at, flexprice_task_id
            """
        try await ExportError.whileUsingDatabase("recording a succeeded run in export_runs") {
            try await client.transaction { connection in
                try await lockStream(key.stream, on: connection)
                let recorded = try await connection.query(query)
                if let tasks, let row = recorded.first {
                    let (finishedAt, task) = try row.decode((Date, String?).self)
                    if let task {
                        try await tasks.complete(task, runID: id, key: key, outcome: outcome, finishedAt: finishedAt, on: connection)
                    }
                }
            }
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
    private func lockStream(_ stream: ExportStream, on connection: DatabaseConnection) async throws {
        _ = try await connection.query("""
            SELECT pg_advisory_xact_lock(hashtextextended(\(stream.connectionID) || '/' || \(stream.entity.rawValue)
                || coalesce('/' || \(stream.scheduledTaskID)::text, ''), \(Self.streamLockSeed)))
            """)
    }

    /// Records run `id` as failed; with the `tasks` mirror on, its task FAILED in the same transaction.
    public func fail(_ id: Int64, _ error: ExportError) async throws {
        let query: SQL = """
            UPDATE export_runs SET status = 'failed', finished_at = now(), error_code = \(error.code),
                error_message = \(error.message)
            WHERE id = \(id)
            RETURNING flexprice_task_id
            """
        guard let tasks else {
            try await execute(query, what: "recording a failed run in export_runs")
            return
        }
        try await ExportError.whileUsingDatabase("recording a failed run in export_runs and tasks") {
            try await client.transaction { connection in
                if let task = try await connection.query(query).first?.decode(String?.self) ?? nil {
                    try await tasks.fail(task, summary: FlexpriceTasks.summary(code: error.code, message: error.message),
                                         on: connection)
                }
            }
        }
    }

    /// Runs one statement on its own; returns the rows it returned (`RETURNING`).
    @discardableResult
    func execute(_ query: SQL, what: String) async throws -> [DatabaseRow] {
        try await ExportError.whileUsingDatabase(what) { try await client.query(query) }
    }
}
