import ExporterCore
import ExporterSource
import Foundation
import ExporterDatabase
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `flexprice-exporter run`, the built binary, against real PostgreSQL and moto, each test with a
/// database of its own (a daemon exports every connection it can see): catch-up, weekly and
/// monthly windows, signals, systemd notify, graceful stop, two daemons, a killed daemon.
@Suite(TestServices.needsServices())
struct DaemonTests {
    func environment(_ services: Services, tick: Int = 1, extra: [String: String] = [:]) -> [String: String] {
        ["DATABASE_URL": services.databaseURLString, "FLEXPRICE_SECRETS_ENCRYPTION_KEY": TestServices.encryptionKey,
         "EXPORTER_TICK_SECONDS": "\(tick)", "EXPORTER_GRACE_SECONDS": "0", "EXPORTER_LOG_LEVEL": "info"]
            .merging(extra) { $1 }
    }

    /// The clock, read once per test: every window a test expects is derived from one reading, so
    /// no test compares windows computed on either side of a UTC midnight.
    static func clock() -> Int64 { Int64(Date().timeIntervalSince1970) }
    /// The clock now; kept for other suites. Read it once per test and derive from that reading.
    var now: Int64 { Self.clock() }

    /// A scheduled success already in the history, as an earlier daemon would have left it.
    func recordSuccess(_ services: Services, connection: TestConnection, entity: EntityType, window: ExportWindow) async throws {
        try await services.execute("""
            INSERT INTO export_runs (connection_id, tenant_id, environment_id, entity_type, "interval", window_start, window_end,
                "trigger", status, finished_at, worker)
            VALUES (\(connection.id), \(connection.tenant), '', \(entity.rawValue), 'daily',
                \(Date(timeIntervalSince1970: TimeInterval(window.start))), \(Date(timeIntervalSince1970: TimeInterval(window.end))),
                'schedule', 'succeeded', now(), 'earlier-daemon')
            """)
    }

    struct Run: Equatable, CustomStringConvertible {
        let id: Int64
        let connection: String
        let entity: String
        let window: ExportWindow
        let trigger: String
        let status: String
        let errorCode: String?
        var description: String { "\(id) \(connection) \(entity) \(window) \(trigger) \(status) \(errorCode ?? "")" }
    }

    func runs(_ services: Services) async throws -> [Run] {
        var result: [Run] = []
        for row in try await services.postgres.query("""
            SELECT id, connection_id, entity_type, window_start, window_end, "trigger", status, error_code
            FROM export_runs WHERE worker <> 'earlier-daemon' ORDER BY id
            """) {
            let (id, connection, entity, start, end, trigger, status, code)
                = try row.decode((Int64, String, String, Date, Date, String, String, String?).self)
            result.append(Run(id: id, connection: connection, entity: entity,
                              window: ExportWindow(start: Int64(start.timeIntervalSince1970), end: Int64(end.timeIntervalSince1970)),
                              trigger: trigger, status: status, errorCode: code))
        }
        return result
    }

