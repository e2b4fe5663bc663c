import ExporterCore
import ExporterRunHistory
import Foundation
import ExporterDatabase
import Testing

/// The view `export_stream_status` (migration 4): one row per (connection, entity) of the active
/// connections, with the lag computed as the daemon plans (DESIGN §4), and `status` reading it.
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

    func rows(_ services: Services, _ connection: TestConnection, grace: Int64 = grace) async throws -> [StreamStatusRow] {
        try await RunHistory(client: services.postgres, logger: TestServices.logger)
            .streamStatuses(connectionID: connection.id, graceSeconds: grace)
    }

    func connection(_ services: Services, _ s3: String, root: String = "") async throws -> TestConnection {
        try await services.newConnection(syncConfig: { bucket in
            #"{"s3": {"bucket": "\#(bucket)", "region": "us-east-1", "sync_active": true\#(s3)}\#(root)}"#
        })
    }

    @Test func dailyLagCountsDueWindowsAfterTheLastScheduledSuccess() async throws {
        try await TestServices.with { services in
            let now = Int64(Date().timeIntervalSince1970)
            let latest = ExportWindow.latestDue(now: now, grace: Self.grace, interval: .daily)
            let connection = try await connection(services, #", "entity_types": ["feature_usage"]"#)
            let done = ExportWindow(start: latest.start - 3 * 86_400, end: latest.end - 3 * 86_400)
            try await insertRun(services, connection, window: done, status: "succeeded", startedAt: now - 9_000)
            // A manual success of the latest window does not move the stream (DESIGN §6) ...
            try await insertRun(services, connection, window: latest, trigger: .manual, status: "succeeded", startedAt: now - 8_000)
            // ... and the next scheduled window failing twice makes the stream fail since the first.
            let next = ExportWindow(start: done.end, end: done.end + 86_400)
            try await insertRun(services, connection, window: next, status: "failed", startedAt: now - 7_000,
                                error: ("s3:AccessDenied", "connection x: denied"))
            try await insertRun(services, connection, window: next, status: "failed", startedAt: now - 6_000,
                                error: ("network", "connection x: reset"))

            let row = try #require(try await rows(services, connection).first)
            #expect(row.entity == "feature_usage" && row.interval == "daily" && row.tenantID == connection.tenant)
            #expect(row.lastSucceededWindowStart == done.start)
            #expect(row.lastSucceededWindowEnd == done.end)
            #expect(row.latestDueWindowEnd == latest.end)
            #expect(row.windowsBehind == 3, "the same count the planner would run")
            #expect(row.windowsBehind == ExportWindow.windows(from: done.end, endingBy: latest.end, interval: .daily).count)
            #expect(row.lastRunStatus == "failed" && row.lastRunTrigger == "schedule")
            #expect(row.lastErrorCode == "network" && row.lastErrorMessage == "connection x: reset")
            #expect(row.lastRunStartedAt == now - 6_000 && row.lastRunFinishedAt == now - 5_995)
            // The manual success came after the scheduled one, so failures count from it.
            #expect(row.failingSince == now - 7_000)
            #expect(row.nextWindowStart == next.start && row.nextWindowEnd == next.end)
            #expect(row.nextDueAt == next.end + Self.grace)

            // Succeeding through the latest window: up to date, not failing, next due tomorrow.
            try await insertRun(services, connection, window: latest, status: "succeeded", startedAt: now - 1_000)
            let current = try #require(try await rows(services, connection).first)
            #expect(current.windowsBehind == 0)
            #expect(current.failingSince == nil)
            #expect(current.lastRunStatus == "succeeded")
            #expect(current.nextWindowStart == latest.end && current.nextDueAt == latest.end + 86_400 + Self.grace)
        }
    }

    @Test func weeklyAndMonthlyWindowsAndAStreamNeverExported() async throws {
        try await TestServices.with { services in
            let now = Int64(Date().timeIntervalSince1970)
            let monthly = try await connection(services, #", "interval": "monthly", "entity_types": ["invoice"]"#)
            let latestMonth = ExportWindow.latestDue(now: now, grace: Self.grace, interval: .monthly)
            let twoBefore = latestMonth.previous(.monthly).previous(.monthly)
            try await insertRun(services, monthly, entity: .invoice, interval: .monthly, window: twoBefore,
                                status: "succeeded", startedAt: now - 100)
            let month = try #require(try await rows(services, monthly).first)
            #expect(month.windowsBehind == 2)
            #expect(month.latestDueWindowEnd == latestMonth.end)
            #expect(month.nextWindowStart == twoBefore.end && month.nextWindowEnd == twoBefore.next(.monthly).end)
            #expect(month.failingSince == nil && month.lastErrorCode == nil)

            // Never exported: one window behind, the latest due one, as the daemon would run it.
            let weekly = try await connection(services, #", "interval": "weekly", "entity_types": ["price"]"#)
            let latestWeek = ExportWindow.latestDue(now: now, grace: Self.grace, interval: .weekly)
            let week = try #require(try await rows(services, weekly).first)
            #expect(week.windowsBehind == 1)
            #expect(week.lastRunID == nil && week.lastSucceededWindowEnd == nil)
            #expect(week.nextWindowStart == latestWeek.start && week.nextWindowEnd == latestWeek.end)
            #expect(week.nextDueAt == latestWeek.end + Self.grace)
            // The grace is the caller's: with a week of it, last week is not due yet.
            let later = try #require(try await rows(services, weekly, grace: 7 * 86_400).first)
            #expect(later.latestDueWindowEnd == ExportWindow.latestDue(now: now, grace: 7 * 86_400, interval: .weekly).end)
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
            let hourly = try await connection(services, #", "interval": "hourly""#, root: #", "customer": {"outbound": true}"#)
            for connection in [inactive, notBoolean, notObject, hourly] {
                #expect(try await rows(services, connection).isEmpty, "\(connection.id)")
            }
            let all = try await RunHistory(client: services.postgres, logger: TestServices.logger)
                .streamStatuses(connectionID: nil, graceSeconds: Self.grace)
            #expect(all.contains { $0.connectionID == outbound.id })
        }
    }

    @Test func statusReadsTheView() async throws {
        try await TestServices.with { services in
            let now = Int64(Date().timeIntervalSince1970)
            let connection = try await connection(services, #", "entity_types": ["feature_usage"]"#)
            let latest = ExportWindow.latestDue(now: now, grace: 0, interval: .daily)
            let done = ExportWindow(start: latest.start - 2 * 86_400, end: latest.end - 2 * 86_400)
            try await insertRun(services, connection, window: done, status: "succeeded", startedAt: now - 500)
            try await insertRun(services, connection, window: done.next(.daily), status: "failed", startedAt: now - 400,
                                error: ("database", "connection \(connection.id), entity feature_usage: gone"))
            let environment = CommandLineTests().environment(services)   // EXPORTER_GRACE_SECONDS=0
            let status = try await ExporterCommand.run(["status", "--json", "--connection", connection.id], environment: environment)
            #expect(status.status == 0, "\(status.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let stream = try #require((json["streams"] as? [[String: Any]])?.first)
            let view = try #require(try await rows(services, connection, grace: 0).first)
            #expect(stream["windows_behind"] as? Int == view.windowsBehind)
            #expect(view.windowsBehind == 2)
            #expect(stream["last_succeeded_window_end"] as? String == Timestamp.rfc3339(seconds: done.end))
            #expect(stream["last_error_code"] as? String == "database")
            #expect(stream["failing_since"] as? String == Timestamp.rfc3339(seconds: now - 400))
            #expect(stream["next_due_at"] as? String == Timestamp.rfc3339(seconds: done.end + 86_400))

            let table = try await ExporterCommand.run(["status", "--connection", connection.id, "--limit", "0"], environment: environment)
            #expect(table.status == 0, "\(table.stderr)")
            let line = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix(connection.id) })
            #expect(line.contains("  2  "), "windows behind: \(line)")
            #expect(line.contains("failing since \(Timestamp.rfc3339(seconds: now - 400)): database: connection"), "\(line)")
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
            let now = Int64(Date().timeIntervalSince1970)
            let connection = try await connection(services, #", "entity_types": ["feature_usage"]"#)
            let latest = ExportWindow.latestDue(now: now, grace: Self.grace, interval: .daily)
            try await insertRun(services, connection, window: ExportWindow(start: latest.start - 5 * 86_400, end: latest.end - 5 * 86_400),
                                status: "succeeded", startedAt: now - 100)
            let text = try String(contentsOf: TestServices.repositoryRoot.appendingPathComponent("docs/monitoring.md"), encoding: .utf8)
            let queries = text.components(separatedBy: "```sql\n").dropFirst()
                .compactMap { $0.components(separatedBy: "```").first }
                .filter { $0.hasPrefix("SELECT") }
            #expect(queries.count == 4, "\(queries)")
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
