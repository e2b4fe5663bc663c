import ExporterCore
import ExporterRunHistory
import ExporterSource
import Foundation
import ExporterDatabase
import Testing

/// The view `export_stream_status` (migrations 4 and 6): one row per (connection, entity) of the
/// active connections, with the lag computed as the daemon plans, failing windows, connection
/// problems, and `status` reading it.
@Suite(TestServices.needsServices())
struct StreamStatusViewTests {
    static let grace: Int64 = 900

    /// Inserts a finished run of `window` directly (the view only reads export_runs).
    func insertRun(_ services: Services, _ connection: TestConnection, entity: EntityType = .featureUsage,
                   interval: SyncInterval = .daily, window: ExportWindow, trigger: RunTrigger = .schedule,
                   status: String, startedAt: Int64, error: (code: String, message: String)? = nil) async throws {
        try await services.execute("""
            INSERT INTO export_runs (connection_id, tenant_id, environment_id, entity_type, "interval", window_start, window_end,
                                     "trigger", status, started_at, finished_at, worker, error_code, error_message)
            VALUES (\(connection.id), \(connection.tenant), '', \(entity.rawValue), \(interval.rawValue),
                    to_timestamp(\(window.start)), to_timestamp(\(window.end)), \(trigger.rawValue), \(status),
                    to_timestamp(\(startedAt)), to_timestamp(\(startedAt + 5)), 'test:1', \(error?.code), \(error?.message))
            """)
    }

    func connection(_ services: Services, _ s3: String, root: String = "") async throws -> TestConnection {
        try await services.newConnection(syncConfig: { bucket in
            #"{"s3": {"bucket": "\#(bucket)", "region": "us-east-1", "sync_active": true\#(s3)}\#(root)}"#
        })
    }

    // One clock: the view judges "due" at a fixed instant (flexprice_exporter.now), and every
    // expected window below is written out by hand for it, not computed by ExportWindow (the
    // code the view must agree with).

    /// Wednesday 2026-11-25 10:00:00 UTC.
    static let now: Int64 = 1_795_600_800
    static let day: Int64 = 86_400
    /// Midnight UTC of 2026-11-DD.
    static func november(_ day: Int64) -> Int64 { 1_793_491_200 + (day - 1) * Self.day }

    func rows(_ services: Services, _ connection: TestConnection, grace: Int64 = grace, now: Int64 = now) async throws -> [StreamStatusRow] {
        try await RunHistory(client: services.postgres, logger: TestServices.logger)
            .streamStatuses(connectionID: connection.id, graceSeconds: grace, now: now)
    }

    @Test func theClockIsWhatTheTestSays() {
        #expect(Timestamp.rfc3339(seconds: Self.now) == "2026-11-25T10:00:00Z")
        #expect(Timestamp.rfc3339(seconds: Self.november(1)) == "2026-11-01T00:00:00Z")
    }