    @Test func missedWindowsAreCaughtUpOldestFirstAndWeeklyAndMonthlyExportTheirLastWindow() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let daily = try await services.newConnection()
            let weekly = try await services.newConnection(syncConfig: { Services.syncConfig(bucket: $0, extra: #", "interval": "weekly""#) })
            let monthly = try await services.newConnection(syncConfig: { Services.syncConfig(bucket: $0, extra: #", "interval": "monthly""#) })
            let now = Self.clock()
            let yesterday = ExportWindow.latestDue(now: now, grace: 0, interval: .daily)
            let fourDaysAgo = yesterday.previous(.daily).previous(.daily).previous(.daily)
            try await recordSuccess(services, connection: daily, entity: .featureUsage, window: fourDaysAgo)

            let daemon = try ExporterProcess(["run"], environment: environment(services))
            let done = try await eventually { try await runs(services).filter { $0.status == "succeeded" }.count >= 5 }
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit() == 0, "\(daemon.log)")
            let afterwards = try await runs(services)
            #expect(done, "\(afterwards)\n\(daemon.log)")

            let all = try await runs(services)
            let dailyRuns = all.filter { $0.connection == daily.id }
            #expect(dailyRuns.map(\.window) == [fourDaysAgo.next(.daily), fourDaysAgo.next(.daily).next(.daily), yesterday])
            #expect(dailyRuns.map(\.trigger) == ["catch_up", "catch_up", "schedule"])
            #expect(dailyRuns.map(\.status) == ["succeeded", "succeeded", "succeeded"])
            #expect(all.filter { $0.connection == weekly.id }.map(\.window)
                    == [ExportWindow.latestDue(now: now, grace: 0, interval: .weekly)])
            #expect(all.filter { $0.connection == monthly.id }.map(\.window)
                    == [ExportWindow.latestDue(now: now, grace: 0, interval: .monthly)])
            #expect(all.allSatisfy { $0.status == "succeeded" }, "\(all)")

            // `status --json` tells the same story as export_runs.
            let status = try ExporterProcess(["status", "--json"], environment: environment(services, extra: ["EXPORTER_LOG_LEVEL": "error"]))
            #expect(await status.waitForExit() == 0)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(status.log.utf8)) as? [String: Any], "\(status.log)")
            let streams = try #require(json["streams"] as? [[String: Any]])
            #expect(streams.count == 3)
            for stream in streams {
                let connection = try #require(stream["connection_id"] as? String)
                let last = try #require(stream["last_run"] as? [String: Any])
                let newest = try #require(all.last { $0.connection == connection })
                #expect(last["id"] as? Int == Int(newest.id))
                #expect(last["status"] as? String == newest.status)
                #expect(stream["last_succeeded_window_end"] as? String == Timestamp.rfc3339(seconds: newest.window.end))
            }
            let recent = try #require(json["recent_runs"] as? [[String: Any]])
            var ids: [Int] = []
            for row in try await services.postgres.query("SELECT id FROM export_runs ORDER BY id DESC") {
                let id = try row.decode(Int.self); ids.append(id) }
            #expect(recent.compactMap { $0["id"] as? Int } == ids)
        }
    }

    @Test func signalsAndSystemdNotify() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let connection = try await services.newConnection()
            let yesterday = ExportWindow.latestDue(now: Self.clock(), grace: 0, interval: .daily)
            try await recordSuccess(services, connection: connection, entity: .featureUsage, window: yesterday)
            let socket = try NotifySocket()
            let config = FileManager.default.temporaryDirectory.appendingPathComponent("exporter-\(UUID().uuidString).env")
            try "EXPORTER_LOG_LEVEL=info\n".write(to: config, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: config) }
            var env = environment(services, tick: 3600, extra: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "2000000"])
            env["EXPORTER_LOG_LEVEL"] = nil // from the config file, so SIGHUP can change it
            let daemon = try ExporterProcess(["run", "--config", config.path], environment: env)

            var messages: [String] = []
            #expect(try await eventually(timeout: .seconds(30)) {
                messages += socket.receive()
                let lines = messages.flatMap { $0.split(separator: "\n").map(String.init) }
                return lines.contains("READY=1") && lines.contains("WATCHDOG=1")
                    && lines.contains { $0.hasPrefix("STATUS=last pass") }
            }, "\(messages)\n\(daemon.log)")
            // Nothing is due: the first pass ran nothing.
            #expect(try await runs(services).isEmpty)

            // SIGUSR1: a forced pass re-exports the latest completed window (the tick is an hour,
            // so only the signal can start it). The deadline only guards against a hang; how fast
            // is the benchmark's business, not this test's.
            daemon.signal(SIGUSR1)
            #expect(try await eventually(timeout: .seconds(30)) {
                try await runs(services).contains { $0.trigger == "signal" }
            }, "\(daemon.log)")
            #expect(try await eventually { try await runs(services).first?.status == "succeeded" })
            #expect(try await runs(services).map(\.window) == [yesterday])
            #expect(!daemon.log.contains("in this pass"), "debug lines are off at info level")

            // SIGHUP: the reloaded config turns on debug logging.
            try "EXPORTER_LOG_LEVEL=debug\n".write(to: config, atomically: true, encoding: .utf8)
            daemon.signal(SIGHUP)
            #expect(try await eventually(timeout: .seconds(10)) {
                messages += socket.receive()
                return messages.contains { $0.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") }
            }, "\(messages)")
            daemon.signal(SIGUSR1)
            // A pass's debug lines come once it has run: on a loaded machine a pass took 23 s.
            // Drain the socket while waiting: a datagram socket's queue is short (net.unix.max_dgram_qlen),
            // and once it is full of WATCHDOG=1 the daemon's STOPPING=1 would be dropped.
            #expect(try await eventually(timeout: .seconds(60)) {
                messages += socket.receive()
                return daemon.log.contains("in this pass")
            }, "\(daemon.log)")

            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit() == 0, "\(daemon.log)")
            messages += socket.receive()
            #expect(messages.flatMap { $0.split(separator: "\n") }.contains("STOPPING=1"), "\(messages)")
        }
    }

    /// Usage rows spread over `window` (a day; yesterday's by default), enough that exporting
    /// them takes a while.
    func seedYesterday(_ services: Services, tenant: String, rows: Int, window: ExportWindow? = nil) async throws {
        let start = (window ?? ExportWindow.latestDue(now: Self.clock(), grace: 0, interval: .daily)).start
        try await services.execute("""
            INSERT INTO feature_usage (id, tenant_id, environment_id, external_customer_id, event_name, "timestamp", qty_total, properties)
            SELECT \(tenant) || '-' || lpad(g::text, 8, '0'), \(tenant), '', 'customer-' || (g % 100), 'api_call',
                   to_timestamp(\(start) + g * 86399.0 / \(rows)), g / 3.0, jsonb_build_object('n', g, 'pad', repeat('x', 200))
            FROM generate_series(1, \(rows)) AS g
            """)
    }

    /// SIGTERM while a multipart upload is under way. The S3 proxy holds the second part
    /// unanswered, so the upload is certainly in flight when the signal comes, however fast the
    /// machine (polling moto for an open upload missed a whole 5 s run on a fast one).
    @Test func sigtermDuringAnUploadLeavesNoPartialObjectAndNoRunningRow() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await services.withProxy { proxy, url in
                let yesterday = ExportWindow.latestDue(now: Self.clock(), grace: 0, interval: .daily)
                let connection = try await services.newConnection(
                    syncConfig: { Services.syncConfig(bucket: $0, compression: .none, endpoint: url) },
                    seed: { try await seedYesterday(services, tenant: $0, rows: 40_000, window: yesterday) })
                proxy.hang(requestsContaining: "partNumber=2&")
                let daemon = try ExporterProcess(["run"], environment: environment(services, extra: [
                    "EXPORTER_SHUTDOWN_SECONDS": "0", "EXPORTER_S3_PART_SIZE_MB": "5",
                ]))
                let s3 = try services.s3(bucket: connection.bucket)
                let uploading = try await eventually(timeout: .seconds(120)) {
                    proxy.requests.contains { $0.hasPrefix("PUT ") && $0.contains("partNumber=2&") }
                }
                #expect(uploading, "the second part never went out:\n\(proxy.requests)\n\(daemon.log)")
                #expect(try await !s3.listMultipartUploads().isEmpty, "the upload is open while its part hangs")
                daemon.signal(SIGTERM)
                #expect(await daemon.waitForExit(timeout: .seconds(60)) == 0, "\(daemon.log)")
                let all = try await runs(services)
                #expect(!all.contains { $0.status == "running" }, "\(all)")
                #expect(all.first?.status == "failed")
                #expect(all.first?.errorCode == "shutdown")
                #expect(try await s3.listObjects().isEmpty, "no partial object is visible")
                #expect(try await s3.listMultipartUploads().isEmpty, "the multipart upload was aborted")
                #expect(proxy.requests.contains { $0.hasPrefix("DELETE ") && $0.contains("uploadId=") },
                        "the exporter aborted its upload: \(proxy.requests)")
            }
        }
    }

    @Test func twoDaemonsExportEachWindowExactlyOnce() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let yesterday = ExportWindow.latestDue(now: Self.clock(), grace: 0, interval: .daily)
            let entities: [EntityType] = [.featureUsage, .invoice, .customer]
            // Every window holds rows (a different number per connection and entity), so each run
            // takes a while and its result can be checked; an empty window would let one daemon
            // race through everything and prove nothing.
            let rowsPerWindow = 3_000
            var connections: [(connection: TestConnection, rows: [EntityType: Int])] = []
            for index in 0..<6 {
                var rows: [EntityType: Int] = [:]
                let connection = try await services.newConnection(
                    syncConfig: { Services.syncConfig(bucket: $0, entities: entities) },
                    seed: { tenant in
                        for (offset, entity) in entities.enumerated() {
                            let count = rowsPerWindow + 100 * index + offset
                            let (table, column) = switch entity {
                            case .featureUsage: ("feature_usage", "\"timestamp\"")
                            case .invoice: ("invoices", "updated_at")
                            default: ("customers", "updated_at")
                            }
                            try await services.execute(SQL(unsafeSQL: """
                                INSERT INTO \(table) (id, tenant_id, environment_id, \(column))
                                SELECT '\(tenant)-' || lpad(g::text, 6, '0'), '\(tenant)', '',
                                       to_timestamp(\(yesterday.start) + (g - 1) * 86399.0 / \(count))
                                FROM generate_series(1, \(count)) AS g
                                """))
                        }
                    })
                for (offset, entity) in entities.enumerated() { rows[entity] = rowsPerWindow + 100 * index + offset }
                connections.append((connection, rows))
            }
            let env = environment(services, extra: ["EXPORTER_MAX_CONCURRENCY": "2"])
            let a = try ExporterProcess(["run"], environment: env)
            let b = try ExporterProcess(["run"], environment: env)
            #expect(try await eventually(timeout: .seconds(180)) {
                try await runs(services).filter { $0.status == "succeeded" }.count >= 18
            }, "\(a.log)\n\(b.log)")
            try await Task.sleep(for: .seconds(3)) // more passes of both, which must export nothing again
            a.signal(SIGTERM)
            b.signal(SIGTERM)
            #expect(await a.waitForExit() == 0, "\(a.log)")
            #expect(await b.waitForExit() == 0, "\(b.log)")
            let all = try await runs(services)
            #expect(all.count == 18, "\(all)")
            #expect(Set(all.map { "\($0.connection) \($0.entity) \($0.window)" }).count == 18)
            #expect(all.allSatisfy { $0.status == "succeeded" && $0.window == yesterday }, "\(all)")

            // Both daemons did part of the work.
            var perWorker: [String: Int64] = [:]
            for row in try await services.postgres.query(
                "SELECT worker, count(*)::bigint FROM export_runs WHERE worker <> 'earlier-daemon' GROUP BY worker") {
                let (worker, count) = try row.decode((String, Int64).self)
                perWorker[worker] = count
            }
            #expect(perWorker.count == 2, "\(perWorker)")
            #expect(perWorker.values.allSatisfy { $0 > 0 }, "\(perWorker)")
            #expect(perWorker.values.reduce(0, +) == 18, "\(perWorker)")

            // Each window exported once, with all of its rows: one run row, one data object and
            // one manifest per (connection, entity), the object holding exactly the seeded ids.
            let day = Timestamp.rfc3339(seconds: yesterday.start).prefix(10).replacingOccurrences(of: "-", with: "/")
            for (connection, rows) in connections {
                let history = try await services.runs(connection: connection.id)
                let s3 = try services.s3(bucket: connection.bucket)
                for entity in entities {
                    let expected = try #require(rows[entity])
                    let entityRuns = history.filter { $0.entity == entity.rawValue }
                    #expect(entityRuns.map(\.rowCount) == [Int64(expected)] as [Int64?], "\(connection.id) \(entity)")
                    let prefix = "exports/test/\(entity.rawValue)/\(day)/"
                    #expect(try await s3.listObjects(prefix: prefix).count == 2, "\(prefix): data object and manifest")
                    let key = prefix + "\(entity.rawValue)_\(yesterday.compactStart)_\(yesterday.compactEnd).csv.gz"
                    let object = try await services.fetch(bucket: connection.bucket, key: key, gzip: true)
                    let ids = try parse(object.text, format: .csv, columns: DesignEntityTable.of(entity).columns)
                        .compactMap { $0["id"] ?? nil }
                    #expect(ids == (1...expected).map { connection.tenant + "-" + String(format: "%06d", $0) }, "\(key)")
                }
            }
        }
    }

    @Test func aKilledDaemonsWindowIsExportedAgainAfterARestart() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            try await services.withProxy { proxy, url in
                let yesterday = ExportWindow.latestDue(now: Self.clock(), grace: 0, interval: .daily)
                let connection = try await services.newConnection(
                    syncConfig: { Services.syncConfig(bucket: $0, compression: .none, endpoint: url) },
                    seed: { try await seedYesterday(services, tenant: $0, rows: 40_000, window: yesterday) })
                let parts = ["EXPORTER_S3_PART_SIZE_MB": "5"]
                // Kill it in the middle of a multipart upload: the proxy holds its second part.
                proxy.hang(requestsContaining: "partNumber=2&")
                let first = try ExporterProcess(["run"], environment: environment(services, extra: parts))
                let s3 = try services.s3(bucket: connection.bucket)
                #expect(try await eventually(timeout: .seconds(120)) {
                    proxy.requests.contains { $0.hasPrefix("PUT ") && $0.contains("partNumber=2&") }
                }, "\(first.log)")
                #expect(try await !s3.listMultipartUploads().isEmpty, "the upload is open")
                first.signal(SIGKILL)
                _ = await first.waitForExit()
                proxy.stopHanging()

                let second = try ExporterProcess(["run"], environment: environment(services, extra: parts))
                #expect(try await eventually(timeout: .seconds(180)) {
                    try await runs(services).contains { $0.status == "succeeded" }
                }, "\(second.log)")
                second.signal(SIGTERM)
                #expect(await second.waitForExit() == 0, "\(second.log)")
                let all = try await runs(services)
                #expect(all.map(\.status) == ["abandoned", "succeeded"], "\(all)")
                #expect(Set(all.map(\.window)).count == 1)
                let key = "exports/test/feature_usage/" + Timestamp.rfc3339(seconds: all[0].window.start).prefix(10)
                    .replacingOccurrences(of: "-", with: "/") + "/"
                #expect(try await s3.listObjects(prefix: key).count == 2, "data object and manifest")
                #expect(try await s3.listMultipartUploads().isEmpty,
                        "the killed daemon's open upload was aborted by the re-run")
            }
        }
    }
}
