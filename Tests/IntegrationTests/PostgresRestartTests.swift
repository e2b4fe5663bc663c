import ExporterCore
import Foundation
import ExporterDatabase
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// PostgreSQL restarted under a running daemon, in the middle of an export. This uses the second
/// server `scripts/with-services.sh` starts, so the restart disturbs no other test.
@Suite(TestServices.needsServices("EXPORTER_TEST_RESTARTABLE_DATABASE_URL", "EXPORTER_TEST_RESTART_POSTGRES"))
struct PostgresRestartTests {
    @Test func aRestartInMidExportFailsTheRunCleanlyAndTheNextPassExportsTheWindow() async throws {
        try await TestServices.with(freshDatabase: true, server: TestServices.restartableDatabaseURL) { services in
            try await services.withProxy(faults: FaultProxy.delayingEveryRequest(by: .milliseconds(700))) { _, proxyURL in
                let daemonTests = DaemonTests()
                let connection = try await services.newConnection(
                    syncConfig: { Services.syncConfig(bucket: $0, compression: .none, endpoint: proxyURL) },
                    seed: { try await daemonTests.seedYesterday(services, tenant: $0, rows: 40_000) })
                let daemon = try ExporterProcess(["run"], environment: daemonTests.environment(services, extra: [
                    "EXPORTER_S3_PART_SIZE_MB": "5",
                ]))
                let s3 = try services.s3(bucket: connection.bucket)
                // Restart once the export is under way: its first part is uploading, the cursor open
                // (every S3 request waits 700 ms at the proxy, so the upload stays open for seconds
                // however fast the machine).
                #expect(try await eventually(timeout: .seconds(120), every: .milliseconds(50)) {
                    try await !s3.listMultipartUploads().isEmpty
                }, "\(daemon.log)")
                let bootedBefore = try await postmasterStart(services)
                try await restartPostgres()
                #expect(try await eventually(timeout: .seconds(60)) {
                    (try? await postmasterStart(services)).map { $0 > bootedBefore } ?? false
                }, "the server did not restart")

                // Queries of this test's own pool may fail while the server restarts: poll through them.
                let recovered = try await eventually(timeout: .seconds(180)) {
                    (try? await daemonTests.runs(services).contains { $0.status == "succeeded" }) ?? false
                }
                #expect(recovered, "\(daemon.log)")
                daemon.signal(SIGTERM)
                #expect(await daemon.waitForExit(timeout: .seconds(20)) == 0, "\(daemon.log)")

                let all = try await daemonTests.runs(services)
                #expect(all.map(\.status) == ["failed", "succeeded"], "\(all)\n\(daemon.log)")
                #expect(all.first?.errorCode == "database", "\(all)")
                #expect(Set(all.map(\.window)).count == 1, "the failed window is the one exported next")
                let history = try await services.runs(connection: connection.id)
                let failure = try #require(history.first { $0.status == "failed" })
                // libpq's words for a connection the server ended under a running statement.
                #expect(failure.errorMessage?.contains("server closed the connection unexpectedly") == true
                        || failure.errorMessage?.contains("terminating connection") == true, "\(failure.errorMessage ?? "")")
                #expect(failure.errorMessage?.contains("\n") == false, "one line: \(failure.errorMessage ?? "")")
                #expect(!daemon.log.contains(TestServices.secretKey))

                // The recovered export is whole: every row of the window, once, and no upload left open.
                let success = try #require(history.first { $0.status == "succeeded" })
                #expect(success.rowCount == 40_000)
                let window = try #require(all.last?.window)
                let key = try #require(success.objectURL?.components(separatedBy: "/\(connection.bucket)/").last)
                let object = try await services.fetch(bucket: connection.bucket, key: key, gzip: false)
                let expected = try await services.expectedRows(.featureUsage, tenant: connection.tenant, environment: "", window: window)
                try expectFile(object.text, format: .csv, entity: .featureUsage, toEqual: expected)
                #expect(try await s3.listMultipartUploads().isEmpty, "the interrupted upload was aborted")
                #expect(try await s3.listObjects().count == 2, "data object and manifest, nothing partial")
            }
        }
    }

    /// When the server (re)started.
    func postmasterStart(_ services: Services) async throws -> Date {
        try #require(try await services.postgres.query("SELECT pg_postmaster_start_time()")
            .first?.decode(Date.self))
    }

    /// Runs `$EXPORTER_TEST_RESTART_POSTGRES` (pg_ctl restart). Spawned and reaped here: in this
    /// test process, Foundation's `Process` did not notice the script's exit (it stayed a zombie).
    func restartPostgres() async throws {
        let path = try #require(TestServices.restartPostgres)
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, path, nil, nil, argv, environ)
        try #require(spawned == 0, "cannot run \(path): \(String(cString: strerror(spawned)))")
        var status: Int32 = 0
        // Polled, so the test's task never blocks a thread; -1 means someone else reaped it.
        while waitpid(pid, &status, WNOHANG) == 0 {
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
