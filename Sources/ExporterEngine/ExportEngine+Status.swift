import NIOCore
import DeltaLake
import ExporterCore
import ExporterRunHistory
import ExporterScheduler
import ExporterSink
import Foundation
import SigV4

/// Where one (connection, entity) stands (`flexprice-exporter status`): the lag from the view
/// `export_stream_status`, the newest run's figures from `export_runs`.
public struct StreamStatus: Sendable, Codable {
    public var connectionID: String
    public var entity: String
    public var interval: String?
    public var lastSucceededWindowStart: String?
    public var lastSucceededWindowEnd: String?
    /// Due windows not exported yet (0: up to date).
    public var windowsBehind: Int?
    public var lastRun: RunRecord?
    /// The newest run's error, when it failed.
    public var lastErrorCode: String?
    public var lastErrorMessage: String?
    /// When the first failure of the oldest failing window started (a window fails until a run
    /// of it succeeds, whatever started the failed run); for a connection problem, when it was
    /// first seen.
    public var failingSince: String?
    /// How many windows of the stream are failing (their latest run failed); 0 when none.
    public var failingWindows: Int?
    /// The start of the oldest failing window.
    public var oldestFailingWindowStart: String?
    public var nextWindowStart: String?
    public var nextWindowEnd: String?
    /// When the next window is due (its end plus the grace period); in the past means now.
    public var nextDueAt: String?
    /// Why the connection cannot be exported, when its settings cannot be read or it is inactive.
    public var problem: String?
    /// The FlexPrice scheduled task of the stream (EXPORTER_FLEXPRICE_SCHEDULED_TASKS); nil for a
    /// stream of `sync_config.s3`.
    public var scheduledTaskID: String?
    /// For a Delta stream (`table_format: delta`): its table's latest version, and where it is.
    public var deltaVersion: Int64?
    public var deltaLocation: String?

    enum CodingKeys: String, CodingKey {
        case entity, interval, problem
        case deltaVersion = "delta_version"
        case deltaLocation = "delta_location"
        case scheduledTaskID = "scheduled_task_id"
        case connectionID = "connection_id"
        case lastSucceededWindowStart = "last_succeeded_window_start"
        case lastSucceededWindowEnd = "last_succeeded_window_end"
        case windowsBehind = "windows_behind"
        case lastRun = "last_run"
        case lastErrorCode = "last_error_code"
        case lastErrorMessage = "last_error_message"
        case failingSince = "failing_since"
        case failingWindows = "failing_windows"
        case oldestFailingWindowStart = "oldest_failing_window_start"
        case nextWindowStart = "next_window_start"
        case nextWindowEnd = "next_window_end"
        case nextDueAt = "next_due_at"
    }
}

/// The result of `flexprice-exporter check` for one connection.
public struct ConnectionCheck: Sendable {
    public var connectionID: String
    /// Each step and its outcome, in order; nil means it passed.
    public var steps: [(name: String, failure: String?)]
    public var passed: Bool { steps.allSatisfy { $0.failure == nil } }
}

