import ExporterCore
import Foundation
import Testing

/// `check`, `sync --dry-run`, `sync` without a window, and the exit codes, through the built binary.
@Suite(TestServices.needsServices())
struct CommandTests {
    func environment(_ services: Services, key: String = TestServices.encryptionKey) -> [String: String] {
        ["DATABASE_URL": services.databaseURLString, "FLEXPRICE_SECRETS_ENCRYPTION_KEY": key,
         "EXPORTER_GRACE_SECONDS": "0", "EXPORTER_LOG_LEVEL": "error"]
    }

    @Test func checkPassesForAGoodConnectionAndNamesTheFailingStepOfOthers() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let good = try await services.newConnection()
            let noBucket = try await services.newConnection(syncConfig: { _ in Services.syncConfig(bucket: "no-such-bucket-\(UUID().uuidString.prefix(8).lowercased())") })
            let wrongKey = try await services.newConnection(encryptionKey: "another key")
            let check = try ExporterProcess(["check"], environment: environment(services))
            #expect(await check.waitForExit() == 1)
            let output = check.log
            #expect(output.contains("PASS \(good.id)"), "\(output)")
            #expect(output.contains("FAIL \(noBucket.id)"))
            #expect(output.contains("NoSuchBucket") || output.contains("NotFound"), "\(output)")
            #expect(output.contains("FAIL \(wrongKey.id)"))
            #expect(output.contains("could not be decrypted"))
            #expect(!output.contains(TestServices.secretKey) && !output.contains(TestServices.accessKey))
            // The probe object was deleted again.
            #expect(try await services.s3(bucket: good.bucket).listObjects().isEmpty)
        }
    }

    /// The object key of a daily feature_usage window under the test prefix.
    func key(_ window: ExportWindow) -> String {
        let day = Timestamp.rfc3339(seconds: window.start).prefix(10).replacingOccurrences(of: "-", with: "/")
        return "exports/test/feature_usage/\(day)/feature_usage_\(window.compactStart)_\(window.compactEnd).csv.gz"
    }

    @Test func dryRunShowsWindowsKeysAndRowCountsAndUploadsNothing() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            // One clock reading; the seeded day is ten days before the latest due one, so a
            // scheduled pass (which, for a new connection, runs only the latest due window) never
            // meets the seeded rows, whatever the date. (Seeding a fixed date failed on the day after it.)
            let latest = ExportWindow.latestDue(now: Int64(Date().timeIntervalSince1970), grace: 0, interval: .daily)
            let seeded = ExportWindow(start: latest.start - 10 * 86_400, end: latest.start - 9 * 86_400)
            let connection = try await services.newConnection(seed: { tenant in
                try await services.execute("""
                    INSERT INTO feature_usage (id, tenant_id, environment_id, "timestamp")
                    SELECT \(tenant) || g, \(tenant), '', to_timestamp(\(seeded.start) + 43200) FROM generate_series(1, 7) AS g
                    """)
            })
            let from = String(Timestamp.rfc3339(seconds: seeded.start).prefix(10))
            let to = String(Timestamp.rfc3339(seconds: seeded.end).prefix(10))
            let dry = try ExporterProcess(["sync", "--dry-run", "--from", from, "--to", to],
                                          environment: environment(services))
            #expect(await dry.waitForExit() == 0, "\(dry.log)")
            #expect(dry.log.contains("would export 7 rows to \(key(seeded))"), "\(dry.log)")
            let scheduled = try ExporterProcess(["sync", "--dry-run"], environment: environment(services))
            #expect(await scheduled.waitForExit() == 0)
            // The latest due window, unless the clock passed midnight since `latest` was read.
            let due = ExportWindow.latestDue(now: Int64(Date().timeIntervalSince1970), grace: 0, interval: .daily)
            #expect(scheduled.log.contains("would export 0 rows to \(key(latest))")
                    || (due != latest && scheduled.log.contains("would export 0 rows to \(key(due))")), "\(scheduled.log)")
            #expect(try await services.runs(connection: connection.id).isEmpty)
            #expect(try await services.s3(bucket: connection.bucket).listObjects().isEmpty)

            // Without a window, sync runs what is due, once; again, nothing is due.
            let pass = try ExporterProcess(["sync"], environment: environment(services))
            #expect(await pass.waitForExit() == 0, "\(pass.log)")
            #expect(try await services.runs(connection: connection.id).map(\.trigger) == ["schedule"])
            let again = try ExporterProcess(["sync"], environment: environment(services))
            #expect(await again.waitForExit() == 0)
            #expect(again.log.contains("nothing is due"))
            let forced = try ExporterProcess(["sync", "--force"], environment: environment(services))
            #expect(await forced.waitForExit() == 0)
            // `sync --force` has its own trigger; the daemon's SIGUSR1 stays `signal`.
            #expect(try await services.runs(connection: connection.id).map(\.trigger) == ["schedule", "forced"])
        }
    }

    @Test func exitCodes() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let connection = try await services.newConnection(encryptionKey: "another key")
            let failed = try ExporterProcess(["sync", "--connection", connection.id, "--from", "2026-11-20", "--to", "2026-11-21"],
                                             environment: environment(services))
            #expect(await failed.waitForExit() == 1)
            #expect(failed.log.contains("could not be decrypted"))
            let usage = try ExporterProcess(["sync", "--from", "2026-11-20"], environment: environment(services))
            #expect(await usage.waitForExit() == 64)
            var missing = environment(services)
            missing["FLEXPRICE_SECRETS_ENCRYPTION_KEY"] = nil
            let config = try ExporterProcess(["sync"], environment: missing.merging(["FLEXPRICE_SECRETS_ENCRYPTION_KEY": ""]) { $1 })
            #expect(await config.waitForExit() == 78)
            #expect(config.log.contains("FLEXPRICE_SECRETS_ENCRYPTION_KEY is not set"), "\(config.log)")
            let badTick = try ExporterProcess(["sync"], environment: environment(services).merging(["EXPORTER_TICK_SECONDS": "soon"]) { $1 })
            #expect(await badTick.waitForExit() == 78)
            #expect(badTick.log.contains("EXPORTER_TICK_SECONDS must be a whole number"), "\(badTick.log)")
        }
    }
}

/// A dead database is a clear, prompt error for one-shot commands (exit 69, EX_UNAVAILABLE),
/// naming the database without its password.
@Suite(TestServices.needsServices())
struct DeadDatabaseTests {
    @Test func syncAgainstAnUnreachableDatabaseFailsPromptlyWithTheReason() async throws {
        let started = ContinuousClock.now
        let sync = try ExporterProcess(["sync", "--from", "2026-11-20", "--to", "2026-11-21"], environment: [
            "DATABASE_URL": "postgres://nobody:secret-db-password@127.0.0.1:1/none?sslmode=disable",
            "FLEXPRICE_SECRETS_ENCRYPTION_KEY": "k",
        ])
        #expect(await sync.waitForExit(timeout: .seconds(30)) == 69, "\(sync.log)")
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(sync.log.contains("cannot connect to the database postgres://nobody:***@127.0.0.1:1/none"), "\(sync.log)")
        #expect(!sync.log.contains("secret-db-password"))
    }
}