    @Test func dailyLagCountsDueWindowsAfterTheLastScheduledSuccess() async throws {
        try await TestServices.with { services in
            let now = Self.now
            let connection = try await connection(services, #", "entity_types": ["feature_usage"]"#)
            // Due at 10:00 with 15 minutes' grace: up to [11-24, 11-25). Exported through 11-21.
            let done = ExportWindow(start: Self.november(21), end: Self.november(22))
            try await insertRun(services, connection, window: done, status: "succeeded", startedAt: now - 9_000)
            // A manual success of the latest window does not move the stream ...
            try await insertRun(services, connection, window: ExportWindow(start: Self.november(24), end: Self.november(25)),
                                trigger: .manual, status: "succeeded", startedAt: now - 8_000)
            // ... and the next scheduled window failing twice makes it failing since the first.
            let next = ExportWindow(start: Self.november(22), end: Self.november(23))
            try await insertRun(services, connection, window: next, status: "failed", startedAt: now - 7_000,
                                error: ("s3:AccessDenied", "connection x: denied"))
            try await insertRun(services, connection, window: next, status: "failed", startedAt: now - 6_000,
                                error: ("network", "connection x: reset"))

            let row = try #require(try await rows(services, connection).first)
            #expect(row.entity == "feature_usage" && row.interval == "daily" && row.tenantID == connection.tenant)
            #expect(row.lastSucceededWindowStart == Self.november(21) && row.lastSucceededWindowEnd == Self.november(22))
            #expect(row.latestDueWindowEnd == Self.november(25))
            #expect(row.windowsBehind == 3, "11-22, 11-23 and 11-24")
            #expect(row.lastRunStatus == "failed" && row.lastRunTrigger == "schedule")
            #expect(row.lastErrorCode == "network" && row.lastErrorMessage == "connection x: reset")
            #expect(row.lastRunStartedAt == now - 6_000 && row.lastRunFinishedAt == now - 5_995)
            #expect(row.failingWindows == 1 && row.oldestFailingWindowStart == Self.november(22))
            #expect(row.failingSince == now - 7_000)
            #expect(row.nextWindowStart == Self.november(22) && row.nextWindowEnd == Self.november(23))
            #expect(row.nextDueAt == Self.november(23) + 900)

            // Succeeding through the latest window: up to date, not failing, next due tomorrow.
            try await insertRun(services, connection, window: next, status: "succeeded", startedAt: now - 3_000)
            try await insertRun(services, connection, window: ExportWindow(start: Self.november(23), end: Self.november(24)),
                                status: "succeeded", startedAt: now - 2_000)
            try await insertRun(services, connection, window: ExportWindow(start: Self.november(24), end: Self.november(25)),
                                status: "succeeded", startedAt: now - 1_000)
            let current = try #require(try await rows(services, connection).first)
            #expect(current.windowsBehind == 0)
            #expect(current.failingWindows == 0 && current.failingSince == nil && current.oldestFailingWindowStart == nil)
            #expect(current.lastRunStatus == "succeeded")
            #expect(current.nextWindowStart == Self.november(25) && current.nextDueAt == Self.november(26) + 900)
        }
    }

    /// A delivered window whose re-export failed is failing until a run of it succeeds, though
    /// the stream has succeeded since; a `retry` success repairs it without moving the position.
    @Test func aFailedReExportKeepsTheStreamFailingUntilTheWindowSucceeds() async throws {
        try await TestServices.with { services in
            let now = Self.now
            let connection = try await connection(services, #", "entity_types": ["invoice"]"#)
            let old = ExportWindow(start: Self.november(10), end: Self.november(11))
            for day in Int64(10)...24 {
                try await insertRun(services, connection, entity: .invoice,
                                    window: ExportWindow(start: Self.november(day), end: Self.november(day + 1)),
                                    status: "succeeded", startedAt: now - 50_000 + day)
            }
            try await insertRun(services, connection, entity: .invoice, window: old, trigger: .manual, status: "failed",
                                startedAt: now - 4_000, error: ("s3:InternalError", "connection x: boom"))
            // A later scheduled success (the latest window, forced) does not clear it.
            try await insertRun(services, connection, entity: .invoice,
                                window: ExportWindow(start: Self.november(24), end: Self.november(25)),
                                trigger: .signal, status: "succeeded", startedAt: now - 3_000)
            let failing = try #require(try await rows(services, connection).first)
            #expect(failing.windowsBehind == 0 && failing.lastRunStatus == "succeeded")
            #expect(failing.failingWindows == 1 && failing.oldestFailingWindowStart == Self.november(10))
            #expect(failing.failingSince == now - 4_000)

            try await insertRun(services, connection, entity: .invoice, window: old, trigger: .retry, status: "succeeded",
                                startedAt: now - 1_000)
            let repaired = try #require(try await rows(services, connection).first)
            #expect(repaired.failingWindows == 0 && repaired.failingSince == nil)
            #expect(repaired.lastSucceededWindowEnd == Self.november(25), "a retry does not move the position")
        }
    }

    @Test func weeklyAndMonthlyWindowsAndAStreamNeverExported() async throws {
        try await TestServices.with { services in
            let now = Self.now
            let monthly = try await connection(services, #", "interval": "monthly", "entity_types": ["invoice"]"#)
            // Latest due month: October. Exported through August: September and October behind.
            try await insertRun(services, monthly, entity: .invoice, interval: .monthly,
                                window: ExportWindow(start: 1_785_542_400, end: 1_788_220_800), // 2026-08-01 .. 09-01
                                status: "succeeded", startedAt: now - 100)
            let month = try #require(try await rows(services, monthly).first)
            #expect(month.windowsBehind == 2)
            #expect(month.latestDueWindowEnd == Self.november(1))
            #expect(month.nextWindowStart == 1_788_220_800 && month.nextWindowEnd == 1_790_812_800) // 09-01 .. 10-01
            #expect(month.failingSince == nil && month.lastErrorCode == nil && month.failingWindows == 0)

            // Never exported: one window behind, the latest due one, as the daemon would run it:
            // the ISO week Monday 11-16 .. Monday 11-23.
            let weekly = try await connection(services, #", "interval": "weekly", "entity_types": ["price"]"#)
            let week = try #require(try await rows(services, weekly).first)
            #expect(week.windowsBehind == 1)
            #expect(week.lastRunID == nil && week.lastSucceededWindowEnd == nil)
            #expect(week.nextWindowStart == Self.november(16) && week.nextWindowEnd == Self.november(23))
            #expect(week.nextDueAt == Self.november(23) + 900)
            // The grace is the caller's: with three days of it (due before Sunday 11-22 10:00),
            // the week before is the latest due.
            let later = try #require(try await rows(services, weekly, grace: 3 * Self.day).first)
            #expect(later.latestDueWindowEnd == Self.november(16))
        }
    }

    @Test func streamsAreTheEntitiesOfActiveConnectionsAndBadConfigsDoNotBreakTheView() async throws {
        try await TestServices.with { services in
            // No entity_types: the entities marked outbound.
            let outbound = try await connection(services, "", root: #", "feature_usage": {"outbound": true}, "invoice": {"outbound": false}, "customer": {"outbound": true}"#)
            #expect(try await rows(services, outbound).map(\.entity) == ["customer", "feature_usage"])
            // Explicit entity_types win; unknown names and non-strings are not streams.
            let listed = try await connection(services, #", "entity_types": ["invoice", 7, "nope", "invoice"]"#,
                                              root: #", "customer": {"outbound": true}"#)
            #expect(try await rows(services, listed).map(\.entity) == ["invoice"])
            // Inactive, malformed and unknown-interval connections are not in the view, and do not break it.
            let inactive = try await services.newConnection(syncConfig: { #"{"s3": {"bucket": "\#($0)", "sync_active": false}}"# })
            let notBoolean = try await services.newConnection(syncConfig: { #"{"s3": {"bucket": "\#($0)", "sync_active": "yes"}}"# })
            let notObject = try await services.newConnection(syncConfig: { _ in #""just a string""# })
            let yearly = try await connection(services, #", "interval": "yearly""#, root: #", "customer": {"outbound": true}"#)
            for connection in [inactive, notBoolean, notObject, yearly] {
                #expect(try await rows(services, connection).isEmpty, "\(connection.id)")
            }
            let all = try await RunHistory(client: services.postgres, logger: TestServices.logger)
                .streamStatuses(connectionID: nil, graceSeconds: Self.grace)
            #expect(all.contains { $0.connectionID == outbound.id })
        }
    }

    /// `status` judges "due" by the database's clock, as the view does: this test reads that clock
    /// and writes every expected time from it.
    @Test func statusReadsTheView() async throws {
        try await TestServices.with { services in
            let now = try #require(try await services.postgres.query("SELECT extract(epoch FROM now())::bigint").first?
                .decode(Int64.self))
            let connection = try await connection(services, #", "entity_types": ["feature_usage"]"#)
            let today = now / Self.day * Self.day // grace 0 (EXPORTER_GRACE_SECONDS=0 below): due up to today
            let done = ExportWindow(start: today - 3 * Self.day, end: today - 2 * Self.day)
            try await insertRun(services, connection, window: done, status: "succeeded", startedAt: now - 500)
            try await insertRun(services, connection, window: ExportWindow(start: done.end, end: done.end + Self.day),
                                status: "failed", startedAt: now - 400,
                                error: ("database", "connection \(connection.id), entity feature_usage: gone"))
            let environment = CommandLineTests().environment(services)   // EXPORTER_GRACE_SECONDS=0
            let status = try await ExporterCommand.run(["status", "--json", "--connection", connection.id], environment: environment)
            #expect(status.status == 0, "\(status.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let stream = try #require((json["streams"] as? [[String: Any]])?.first)
            #expect(stream["windows_behind"] as? Int == 2)
            #expect(stream["last_succeeded_window_end"] as? String == Timestamp.rfc3339(seconds: today - 2 * Self.day))
            #expect(stream["last_error_code"] as? String == "database")
            #expect(stream["failing_since"] as? String == Timestamp.rfc3339(seconds: now - 400))
            #expect(stream["failing_windows"] as? Int == 1)
            #expect(stream["oldest_failing_window_start"] as? String == Timestamp.rfc3339(seconds: today - 2 * Self.day))
            #expect(stream["next_due_at"] as? String == Timestamp.rfc3339(seconds: today - Self.day))

            let table = try await ExporterCommand.run(["status", "--connection", connection.id, "--limit", "0"], environment: environment)
            #expect(table.status == 0, "\(table.stderr)")
            let line = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix(connection.id) })
            #expect(line.contains("  2  "), "windows behind: \(line)")
            #expect(line.contains("1 window, oldest \(Timestamp.rfc3339(seconds: today - 2 * Self.day)), since \(Timestamp.rfc3339(seconds: now - 400))"),
                    "\(line)")
            #expect(line.contains("database: connection \(connection.id)"), "\(line)")
        }
    }

    /// A connection that cannot be exported at all is one row of the view, entity '*', with its
    /// problem, and `status` shows it (not a failed run per entity).
    @Test func aConnectionProblemIsARowOfTheViewAndOfStatus() async throws {
        try await TestServices.with { services in
            let broken = try await services.newConnection(encryptionKey: "not the daemon's key")
            let recorded = try await RunHistory(client: services.postgres, logger: TestServices.logger)
                .recordProblem(try #require(try await ConnectionCatalog(client: services.postgres, logger: TestServices.logger)
                    .publishedS3Connections(id: broken.id).first), .config(connection: broken.id, field: "s3.bucket", problem: "is a test problem"))
            #expect(recorded)
            let view = try await services.postgres.query("""
                SELECT entity_type, problem, last_error_code, failing_since IS NOT NULL, windows_behind IS NULL
                FROM export_stream_status WHERE connection_id = \(broken.id) ORDER BY entity_type = '*' DESC
                """).map { try $0.decode((String, String?, String?, Bool, Bool).self) }
            // Its settings read, so its stream is there too; the problem is the row '*'.
            #expect(view.count == 2 && view.last?.0 == "feature_usage", "\(view)")
            #expect(view.first?.0 == "*")
            #expect(view.first?.1 == "config: connection \(broken.id): sync_config field s3.bucket is a test problem")
            #expect(view.first?.2 == "config" && view.first?.3 == true && view.first?.4 == true)

            let table = try await ExporterCommand.run(["status", "--connection", broken.id, "--limit", "0"],
                                                      environment: CommandLineTests().environment(services))
            #expect(table.status == 0, "\(table.stderr)")
            let line = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix(broken.id) && $0.contains(" * ") },
                                    "\(table.stdout)")
            #expect(line.contains("config: connection \(broken.id): sync_config field s3.bucket is a test problem"), "\(line)")
        }
    }

    @Test func migrateWithoutFlexPricesConnectionsTableSaysWhichDatabaseIsWrong() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await CommandLineTests().dropExporterTables(services)
            try await services.execute("DROP TABLE connections")
            let migrate = try await ExporterCommand.run(["migrate"], environment: CommandLineTests().environment(services))
            #expect(migrate.status == 78, "\(migrate.stderr)")
            #expect(migrate.stderr.contains("FlexPrice's table connections does not exist in this database"), "\(migrate.stderr)")
            #expect(try await !CommandLineTests().tableExists(services, "export_runs"), "nothing half-applied")
        }
    }

    /// docs/monitoring.md's alert queries run as written, and the first finds a stream behind.
    @Test func theDocumentedAlertQueriesRun() async throws {
        try await TestServices.with { services in
            let now = try #require(try await services.postgres.query("SELECT extract(epoch FROM now())::bigint").first?
                .decode(Int64.self))
            let connection = try await connection(services, #", "entity_types": ["feature_usage"]"#)
            let today = (now - Self.grace) / Self.day * Self.day
            try await insertRun(services, connection, window: ExportWindow(start: today - 6 * Self.day, end: today - 5 * Self.day),
                                status: "succeeded", startedAt: now - 100)
            let text = try String(contentsOf: TestServices.repositoryRoot.appendingPathComponent("docs/monitoring.md"), encoding: .utf8)
            let queries = text.components(separatedBy: "```sql\n").dropFirst()
                .compactMap { $0.components(separatedBy: "```").first }
                .filter { $0.hasPrefix("SELECT") }
            #expect(queries.count == 5, "\(queries)")
            for query in queries {
                let sql = query.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: ";"))
                let rows = try await services.postgres.query(SQL(unsafeSQL: sql))
                if query.contains("windows_behind > 2") {
                    #expect(rows.contains { (try? $0.decode(String.self, at: 0)) == connection.id })
                }
            }
        }
    }
}
