import ExporterCore
import ExporterRunHistory
import ExporterScheduler
import ExporterSink
import Foundation

/// Where one (connection, entity) stands (`flexprice-exporter status`).
public struct StreamStatus: Sendable, Codable {
    public var connectionID: String
    public var entity: String
    public var interval: String?
    public var lastSucceededWindowStart: String?
    public var lastSucceededWindowEnd: String?
    public var lastRun: RunRecord?
    public var nextWindowStart: String?
    public var nextWindowEnd: String?
    /// When the next window is due (its end plus the grace period); in the past means now.
    public var nextDueAt: String?
    /// Why the connection cannot be exported, when its settings cannot be read.
    public var problem: String?

    enum CodingKeys: String, CodingKey {
        case entity, interval, problem
        case connectionID = "connection_id"
        case lastSucceededWindowStart = "last_succeeded_window_start"
        case lastSucceededWindowEnd = "last_succeeded_window_end"
        case lastRun = "last_run"
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
    /// Per (connection, entity) of the published S3 connections: the last success, the last
    /// run and the next window.
    public func streamStatuses(connectionID: String?, planner: WindowPlanner, now: Int64) async throws -> [StreamStatus] {
        let connections = try await self.connections(connectionID)
        let states = try await history.scheduleStates(connectionIDs: connections.map(\.id))
        let latestRuns = try await history.runs(connectionID: connectionID, latestPerStream: true)
        let latestSuccesses = try await history.runs(connectionID: connectionID, latestPerStream: true, succeededOnly: true)
        func find(_ records: [RunRecord], _ connection: String, _ entity: EntityType) -> RunRecord? {
            records.first { $0.connectionID == connection && $0.entity == entity.rawValue }
        }
        var statuses: [StreamStatus] = []
        for connection in connections {
            let settings: ConnectionSettings
            do {
                settings = try connection.settings()
            } catch {
                statuses.append(StreamStatus(connectionID: connection.id, entity: "*", problem: "\(error.code): \(error.message)"))
                continue
            }
            for entity in settings.entityTypes {
                let state = states[ExportStream(connectionID: connection.id, entity: entity)] ?? ScheduleState()
                let success = find(latestSuccesses, connection.id, entity)
                var status = StreamStatus(
                    connectionID: connection.id, entity: entity.rawValue, interval: settings.interval.rawValue,
                    lastSucceededWindowStart: success?.windowStart, lastSucceededWindowEnd: success?.windowEnd,
                    lastRun: find(latestRuns, connection.id, entity),
                    problem: settings.syncActive ? nil : "sync_active is false")
                let next = planner.plan(interval: settings.interval, state: state, now: now, forced: false).first?.window
                    ?? ExportWindow(containing: state.lastSuccessEnd
                                    ?? ExportWindow.latestDue(now: now, grace: planner.graceSeconds, interval: settings.interval).end,
                                    interval: settings.interval)
                status.nextWindowStart = Timestamp.rfc3339(seconds: next.start)
                status.nextWindowEnd = Timestamp.rfc3339(seconds: next.end)
                status.nextDueAt = Timestamp.rfc3339(seconds: next.end + planner.graceSeconds)
                statuses.append(status)
            }
        }
        return statuses
    }

    /// Checks each connection end to end without exporting: settings, decryption, the bucket
    /// (HeadBucket), and a write and delete of a probe object under the key prefix.
    public func check(connectionID: String?, now: Int64) async throws -> [ConnectionCheck] {
        var checks: [ConnectionCheck] = []
        for connection in try await connections(connectionID) {
            var check = ConnectionCheck(connectionID: connection.id, steps: [])
            defer { checks.append(check) }
            let settings: ConnectionSettings
            do {
                settings = try connection.settings()
                check.steps.append(("settings", nil))
            } catch {
                check.steps.append(("settings", error.message))
                continue
            }
            let sink: any ObjectSink
            do {
                sink = try makeSink(settings, try connection.credentials(using: secretBox))
                check.steps.append(("decrypt credentials", nil))
            } catch {
                check.steps.append(("decrypt credentials", (error as? ExportError)?.message ?? "\(error)"))
                continue
            }
            do {
                try await sink.verifyBucket()
                check.steps.append(("reach bucket \(settings.bucket)", nil))
            } catch {
                check.steps.append(("reach bucket \(settings.bucket)", (error as? ExportError)?.message ?? "\(error)"))
                continue
            }
            let prefix = settings.keyLayout.prefix
            let probe = (prefix.isEmpty ? "" : prefix + "/") + ".flexprice-exporter-check-\(now)"
            do {
                _ = try await sink.put(key: probe, body: .init(string: "flexprice-exporter write check\n"),
                                       attributes: ObjectAttributes(contentType: "text/plain", encryption: settings.encryption,
                                                                    kmsKeyID: settings.kmsKeyID))
                try await sink.delete(key: probe)
                check.steps.append(("write and delete \(probe)", nil))
            } catch {
                check.steps.append(("write and delete \(probe)", (error as? ExportError)?.message ?? "\(error)"))
            }
        }
        return checks
    }
}
