import ExporterCore
import Foundation
import ExporterDatabase

/// The queries the daemon plans and coordinates with (DESIGN §4, §6).
extension RunHistory {
    /// What the history says about each (connection, entity) of `connectionIDs`.
    public func scheduleStates(connectionIDs: [String]) async throws -> [ExportStream: ScheduleState] {
        try await ExportError.whileUsingDatabase("reading export_runs for planning") {
            var states: [ExportStream: ScheduleState] = [:]
            for row in try await client.query("""
                SELECT connection_id, entity_type, max(window_end) FROM export_runs
                WHERE status = 'succeeded' AND "trigger" <> 'manual' AND connection_id = ANY(\(connectionIDs))
                GROUP BY connection_id, entity_type
                """) {
                let (connection, entity, end) = try row.decode((String, String, Date).self)
                guard let entity = EntityType(rawValue: entity) else { continue }
                states[ExportStream(connectionID: connection, entity: entity), default: ScheduleState()].lastSuccessEnd = end.seconds
            }
            for row in try await client.query("""
                SELECT connection_id, entity_type, window_start, count(*)::bigint, max(coalesce(finished_at, started_at))
                FROM export_runs WHERE status = 'failed' AND connection_id = ANY(\(connectionIDs))
                GROUP BY connection_id, entity_type, window_start
                """) {
                let (connection, entity, start, count, finished) = try row.decode((String, String, Date, Int64, Date).self)
                guard let entity = EntityType(rawValue: entity) else { continue }
                let stream = ExportStream(connectionID: connection, entity: entity)
                if let end = states[stream]?.lastSuccessEnd, start.seconds < end { continue }
                states[stream, default: ScheduleState()].failures[start.seconds] =
                    .init(count: Int(count), lastFinishedAt: finished.seconds)
            }
            return states
        }
    }

    /// Records that this worker is alive.
    public func heartbeat() async throws {
        try await execute("""
            INSERT INTO exporter_workers (worker) VALUES (\(worker))
            ON CONFLICT (worker) DO UPDATE SET heartbeat_at = now()
            """, what: "the worker heartbeat")
    }

    /// Removes this worker's heartbeat at a clean exit.
    public func unregister() async throws {
        try await execute("DELETE FROM exporter_workers WHERE worker = \(worker)", what: "unregistering the worker")
    }

    /// Marks `running` rows of workers whose heartbeat is older than `leaseSeconds` (or that have
    /// none) as `abandoned`, so their windows are planned again. Returns how many.
    ///
    /// With FlexPrice's `tasks` mirror on, their tasks become FAILED with the reason
    /// (`shutdown: worker … stopped …`) in the same transaction, so no task stays PROCESSING after
    /// its run ended.
    @discardableResult
    public func abandonRunsOfDeadWorkers(leaseSeconds: Int) async throws -> Int {
        let query: SQL = """
            UPDATE export_runs r SET status = 'abandoned', finished_at = now(), error_code = 'shutdown',
                error_message = 'worker ' || r.worker || ' stopped while exporting this window (no heartbeat for '
                    || \(leaseSeconds) || ' s); the window will be exported again'
            WHERE r.status = 'running' AND r.worker <> \(worker) AND NOT EXISTS (
                SELECT 1 FROM exporter_workers w WHERE w.worker = r.worker
                AND w.heartbeat_at > now() - make_interval(secs => \(Double(leaseSeconds))))
            RETURNING r.flexprice_task_id, r.error_message
            """
        guard let tasks else { return try await execute(query, what: "abandoning runs of stopped workers").count }
        return try await ExportError.whileUsingDatabase("abandoning runs of stopped workers and failing their FlexPrice tasks") {
            try await client.transaction { connection in
                let abandoned = try await connection.query(query)
                for row in abandoned {
                    let (task, message) = try row.decode((String?, String).self)
                    if let task {
                        try await tasks.fail(task, summary: FlexpriceTasks.summary(code: "shutdown", message: message), on: connection)
                    }
                }
                return abandoned.count
            }
        }
    }

    /// Deletes runs older than `days`, keeping the latest success of every (connection, entity).
    @discardableResult
    public func prune(olderThanDays days: Int) async throws -> Int {
        let query: SQL = """
            DELETE FROM export_runs r
            WHERE r.started_at < now() - make_interval(days => \(days)::int) AND r.status <> 'running'
              AND r.id <> ALL (SELECT DISTINCT ON (connection_id, entity_type) id FROM export_runs
                               WHERE status = 'succeeded' ORDER BY connection_id, entity_type, window_end DESC, id DESC)
            RETURNING r.id
            """
        return try await execute(query, what: "pruning export_runs").count
    }
}

extension Date {
    /// Whole seconds since the epoch (windows and back-off work in seconds).
    var seconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }
}
