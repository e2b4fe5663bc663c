import ExporterCore
import ExporterEngine
import ExporterRunHistory
import ExporterScheduler
import ExporterSink
import Foundation
import Testing

/// A failed re-export must not lose a window that had been delivered: the run deletes the old
/// manifest before it writes, so until a run of the window succeeds again the window is absent.
/// Such a window is failing, whatever started the failed run, and the next passes retry it (with
/// back-off) until it is back; `status`, the view and the planner say so meanwhile.
@Suite(TestServices.needsServices())
struct FailedReExportTests {
    /// A planner whose back-off is one second after the first failure, so the test waits little.
    static let planner = WindowPlanner(graceSeconds: 0, catchupLimit: 31, tickSeconds: 1)

    @Test(arguments: [RunTrigger.manual, .signal])
    func aFailedReExportOfADeliveredWindowIsRetriedUntilItIsBack(trigger: RunTrigger) async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let start = Int64(Date().timeIntervalSince1970)
            let window = ExportWindow.latestDue(now: start, grace: 0, interval: .daily)
            let c = try await services.newConnection(seed: {
                try await services.seedUsage(tenant: $0, rows: 5, from: window.start + 60, every: 3_600)
            })
            let layout = try ConnectionSettings.parse(syncConfig: Services.syncConfig(bucket: c.bucket), connection: c.id).keyLayout
            let manifestKey = layout.manifestKey(entity: .featureUsage, window: window)
            let dataKey = layout.dataKey(entity: .featureUsage, window: window, format: .csv, compression: .gzip)
            let good = services.engine()

            // Delivered by the schedule.
            let first = try await good.schedulePass(planner: Self.planner, now: start, forced: false, maxConcurrency: 1)
            #expect(first.map(\.failed) == [false], "\(first)")
            let delivered = try await services.fetch(bucket: c.bucket, key: dataKey, gzip: true).text

            // Re-exported by hand (or by SIGUSR1), and the re-export fails at its manifest: the
            // old manifest and the data are gone.
            let failing = services.engine(wrapping: { ManifestFailingSink(inner: $0, record: .init()) })
            let reexport = trigger == .manual
                ? try await failing.exportWindow(window, connectionID: c.id, entities: nil)
                : try await failing.schedulePass(planner: Self.planner, now: start, forced: true, maxConcurrency: 1)
            #expect(reexport.map(\.failed) == [true], "\(reexport)")
            await #expect(throws: (any Error).self) { _ = try await services.fetch(bucket: c.bucket, key: manifestKey, gzip: false) }

            // The window is failing: in the planner's state, the view, and `status`.
            let failedAt = Int64(Date().timeIntervalSince1970)
            let states = try await good.history.scheduleStates(connectionIDs: [c.id])
            let state = try #require(states[ExportStream(connectionID: c.id, entity: .featureUsage)])
            #expect(state.lastSuccessEnd == window.end, "the failed run does not move the position")
            #expect(Array(state.failing.keys) == [window])
            let status = try #require(try await good.streamStatuses(connectionID: c.id, graceSeconds: 0).first)
            #expect(status.failingWindows == 1)
            #expect(status.oldestFailingWindowStart == Timestamp.rfc3339(seconds: window.start))
            #expect(status.failingSince != nil)

            // A dry run says it is due (after its one-second back-off) ...
            let retryAt = failedAt + 2
            let planned = try await good.schedulePass(planner: Self.planner, now: retryAt, forced: false, maxConcurrency: 1,
                                                      dryRun: true)
            #expect(planned.count == 1, "\(planned)")
            guard case .planned(let plannedTrigger, let key, let rows) = planned.first?.result else {
                Issue.record("not planned: \(planned)")
                return
            }
            #expect(plannedTrigger == .retry && key == dataKey && rows == 5)
            // ... not before its back-off ...
            #expect(try await good.schedulePass(planner: WindowPlanner(graceSeconds: 0, catchupLimit: 31, tickSeconds: 3_600),
                                                now: retryAt, forced: false, maxConcurrency: 1, dryRun: true).isEmpty)

            // ... and the next pass brings it back, byte for byte.
            let retried = try await good.schedulePass(planner: Self.planner, now: retryAt, forced: false, maxConcurrency: 1)
            #expect(retried.count == 1 && retried.allSatisfy { !$0.failed }, "\(retried)")
            #expect(try await services.fetch(bucket: c.bucket, key: dataKey, gzip: true).text == delivered)
            _ = try await services.fetch(bucket: c.bucket, key: manifestKey, gzip: false)
            let runs = try await services.runs(connection: c.id)
            #expect(runs.map(\.status) == ["succeeded", "failed", "succeeded"])
            #expect(runs.map(\.trigger) == ["schedule", trigger.rawValue, "retry"])

            // Repaired: nothing fails, nothing more is due, the position did not move.
            let after = try #require(try await good.streamStatuses(connectionID: c.id, graceSeconds: 0).first)
            #expect(after.failingWindows == 0 && after.failingSince == nil)
            #expect(try await good.schedulePass(planner: Self.planner, now: retryAt + 60, forced: false, maxConcurrency: 1,
                                                dryRun: true).isEmpty)
        }
    }

    /// Two daemons planned the same retry: the one that starts after the other repaired the
    /// window does not export it again.
    @Test func aRetryOfAWindowAnotherWorkerRepairedIsSkipped() async throws {
        try await TestServices.with { services in
            let history = RunHistory(client: services.postgres, logger: TestServices.logger, worker: "me")
            let key = RunKey(connectionID: uniqueName("conn"), tenantID: "t", environmentID: "", entity: .invoice,
                             interval: .daily, window: ExportWindow(start: 1_795_132_800, end: 1_795_219_200))
            let first = try #require(try await history.start(key, trigger: .schedule))
            try await history.succeed(first, of: key, RunOutcome(rowCount: 0, bytesRaw: 0, bytesUploaded: 0, objectCount: 1,
                                                                 manifestKey: "m", objectURL: "u", sha256: "s"))
            let failed = try #require(try await history.start(key, trigger: .manual))
            try await history.fail(failed, .network("connection x: reset"))
            // A retry of the failing window starts, though the window succeeded once before ...
            let retry = try #require(try await history.start(key, trigger: .retry))
            try await history.succeed(retry, of: key, RunOutcome(rowCount: 0, bytesRaw: 0, bytesUploaded: 0, objectCount: 1,
                                                                 manifestKey: "m", objectURL: "u", sha256: "s"))
            // ... and a second retry, planned before the first succeeded, does not.
            #expect(try await history.begin(key, trigger: .retry) == .alreadySucceeded)
        }
    }
}
