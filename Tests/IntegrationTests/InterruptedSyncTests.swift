import ExporterCore
import Foundation
import ExporterDatabase
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `sync --from --to`, the built binary, interrupted or blocked (issue 11): SIGINT and SIGTERM
/// abort the upload, record the run `failed` with `shutdown` and exit 130 / 143, leaving the
/// window free for the next `sync`; a `running` row of a dead worker on this host is abandoned;
/// one of a live worker elsewhere makes `sync` exit 75 naming it.
@Suite(TestServices.needsServices())
struct InterruptedSyncTests {
    static let window = ProxiedWindow.window
    static let stem = ProxiedWindow.stem()

    func environment(_ services: Services) -> [String: String] {
        ["DATABASE_URL": services.databaseURLString, "FLEXPRICE_SECRETS_ENCRYPTION_KEY": TestServices.encryptionKey,
         "EXPORTER_LOG_LEVEL": "info", "EXPORTER_S3_PART_SIZE_MB": "5"]
    }

    func sync(_ services: Services, _ connection: TestConnection) throws -> ExporterProcess {
        try ExporterProcess(["sync", "--connection", connection.id, "--from", "2026-11-20", "--to", "2026-11-21"],
                            environment: environment(services))
    }

    /// `rows` usage rows of about 300 bytes of CSV each in the window.
    func seed(_ services: Services, tenant: String, rows: Int) async throws {
        try await services.seedUsageRows(tenant: tenant, count: rows)
    }

    func statuses(_ services: Services, _ connection: TestConnection) async throws -> [RunRow] {
        try await services.runs(connection: connection.id)
    }

    /// A `running` row holding the window, as a worker that started it at `startedAt` left it.
    func holdWindow(_ services: Services, _ connection: TestConnection, worker: String, startedAt: String) async throws {
        try await services.execute("""
            INSERT INTO export_runs (connection_id, tenant_id, environment_id, entity_type, "interval", window_start, window_end,
                "trigger", status, started_at, worker)
            VALUES (\(connection.id), \(connection.tenant), '', 'feature_usage', 'daily', '2026-11-20T00:00:00Z',
                '2026-11-21T00:00:00Z', 'manual', 'running', \(startedAt)::timestamptz, \(worker))
            """)
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalDuringAnUploadAbortsItRecordsShutdownAndFreesTheWindow(signal: Int32) async throws {
        try await TestServices.with { services in
            // Every request through the proxy waits 700 ms, so the multipart upload stays open
            // for seconds: the signal surely lands in the middle of it.
            try await services.withProxy(faults: FaultProxy.delayingEveryRequest(by: .milliseconds(700))) { _, proxyURL in
                let connection = try await services.newConnection(
                    syncConfig: { Services.syncConfig(bucket: $0, compression: .none, endpoint: proxyURL) },
                    seed: { try await seed(services, tenant: $0, rows: 60_000) })
                let s3 = try services.s3(bucket: connection.bucket)

                let interrupted = try sync(services, connection)
                let uploading = try await eventually(timeout: .seconds(120), every: .milliseconds(50)) {
                    let running = try await statuses(services, connection).first?.status == "running"
                    guard running else { return false }
                    return try await !s3.listMultipartUploads().isEmpty
                }
                #expect(uploading, "\(interrupted.log)")
                interrupted.signal(signal)
                #expect(await interrupted.waitForExit(timeout: .seconds(90)) == 128 + signal, "\(interrupted.log)")
                let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
                #expect(interrupted.log.contains("interrupted by \(name)"), "\(interrupted.log)")

                let runs = try await statuses(services, connection)
                #expect(runs.map(\.status) == ["failed"], "\(runs)")
                #expect(runs.first?.errorCode == "shutdown")
                #expect(try await s3.listMultipartUploads().isEmpty, "the multipart upload was aborted")
                #expect(try await s3.listObjects().isEmpty, "no object of the window")

                // The window is free: the next sync (straight to moto) exports it and exits 0.
                try await services.execute("""
                    UPDATE connections SET sync_config = \(Services.syncConfig(bucket: connection.bucket, compression: .none))::jsonb
                    WHERE id = \(connection.id)
                    """)
                let next = try sync(services, connection)
                #expect(await next.waitForExit(timeout: .seconds(180)) == 0, "\(next.log)")
                #expect(try await statuses(services, connection).map(\.status) == ["failed", "succeeded"])
                #expect(Set(try await s3.listObjects()) == [Self.stem + ".csv", Self.stem + "_manifest.json"])
            }
        }
    }

    @Test func aRunningRowOfADeadWorkerOnThisHostIsAbandonedAndTheSyncSucceeds() async throws {
        try await TestServices.with { services in
            let connection = try await services.newConnection(seed: { try await seed(services, tenant: $0, rows: 100) })
            // No process can have a pid above pid_max: the worker is provably gone.
            let pidMax = try #require(Int32(try String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            let dead = "\(ProcessInfo.processInfo.hostName):\(pidMax + 1)"
            try await holdWindow(services, connection, worker: dead, startedAt: "2026-11-21T03:04:05Z")

            let sync = try sync(services, connection)
            #expect(await sync.waitForExit() == 0, "\(sync.log)")
            let runs = try await statuses(services, connection)
            #expect(runs.map(\.status) == ["abandoned", "succeeded"], "\(runs)")
            #expect(runs.first?.errorCode == "shutdown")
            #expect(runs.first?.errorMessage?.contains("worker \(dead)") == true, "\(runs.first?.errorMessage ?? "")")
            #expect(runs.last?.attempt == 2)
            #expect(try await services.s3(bucket: connection.bucket).listObjects().count == 2, "data object and manifest")
        }
    }

    @Test func aRunningRowOfALiveWorkerElsewhereMakesSyncExit75NamingIt() async throws {
        try await TestServices.with { services in
            let connection = try await services.newConnection(seed: { try await seed(services, tenant: $0, rows: 100) })
            try await holdWindow(services, connection, worker: "some-other-host:1", startedAt: "2026-11-21T03:04:05Z")

            let sync = try sync(services, connection)
            #expect(await sync.waitForExit() == 75, "\(sync.log)")
            #expect(sync.log.contains("skipped: window is being exported by worker some-other-host:1 since 2026-11-21T03:04:05Z"),
                    "\(sync.log)")
            let runs = try await statuses(services, connection)
            #expect(runs.map(\.status) == ["running"], "the live run keeps its window; nothing was started: \(runs)")
            #expect(try await services.s3(bucket: connection.bucket).listObjects().isEmpty)
        }
    }
}