extension ExportEngine {
    /// Per (connection, entity) of the published S3 connections: the lag as the view
    /// `export_stream_status` computes it (the same figures the metrics and an operator's SQL
    /// see), the newest run, and, for a connection the view leaves out, why: its settings cannot
    /// be read, or `sync_active` is false.
    public func streamStatuses(connectionID: String?, graceSeconds: Int64) async throws -> [StreamStatus] {
        let connections = try await self.connections(connectionID)
        let lag = try await history.streamStatuses(connectionID: connectionID, graceSeconds: graceSeconds,
                                                   scheduledTasks: scheduledTasks != nil)
        let latestRuns = try await history.runs(connectionID: connectionID, latestPerStream: true)
        let problems = try await history.openProblems(connectionID: nil)
        func time(_ seconds: Int64?) -> String? { seconds.map { Timestamp.rfc3339(seconds: $0) } }
        func fill(_ status: inout StreamStatus, _ row: StreamStatusRow) {
            status.lastSucceededWindowStart = time(row.lastSucceededWindowStart)
            status.lastSucceededWindowEnd = time(row.lastSucceededWindowEnd)
            status.windowsBehind = row.windowsBehind
            status.lastErrorCode = row.lastRunStatus == "succeeded" ? nil : row.lastErrorCode
            status.lastErrorMessage = row.lastRunStatus == "succeeded" ? nil : row.lastErrorMessage
            status.failingSince = time(row.failingSince)
            status.failingWindows = row.failingWindows
            status.oldestFailingWindowStart = time(row.oldestFailingWindowStart)
            status.nextWindowStart = time(row.nextWindowStart)
            status.nextWindowEnd = time(row.nextWindowEnd)
            status.nextDueAt = time(row.nextDueAt)
        }
        var statuses: [StreamStatus] = []
        for connection in connections {
            // The streams of its FlexPrice scheduled tasks, and the tasks that cannot run (their
            // problem is recorded under the task's id).
            let tasks = try await scheduledTasks?.enabledTasks(connectionID: connection.id) ?? []
            for task in tasks {
                var status = StreamStatus(connectionID: connection.id, entity: task.entityType, interval: task.interval)
                status.scheduledTaskID = task.id
                if let recorded = problems.first(where: { $0.connectionID == task.id }) {
                    status.failingSince = recorded.firstSeenAt
                    status.problem = "\(recorded.errorCode): \(recorded.errorMessage)"
                } else if let row = lag.first(where: { $0.connectionID == connection.id && $0.scheduledTaskID == task.id }) {
                    status.entity = row.entity
                    fill(&status, row)
                } else {
                    status.problem = "not in export_stream_status"
                }
                statuses.append(status)
            }
            let settings: ConnectionSettings
            let recorded = problems.first { $0.connectionID == connection.id }
            do {
                settings = try connection.settings()
            } catch {
                // Tasks and no sync_active: the connection's own streams are simply off.
                if !tasks.isEmpty, case .config(_, let field, _) = error, field == "s3.sync_active" { continue }
                statuses.append(StreamStatus(connectionID: connection.id, entity: "*", failingSince: recorded?.firstSeenAt,
                                             problem: "\(error.code): \(error.message)"))
                continue
            }
            // Settings that read but credentials that do not (the daemon recorded it at its last pass).
            if let recorded {
                statuses.append(StreamStatus(connectionID: connection.id, entity: "*", failingSince: recorded.firstSeenAt,
                                             problem: "\(recorded.errorCode): \(recorded.errorMessage)"))
            }
            for entity in settings.entityTypes {
                var status = StreamStatus(connectionID: connection.id, entity: entity.rawValue, interval: settings.interval.rawValue,
                                          lastRun: latestRuns.first { $0.connectionID == connection.id && $0.entity == entity.rawValue })
                guard settings.syncActive,
                      let row = lag.first(where: { $0.connectionID == connection.id && $0.entity == entity.rawValue
                                                   && $0.scheduledTaskID == nil })
                else {
                    status.problem = settings.syncActive ? "not in export_stream_status" : "sync_active is false"
                    statuses.append(status)
                    continue
                }
                fill(&status, row)
                statuses.append(status)
            }
        }
        // Each Delta stream's table version, as its last commit recorded it.
        let tables = try await history.deltaTableVersions(connectionID: connectionID)
        for index in statuses.indices {
            let status = statuses[index]
            guard let table = tables.first(where: {
                $0.stream.connectionID == status.connectionID && $0.stream.entity.rawValue == status.entity
                    && $0.stream.scheduledTaskID == status.scheduledTaskID
            }) else { continue }
            statuses[index].deltaVersion = table.version
            statuses[index].deltaLocation = table.location
        }
        return statuses
    }

    /// Checks each connection end to end without exporting: settings, decryption, the bucket
    /// (HeadBucket), and a write and delete of a probe object under the key prefix.
    public func check(connectionID: String?, now: Int64) async throws -> [ConnectionCheck] {
        var checks: [ConnectionCheck] = []
        for connection in try await connections(connectionID) {
            // With EXPORTER_FLEXPRICE_SCHEDULED_TASKS, each enabled task is checked as its own stream
            // (its job_config's bucket), named `connection/task`.
            let tasks = try await scheduledTasks?.enabledTasks(connectionID: connection.id) ?? []
            for task in tasks {
                // An export FlexPrice computes (credit_usage, usage_analytics) stays FlexPrice's: a
                // warning (scheduledTaskOverlaps), not a failed check.
                if let export = ScheduledTask.Export(rawValue: task.entityType), export.unsupportedReason != nil { continue }
                var check = ConnectionCheck(connectionID: ExportStream.label(connectionID: connection.id, scheduledTaskID: task.id), steps: [])
                do {
                    _ = try task.export()
                    let settings = try task.settings(connectionSyncConfig: connection.syncConfig)
                    check.steps.append(("scheduled task \(task.entityType) \(task.interval)", nil))
                    await probe(connection, settings, now: now, into: &check)
                } catch {
                    check.steps.append(("scheduled task", error.message))
                }
                checks.append(check)
            }
            var check = ConnectionCheck(connectionID: connection.id, steps: [])
            let settings: ConnectionSettings
            do {
                settings = try connection.settings()
                check.steps.append(("settings", nil))
            } catch {
                // Tasks and no sync_active: the connection's own streams are simply off.
                if !tasks.isEmpty, case .config(_, let field, _) = error, field == "s3.sync_active" { continue }
                check.steps.append(("settings", error.message))
                checks.append(check)
                continue
            }
            await probe(connection, settings, now: now, into: &check)
            checks.append(check)
        }
        return checks
    }

