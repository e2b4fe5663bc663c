import ExporterCore
import Foundation
import ExporterDatabase
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM gives the run in flight `EXPORTER_SHUTDOWN_SECONDS` to finish (DESIGN, daemon
/// shutdown): a run that can finish in time is not aborted but completes, is recorded
/// `succeeded`, and the daemon then exits 0. The run is held in flight by the proxy delaying its
/// data upload, not by anything in the exporter.
@Suite(TestServices.needsServices())
struct ShutdownGraceTests {
    @Test func aRunInFlightAtSigtermFinishesWithinTheGraceAndTheDaemonExitsZero() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            // Requests: 1 the check for orphaned uploads, 2 the delete of an earlier manifest, 3 the data
            // PutObject (held 5 s), 4 the manifest, 5 the listing for stale objects.
            try await services.withProxy(faults: [3: .delay(.seconds(5))]) { proxy, proxyURL in
                let now = Int64(Date().timeIntervalSince1970)
                let window = ExportWindow.latestDue(now: now, grace: 0, interval: .daily)
                let connection = try await services.newConnection(
                    syncConfig: { Services.s3Config(bucket: $0, endpoint: proxyURL, compression: .gzip) },
                    seed: { tenant in
                        try await services.seedUsage(tenant: tenant, rows: 2000, from: window.start, every: 40)
                    })
                let daemon = try ExporterProcess(["run"], environment: [
                    "DATABASE_URL": services.databaseURLString, "FLEXPRICE_SECRETS_ENCRYPTION_KEY": TestServices.encryptionKey,
                    "EXPORTER_TICK_SECONDS": "1", "EXPORTER_GRACE_SECONDS": "0", "EXPORTER_LOG_LEVEL": "info",
                    "EXPORTER_SHUTDOWN_SECONDS": "60",
                ])
                // The data upload has reached the proxy, which holds it: the run is in flight.
                let held = try await eventually(timeout: .seconds(120), every: .milliseconds(20)) { proxy.requests.count >= 3 }
                #expect(held, "\(proxy.requests)\n\(daemon.log)")
                let dataRequest = try #require(proxy.requests.dropFirst(2).first)
                #expect(dataRequest.hasPrefix("PUT ") && dataRequest.contains("feature_usage_") && dataRequest.hasSuffix(".csv.gz"),
                        "\(proxy.requests)")
                #expect(try await statuses(services) == ["running"])

                let signalled = Date()
                daemon.signal(SIGTERM)
                #expect(await daemon.waitForExit(timeout: .seconds(120)) == 0, "\(daemon.log)")

                let rows = try await services.postgres.query("""
                    SELECT status, error_code, finished_at, object_count FROM export_runs ORDER BY id
                    """)
                #expect(rows.count == 1)
                let (status, code, finished, objects) = try #require(rows.first).decode((String, String?, Date?, Int?).self)
                #expect(status == "succeeded", "\(code ?? "")\n\(daemon.log)")
                #expect(code == nil)
                #expect(objects == 1)
                let finishedAt = try #require(finished)
                #expect(finishedAt > signalled, "the run finished after SIGTERM, within the grace")
                #expect(daemon.log.contains("in-flight runs have 60 s"), "\(daemon.log)")
                #expect(!daemon.log.contains("shutdown deadline reached"), "\(daemon.log)")

                let keys = try await services.s3(bucket: connection.bucket).listObjects()
                #expect(keys.count == 2 && keys.contains { $0.hasSuffix("_manifest.json") }, "\(keys)")
                #expect(try await services.s3(bucket: connection.bucket).listMultipartUploads().isEmpty)
                // Orphan check, old manifest, PutObject, the HeadObject that confirms it, manifest, stale listing.
                #expect(proxy.requests.count == 6, "\(proxy.requests)")
                #expect(proxy.requests.dropFirst(3).first?.hasPrefix("HEAD ") == true, "\(proxy.requests)")
                expectAllSignaturesVerified(proxy, atLeast: 6)
            }
        }
    }

    func statuses(_ services: Services) async throws -> [String] {
        try await services.postgres.query("SELECT status FROM export_runs ORDER BY id")
            .map { try $0.decode(String.self) }
    }
}
