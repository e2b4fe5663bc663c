import ExporterCore
import ExporterRunHistory
import Foundation
import ExporterDatabase
import Testing

/// A one-shot `sync` beats like a daemon while its runs are in flight (issue 11). Without the
/// beat, a daemon sharing the database took the `running` row of a live `sync` for a dead
/// worker's after three missed beats, marked it `abandoned` and exported the window again while
/// `sync` was still uploading it.
@Suite(TestServices.needsServices())
struct SyncHeartbeatTests {
    @Test func aDaemonDoesNotAbandonTheRunOfALiveSync() async throws {
        // A database of its own: abandoning runs of stale workers reaches every row of a database.
        try await TestServices.with(freshDatabase: true) { services in
            // Every request through the proxy waits 1.5 s: the upload takes well over the 3 s
            // lease a daemon with EXPORTER_TICK_SECONDS=1 gives a worker.
            try await services.withProxy(faults: FaultProxy.delayingEveryRequest(by: .milliseconds(1_500))) { _, proxyURL in
                let interrupted = InterruptedSyncTests()
                let connection = try await services.newConnection(
                    syncConfig: { Services.syncConfig(bucket: $0, compression: .none, endpoint: proxyURL) },
                    seed: { try await interrupted.seed(services, tenant: $0, rows: 20_000) })
                let sync = try ExporterProcess(
                    ["sync", "--connection", connection.id, "--from", "2026-11-20", "--to", "2026-11-21"],
                    environment: interrupted.environment(services).merging(["EXPORTER_TICK_SECONDS": "1"]) { $1 })

                let running = try await eventually(timeout: .seconds(120), every: .milliseconds(50)) {
                    try await services.runs(connection: connection.id).first?.status == "running"
                }
                try #require(running, "\(sync.log)")
                let worker = try #require(try await services.postgres.query(
                    "SELECT worker FROM export_runs WHERE connection_id = \(connection.id)").first?.decode(String.self))

                // Past the lease, a daemon's housekeeping finds the sync's beat fresh and leaves its run.
                try await Task.sleep(for: .seconds(4))
                try #require(try await services.runs(connection: connection.id).first?.status == "running",
                             "the export must still be in flight for this test to mean anything: \(sync.log)")
                let daemon = RunHistory(client: services.postgres, logger: TestServices.logger, worker: "another-daemon:1")
                #expect(try await daemon.abandonRunsOfDeadWorkers(leaseSeconds: 3) == 0)
                #expect(try await services.runs(connection: connection.id).map(\.status) == ["running"])
                let beats = try await services.postgres.query(
                    "SELECT heartbeat_at > now() - interval '3 seconds' FROM exporter_workers WHERE worker = \(worker)").map { try $0.decode(Bool.self) }
                #expect(beats == [true], "the sync's worker \(worker) beats")

                #expect(await sync.waitForExit(timeout: .seconds(180)) == 0, "\(sync.log)")
                #expect(try await services.runs(connection: connection.id).map(\.status) == ["succeeded"])
                // A clean exit removes the beat.
                #expect(try await services.postgres.query(
                    "SELECT 1 FROM exporter_workers WHERE worker = \(worker)").map { try $0.decode(Int.self) }.isEmpty)
            }
        }
    }
}
