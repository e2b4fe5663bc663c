import ExporterCore

extension ExportEngine {
    /// `backfill` (DESIGN §7): every window of one connection's interval in the range, oldest
    /// first, each its own objects, trigger `backfill`. Windows that already succeeded are skipped
    /// unless `force`, so running it again continues where it stopped. An entity stops at its first
    /// failed window: the stream's position is its newest succeeded window, and a later success
    /// would move it past the failure. With `dryRun`, each window is only counted.
    /// With `scheduledTaskID`, the stream of that FlexPrice scheduled task instead (its connection
    /// is the task's; `connectionID` is ignored).
    public func backfill(connectionID: String, entities: [EntityType]?, from: Int64, to: Int64?, now: Int64,
                         graceSeconds: Int64, force: Bool, dryRun: Bool,
                         scheduledTaskID: String? = nil) async throws -> [RunReport] {
        var connectionID = connectionID
        var task: ScheduledTask?
        if let scheduledTaskID {
            guard let scheduledTasks else {
                throw ExportError.taskConfig(connection: connectionID, task: scheduledTaskID, field: "id",
                                             problem: "is a scheduled task, but EXPORTER_FLEXPRICE_SCHEDULED_TASKS is not true")
            }
            guard let found = try await scheduledTasks.task(id: scheduledTaskID) else {
                throw ExportError.taskConfig(connection: connectionID, task: scheduledTaskID, field: "id",
                                             problem: "names no row of scheduled_tasks")
            }
            connectionID = found.task.connectionID
            task = found.task
        }
        guard let connection = try await connections(connectionID).first else { return [] }
        // Unreadable settings or credentials end the command with the field named (exit 78 or 1).
        let settings = try task.map { try $0.settings(connectionSyncConfig: connection.syncConfig) } ?? connection.settings()
        let taskEntities = try task.map { task in try task.export().entity.map { [$0] } ?? [] }
        let sink = try makeSink(settings, try connection.credentials(using: secretBox))
        // Up to `to`, but never a window that has not closed (plus the grace): its rows may still change.
        let latest = ExportWindow.latestDue(now: now, grace: graceSeconds, interval: settings.interval)
        let windows = ExportWindow.windows(from: from, endingBy: min(to ?? latest.end, latest.end), interval: settings.interval)
        var reports: [RunReport] = []
        let selected = taskEntities ?? entities ?? settings.entityTypes
        observer.observe(.planned(runs: windows.count * selected.count))
        for entity in selected {
            for window in windows {
                let key = RunKey(connectionID: connection.id, tenantID: connection.tenantID,
                                 environmentID: connection.environmentID, entity: entity,
                                 interval: settings.interval, window: window,
                                 format: settings.format, bucket: settings.bucket, scheduledTaskID: task?.id)
                let report = dryRun
                    ? await preview(key, settings: settings, trigger: .backfill)
                    : await run(key, settings: settings, sink: sink, trigger: .backfill, skipIfSucceeded: !force)
                reports.append(report)
                if report.failed { break }
            }
        }
        return reports
    }
}
