import ExporterCore
import Foundation
import ExporterDatabase

/// The queries the daemon plans and coordinates with (DESIGN §4, §6).
extension RunHistory {
    /// What the history says about each (connection, entity) of `connectionIDs`: the position
    /// (the newest success of a trigger that moves it) and every failing window (its latest
    /// finished run failed or was abandoned, whatever the trigger, however old).
    public func scheduleStates(connectionIDs: [String]) async throws -> [ExportStream: ScheduleState] {
        try await ExportError.whileUsingDatabase("reading export_runs for planning") {
            var states: [ExportStream: ScheduleState] = [:]
            for row in try await client.query("""
                SELECT connection_id, entity_type, scheduled_task_id, max(window_end) FROM export_runs
                WHERE status = 'succeeded' AND "trigger" <> ALL(\(RunTrigger.notMovingPosition))
                  AND connection_id = ANY(\(connectionIDs))
                GROUP BY connection_id, entity_type, scheduled_task_id
                """) {
                let (connection, entity, task, end) = try row.decode((String, String, String?, Date).self)
                guard let entity = EntityType(rawValue: entity) else { continue }
                let stream = ExportStream(connectionID: connection, entity: entity, scheduledTaskID: task)
                states[stream, default: ScheduleState()].lastSuccessEnd = end.seconds
            }
            for row in try await client.query("""
                SELECT r.connection_id, r.entity_type, r.scheduled_task_id, r.window_start, r.window_end,
                       count(*) FILTER (WHERE r.status = 'failed')::bigint, max(coalesce(r.finished_at, r.started_at))
                FROM export_runs r
                WHERE r.status IN ('failed', 'abandoned') AND r.connection_id = ANY(\(connectionIDs))
                  AND NOT EXISTS (SELECT 1 FROM export_runs s
                                  WHERE s.connection_id = r.connection_id AND s.entity_type = r.entity_type
                                    AND s.scheduled_task_id IS NOT DISTINCT FROM r.scheduled_task_id
                                    AND s.window_start = r.window_start AND s.window_end = r.window_end
                                    AND s.status = 'succeeded' AND s.id > r.id)
                GROUP BY r.connection_id, r.entity_type, r.scheduled_task_id, r.window_start, r.window_end
                """) {
                let (connection, entity, task, start, end, count, finished)
                    = try row.decode((String, String, String?, Date, Date, Int64, Date).self)
                guard let entity = EntityType(rawValue: entity) else { continue }
                let stream = ExportStream(connectionID: connection, entity: entity, scheduledTaskID: task)
                states[stream, default: ScheduleState()].failing[ExportWindow(start: start.seconds, end: end.seconds)] =
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

    /// Deletes runs older than `days`, keeping the latest success of every (connection, entity)
    /// (the stream's position) and the latest run of every failing window (so a window whose
    /// latest run failed stays failing, and is retried, however old the failure).
    @discardableResult
    public func prune(olderThanDays days: Int) async throws -> Int {
        let query: SQL = """
            DELETE FROM export_runs r
            WHERE r.started_at < now() - make_interval(days => \(days)::int) AND r.status <> 'running'
              AND r.id <> ALL (SELECT DISTINCT ON (connection_id, entity_type, scheduled_task_id) id FROM export_runs
                               WHERE status = 'succeeded'
                               ORDER BY connection_id, entity_type, scheduled_task_id, window_end DESC, id DESC)
              AND r.id <> ALL (SELECT l.id FROM (
                                   SELECT DISTINCT ON (connection_id, entity_type, scheduled_task_id, window_start, window_end)
                                       id, status
                                   FROM export_runs WHERE status <> 'running'
                                   ORDER BY connection_id, entity_type, scheduled_task_id, window_start, window_end, id DESC) l
                               WHERE l.status IN ('failed', 'abandoned'))
            RETURNING r.id
            """
        return try await execute(query, what: "pruning export_runs").count
    }
}

extension Date {
    /// Whole seconds since the epoch (windows and back-off work in seconds).
    var seconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }
}
