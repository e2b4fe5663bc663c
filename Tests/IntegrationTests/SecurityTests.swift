import ExporterCore
import ExporterEngine
import Foundation
import ExporterDatabase
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Tenants and secrets kept apart (issue 5): every export holds exactly its own tenant's and
/// environment's rows, hostile identifiers are bound as parameters, and no secret reaches the
/// logs (even at trace level), the run history, error messages or process arguments.
@Suite(TestServices.needsServices())
struct SecurityTests {
    static let window = ExportWindow(start: 1_795_132_800, end: 1_795_219_200) // 2026-11-20 .. 21

    /// A small deterministic generator, so a failure can be reproduced from the printed seed.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func everyExportHoldsExactlyItsOwnTenantsAndEnvironmentsRows(seed: UInt64) async throws {
        try await TestServices.with(freshDatabase: true) { services in
            var random = SplitMix64(state: seed)
            // Hostile identifiers: quotes, semicolons, SQL keywords, unicode.
            let run = uniqueName("r")
            let tenants = ["\(run)-t'; DROP TABLE feature_usage; --", "\(run)-\"t2\" OR 1=1", "\(run)-t3 ünï"]
            let environments = ["live", "test'; SELECT pg_sleep(10); --"]
            var expected: [String: Set<String>] = [:]
            var values: [String] = []
            for i in 0..<300 {
                let tenant = tenants[Int.random(in: 0..<3, using: &random)]
                let environment = environments[Int.random(in: 0..<2, using: &random)]
                let inWindow = Int.random(in: 0..<10, using: &random) > 0
                let id = "\(run)-\(i)"
                let at = inWindow ? "2026-11-20T\(String(format: "%02d", i % 24)):00:00Z" : "2026-11-21T01:00:00Z"
                if inWindow { expected[tenant + "|" + environment, default: []].insert(id) }
                values.append("(\(quote(id)), \(quote(tenant)), \(quote(environment)), \(quote(at)))")
            }
            try await services.execute(SQL(unsafeSQL:
                "INSERT INTO feature_usage (id, tenant_id, environment_id, \"timestamp\") VALUES " + values.joined(separator: ", ")))
            var connections: [(String, String, String)] = []
            for tenant in tenants {
                for environment in environments {
                    let bucket = uniqueName("bucket")
                    let id = uniqueName("conn")
                    try await services.createBucket(bucket)
                    try await services.insertConnection(id: id, tenant: tenant, environment: environment,
                                                        syncConfig: Services.syncConfig(bucket: bucket, compression: .none))
                    connections.append((id, tenant + "|" + environment, bucket))
                }
            }
            let reports = try await services.engine().exportWindow(Self.window, connectionID: nil, entities: nil)
            #expect(reports.count == 6)
            #expect(reports.filter(\.failed).isEmpty, "\(reports)")
            for (_, scope, bucket) in connections {
                let key = "exports/test/feature_usage/2026/11/20/feature_usage_20261120T000000Z_20261121T000000Z.csv"
                let object = try await services.fetch(bucket: bucket, key: key, gzip: false)
                let rows = try parse(object.text, format: .csv, columns: EntityType.featureUsage.columns)
                #expect(Set(rows.compactMap { $0["id"] ?? nil }) == expected[scope, default: []], "seed \(seed), \(scope)")
                #expect(rows.allSatisfy { (($0["tenant_id"] ?? nil) ?? "") + "|" + (($0["environment_id"] ?? nil) ?? "") == scope })
            }
            // The hostile strings were data, never SQL: the table is still there.
            let count = try await services.postgres.query("SELECT count(*)::bigint FROM feature_usage").first?.decode(Int64.self)
            #expect(count == 300)
        }
    }

    func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    @Test func noSecretInTraceLogsRunHistoryOrArguments() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let good = try await services.newConnection(seed: { tenant in
                try await services.execute("""
                    INSERT INTO feature_usage (id, tenant_id, environment_id, "timestamp") VALUES (\(tenant + "-1"), \(tenant), '', '2026-11-20T10:00:00Z')
                    """)
            })
            let wrongKey = try await services.newConnection(encryptionKey: "the-other-encryption-key")
            let environment = [
                "DATABASE_URL": services.databaseURLString, "FLEXPRICE_SECRETS_ENCRYPTION_KEY": TestServices.encryptionKey,
                "EXPORTER_LOG_LEVEL": "trace",
            ]
            let sync = try ExporterProcess(["sync", "--from", "2026-11-20", "--to", "2026-11-21"], environment: environment)
            #expect(await sync.waitForExit() == 1, "the wrong-key connection fails")
            let json = try ExporterProcess(["sync", "--from", "2026-11-20", "--to", "2026-11-21", "--connection", good.id],
                                           environment: environment.merging(["EXPORTER_LOG_FORMAT": "json"]) { $1 })
            #expect(await json.waitForExit() == 0, "\(json.log)")
            let password = try #require(services.databaseURL.password)
            let secrets = [TestServices.accessKey, TestServices.secretKey, TestServices.encryptionKey, "the-other-encryption-key",
                           ":\(password)@"]
            var history = ""
            for row in try await services.postgres.query("""
                SELECT export_runs::text FROM export_runs UNION ALL SELECT connection_problems::text FROM connection_problems
                """) {
                history += try row.decode(String.self) + "\n"
            }
            #expect(history.contains(wrongKey.id))
            #expect(history.contains("could not be decrypted"))
            // Trace logging was on: the debug lines are there (the DATABASE_URL one among them),
            // so the absence of secrets below means something.
            #expect(sync.log.contains(" debug "), "\(sync.log)")
            let redacted = "url=postgres://\(services.databaseURL.username):***@\(services.databaseURL.host):"
                + "\(services.databaseURL.port)/\(services.databaseURL.database)?sslmode=disable"
            #expect(sync.log.contains(redacted), "DATABASE_URL is logged, redacted: \(sync.log)")
            #expect(json.log.contains(#""level":"debug""#), "\(json.log)")
            for secret in secrets {
                #expect(!sync.log.contains(secret), "\(secret) in the trace log")
                #expect(!json.log.contains(secret), "\(secret) in the JSON log")
                #expect(!history.contains(secret), "\(secret) in export_runs")
            }
        }
    }

    /// What `ps` shows of a running daemon: its arguments (/proc/PID/cmdline) and, when the
    /// secrets come from `--config` as the README says, its environment (/proc/PID/environ) hold
    /// no secret, while the daemon is demonstrably using them (it exports).
    @Test func aRunningDaemonShowsNoSecretInItsArgumentsOrEnvironment() async throws {
        try await TestServices.with(freshDatabase: true) { services in
            let connection = try await services.newConnection()
            let config = FileManager.default.temporaryDirectory.appendingPathComponent("exporter-\(UUID().uuidString).env")
            try """
                DATABASE_URL=\(services.databaseURLString)
                FLEXPRICE_SECRETS_ENCRYPTION_KEY=\(TestServices.encryptionKey)
                EXPORTER_GRACE_SECONDS=0
                EXPORTER_TICK_SECONDS=1
                EXPORTER_LOG_LEVEL=debug

                """.write(to: config, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: config) }
            let daemon = try ExporterProcess(["run", "--config", config.path], environment: [:])
            // It read the secrets from the file and used them: yesterday's window was exported.
            #expect(try await eventually(timeout: .seconds(60)) {
                try await services.runs(connection: connection.id).contains { $0.status == "succeeded" }
            }, "\(daemon.log)")
            try #require(daemon.process.isRunning, "\(daemon.log)")

            let cmdline = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(daemon.pid)/cmdline"))
            let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(daemon.pid)/environ"))
            try #require(daemon.process.isRunning, "the pid read was still the daemon's")
            let arguments = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            let binary = try #require(ExporterProcess.binary)
            #expect(arguments == [binary.path, "run", "--config", config.path])
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            #expect(!variables.isEmpty)
            let password = try #require(services.databaseURL.password)
            for secret in [TestServices.encryptionKey, TestServices.accessKey, TestServices.secretKey, ":\(password)@"] {
                #expect(!arguments.contains { $0.contains(secret) }, "\(secret) in /proc/PID/cmdline")
                #expect(!variables.contains { $0.contains(secret) }, "\(secret) in /proc/PID/environ")
            }
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit() == 0, "\(daemon.log)")
            for secret in [TestServices.encryptionKey, TestServices.accessKey, TestServices.secretKey, ":\(password)@"] {
                #expect(!daemon.log.contains(secret), "\(secret) in the daemon's debug log")
            }
        }
    }
}