    /// The credential, bucket and write steps of `check` for one stream's settings.
    private func probe(_ connection: ExportConnection, _ settings: ConnectionSettings, now: Int64,
                       into check: inout ConnectionCheck) async {
        let credentials: AWSCredentials
        do {
            credentials = try connection.credentials(using: secretBox)
            check.steps.append(("decrypt credentials", nil))
        } catch {
            check.steps.append(("decrypt credentials", error.message))
            return
        }
        let sink: any ObjectSink
        do {
            sink = try makeSink(settings, credentials)
            check.steps.append(("endpoint policy", nil))
        } catch {
            check.steps.append(("endpoint policy", (error as? ExportError)?.naming(connection: connection.id).message ?? "\(error)"))
            return
        }
        do {
            try await sink.verifyBucket()
            check.steps.append(("reach bucket \(settings.bucket)", nil))
        } catch {
            check.steps.append(("reach bucket \(settings.bucket)",
                                (error as? ExportError)?.naming(connection: connection.id).message ?? "\(error)"))
            return
        }
        let prefix = settings.keyLayout.prefix
        let probe = (prefix.isEmpty ? "" : prefix + "/") + ".flexprice-exporter-check-\(now)"
        do {
            _ = try await sink.put(key: probe, body: .init(string: "flexprice-exporter write check\n"),
                                   attributes: ObjectAttributes(contentType: "text/plain", of: settings))
            try await sink.delete(key: probe)
            check.steps.append(("write and delete \(probe)", nil))
        } catch {
            check.steps.append(("write and delete \(probe)", (error as? ExportError)?.message ?? "\(error)"))
        }
        if settings.isDelta { await probeDelta(connection, settings, sink: sink, probe: probe + "-conditional", into: &check) }
    }

    /// A Delta connection's extra steps: the store honours `If-None-Match: *` (a Delta commit is
    /// atomic only if a second write of one key is refused), and each entity's table log can be
    /// read (and is one this exporter can append to).
    private func probeDelta(_ connection: ExportConnection, _ settings: ConnectionSettings, sink: any ObjectSink, probe: String,
                            into check: inout ConnectionCheck) async {
        let step = "conditional write (If-None-Match) of \(probe)"
        do {
            let body = ByteBuffer(string: "flexprice-exporter conditional write check\n")
            let attributes = ObjectAttributes(contentType: "text/plain", of: settings)
            let first = try await sink.putIfAbsent(key: probe, body: body, attributes: attributes)
            let second = try await sink.putIfAbsent(key: probe, body: body, attributes: attributes)
            try await sink.delete(key: probe)
            check.steps.append((step, first && !second ? nil : "the store \(first ? "accepted a second write of the same key" : "refused the first write"); "
                + "Delta commits need S3 conditional writes (If-None-Match: *) to stay atomic: use a store that honours them, "
                + "or keep sync_config.s3.table_format unset"))
        } catch {
            check.steps.append((step, (error as? ExportError)?.naming(connection: connection.id).message ?? "\(error)"))
        }
        for entity in settings.entityTypes {
            let root = settings.keyLayout.tableRoot(entity: entity)
            let table = DeltaTableRecord(endpoint: settings.endpointURL, bucket: settings.bucket, root: root,
                                         stream: ExportStream(connectionID: connection.id, entity: entity))
            let writer = DeltaTableWriter(sink: sink, history: history, table: table, root: root, logger: logger)
            do {
                let snapshot = try await writer.snapshot(files: .none)
                check.steps.append(("read the Delta table \(table.location) (\(snapshot.version < 0 ? "not created yet" : "version \(snapshot.version)"))", nil))
            } catch {
                check.steps.append(("read the Delta table \(table.location)", Self.exportError(error, connection: connection.id, entity: entity).message))
            }
        }
    }
}
