import ExporterCore
import ExporterDatabase
import Foundation

/// One row of the view `export_stream_status`: where one (connection, entity) of an active
/// connection stands. `status`, the metrics' stream gauges and an operator's SQL all read this
/// one definition, so they never disagree about lag.
public struct StreamStatusRow: Sendable, Hashable {
    public var connectionID: String
    public var tenantID: String
    public var environmentID: String
    public var connectionName: String?
    public var entity: String
    public var interval: String
    /// The newest window that moved the stream (any trigger but `manual`), Unix seconds.
    public var lastSucceededWindowStart: Int64?
    public var lastSucceededWindowEnd: Int64?
    /// The end of the newest window that is due now (its end plus the grace has passed).
    public var latestDueWindowEnd: Int64
    /// Due windows not exported yet: 0 when up to date; 1 for a stream with no success yet
    /// (the daemon exports only the latest due window of a new stream).
    public var windowsBehind: Int
    public var lastRunID: Int64?
    public var lastRunStatus: String?
    public var lastRunTrigger: String?
    public var lastRunStartedAt: Int64?
    public var lastRunFinishedAt: Int64?
    public var lastErrorCode: String?
    public var lastErrorMessage: String?
    /// When the first failure of the oldest failing window started (a window is failing while
    /// its latest run failed, whatever started it); nil when no window is failing.
    public var failingSince: Int64?
    public var nextWindowStart: Int64
    public var nextWindowEnd: Int64
    /// When the next window becomes due (a failed window is retried with back-off after this).
    public var nextDueAt: Int64
    /// How many windows are failing (0: none).
    public var failingWindows: Int
    /// The start of the oldest failing window, Unix seconds.
    public var oldestFailingWindowStart: Int64?
    /// The FlexPrice scheduled task of the stream; nil for a stream of `sync_config.s3`.
    public var scheduledTaskID: String? = nil
}

extension RunHistory {
    /// The stream rows of `export_stream_status` (one connection's, or all; not the rows of
    /// connection problems, see ``openProblems(connectionID:)``), ordered by connection and entity, with "due" computed for `graceSeconds` (the view's
    /// `flexprice_exporter.grace_seconds`, set for this query only).
    /// - Parameter now: the instant "due" is judged at (the view's `flexprice_exporter.now`), Unix
    ///   seconds; the database's `now()` when nil. Tests pass one, so every expected window is exact.
    /// - Parameter scheduledTasks: include the streams of FlexPrice's scheduled tasks (the view's
    ///   `flexprice_exporter.scheduled_tasks`, set for this query only), as EXPORTER_FLEXPRICE_SCHEDULED_TASKS says.
    public func streamStatuses(connectionID: String?, graceSeconds: Int64, now: Int64? = nil,
                               scheduledTasks: Bool = false) async throws -> [StreamStatusRow] {
        try await ExportError.whileUsingDatabase("reading export_stream_status") {
            try await client.transaction { connection in
                _ = try await connection.query("SELECT set_config('flexprice_exporter.grace_seconds', \(String(graceSeconds)), true)")
                if scheduledTasks {
                    _ = try await connection.query("SELECT set_config('flexprice_exporter.scheduled_tasks', 'true', true)")
                }
                if let now {
                    _ = try await connection.query("SELECT set_config('flexprice_exporter.now', \(Timestamp.rfc3339(seconds: now)), true)")
                }
                var rows: [StreamStatusRow] = []
                for row in try await connection.query("""
                    SELECT connection_id, tenant_id, environment_id, connection_name, entity_type, "interval",
                           last_succeeded_window_start, last_succeeded_window_end, latest_due_window_end, windows_behind,
                           last_run_id, last_run_status, last_run_trigger, last_run_started_at, last_run_finished_at,
                           last_error_code, last_error_message, failing_since, next_window_start, next_window_end, next_due_at,
                           failing_windows, oldest_failing_window_start, scheduled_task_id
                    FROM export_stream_status WHERE entity_type <> '*'
                      AND (\(connectionID)::text IS NULL OR connection_id = \(connectionID))
                    ORDER BY connection_id, entity_type, scheduled_task_id NULLS FIRST
                    """) {
                    func seconds(_ index: Int) throws -> Int64? { try row.decode(Date?.self, at: index)?.seconds }
                    rows.append(StreamStatusRow(
                        connectionID: try row.decode(String.self, at: 0), tenantID: try row.decode(String.self, at: 1),
                        environmentID: try row.decode(String.self, at: 2), connectionName: try row.decode(String?.self, at: 3),
                        entity: try row.decode(String.self, at: 4), interval: try row.decode(String.self, at: 5),
                        lastSucceededWindowStart: try seconds(6), lastSucceededWindowEnd: try seconds(7),
                        latestDueWindowEnd: try row.decode(Date.self, at: 8).seconds, windowsBehind: try row.decode(Int.self, at: 9),
                        lastRunID: try row.decode(Int64?.self, at: 10), lastRunStatus: try row.decode(String?.self, at: 11),
                        lastRunTrigger: try row.decode(String?.self, at: 12), lastRunStartedAt: try seconds(13),
                        lastRunFinishedAt: try seconds(14), lastErrorCode: try row.decode(String?.self, at: 15),
                        lastErrorMessage: try row.decode(String?.self, at: 16), failingSince: try seconds(17),
                        nextWindowStart: try row.decode(Date.self, at: 18).seconds,
                        nextWindowEnd: try row.decode(Date.self, at: 19).seconds,
                        nextDueAt: try row.decode(Date.self, at: 20).seconds,
                        failingWindows: try row.decode(Int.self, at: 21), oldestFailingWindowStart: try seconds(22),
                        scheduledTaskID: try row.decode(String?.self, at: 23)))
                }
                return rows
            }
        }
    }
}
