import AsyncHTTPClient
import CompressNIO
import ExporterCore
import ExporterSource
import ExporterEngine
import ExporterRunHistory
import ExporterSink
import ExporterSystem
import Foundation
import Logging
import NIOCore
import ExporterDatabase
import SigV4
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real PostgreSQL and moto S3 server that `scripts/test.sh` starts on loopback.
///
/// Each test works in its own tenant, connection and bucket (named from a fresh UUID), so tests
/// run in parallel against the same servers without seeing each other's rows or objects.
enum TestServices {
    static let databaseURL = ProcessInfo.processInfo.environment["EXPORTER_TEST_DATABASE_URL"]
    static let s3Endpoint = ProcessInfo.processInfo.environment["EXPORTER_TEST_S3_ENDPOINT"]
    /// Whether the integration suites run. Without the services they are skipped on a developer's
    /// machine, but under CI (`CI` set) a missing service must fail, never skip: then this is true,
    /// so a suite still using `.enabled(if: TestServices.available)` runs and fails on its first
    /// `#require` of a service. New suites use ``needsServices(_:)``, which names what is missing.
    static var available: Bool { (databaseURL != nil && s3Endpoint != nil) || isCI }
    /// Whether this is a CI run: `CI` set to anything but empty, `0` or `false` (GitHub Actions,
    /// GitLab and most others set `CI=true`).
    static var isCI: Bool {
        guard let value = ProcessInfo.processInfo.environment["CI"] else { return false }
        return !["", "0", "false"].contains(value.lowercased())
    }
    /// The variables `scripts/with-services.sh` exports for every integration suite.
    static let serviceVariables = ["EXPORTER_TEST_DATABASE_URL", "EXPORTER_TEST_S3_ENDPOINT"]

    /// Whether the services (and the `extra` variables) are there: false skips the suite on a
    /// developer's machine; under CI a missing one throws, which fails the suite's tests.
    static func servicesPresent(needing extra: [String] = []) throws -> Bool {
        let environment = ProcessInfo.processInfo.environment
        let missing = (serviceVariables + extra).filter { environment[$0]?.isEmpty ?? true }
        if missing.isEmpty { return true }
        if isCI { throw MissingServices(variables: missing) }
        if missing.contains(where: serviceVariables.contains) { _ = skipNotice }
        return false
    }

    /// Said once per test process (a `static let` runs its initializer once), the first time a
    /// suite is skipped for want of the services: a plain `swift test` otherwise passes with the
    /// integration suites quietly skipped, which reads like they passed.
    static let skipNotice: Void = {
        let missing = serviceVariables.filter { ProcessInfo.processInfo.environment[$0]?.isEmpty ?? true }
        let text = """

            ************************************************************************************
            warning: the integration suites are SKIPPED: \(missing.joined(separator: " and ")) not set,
            so nothing runs against PostgreSQL or S3. Run every suite with the services:
                scripts/test.sh                        (starts PostgreSQL and moto, runs swift test)
                scripts/with-services.sh swift test    (the same; any arguments of swift test)
            ************************************************************************************

            """
        FileHandle.standardError.write(Data(text.utf8))
    }()

    /// The trait every integration suite carries: run with the services; skip without them,
    /// except under CI, where their absence is a failure naming the missing variables.
    static func needsServices(_ extra: String...) -> ConditionTrait {
        .enabled("needs scripts/test.sh (PostgreSQL + moto)") { try servicesPresent(needing: extra) }
    }
    /// A second PostgreSQL server, which only the restart test uses (and restarts).
    static let restartableDatabaseURL = ProcessInfo.processInfo.environment["EXPORTER_TEST_RESTARTABLE_DATABASE_URL"]
    /// A command that restarts the second server.
    static let restartPostgres = ProcessInfo.processInfo.environment["EXPORTER_TEST_RESTART_POSTGRES"]
    static let encryptionKey = "integration-test-encryption-key"
    static let accessKey = "AKIAINTEGRATIONTEST"
    static let secretKey = "integrationSecretKeyDoNotPrint"

    /// The log of the exporter code these tests run in process (engines, pools, migrations).
    /// The faults the tests inject make it log errors on purpose, dozens per run of the suites,
    /// which among the results would hide a real one: its lines go to a file of this process
    /// (EXPORTER_TEST_LOG, or one in the temporary folder), at info, for the context of a
    /// failure, and the file is named once on standard error. The binaries the tests start keep
    /// their own output, which each test reads and shows when it fails.
    static let logger: Logger = {
        let path = ProcessInfo.processInfo.environment["EXPORTER_TEST_LOG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("flexprice-exporter-tests-\(getpid()).log").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            FileHandle.standardError.write(Data("integration tests: cannot open \(path) for the log; logging warnings here\n".utf8))
            return Logger(label: "integration-tests") { TextLogHandler(label: $0, level: DynamicLogLevel(.warning)) }
        }
        FileHandle.standardError.write(Data(
            "integration tests: the in-process exporter log (errors of injected faults included) is in \(path)\n".utf8))
        return Logger(label: "integration-tests") { label in
            TextLogHandler(label: label, level: DynamicLogLevel(.info), sink: { line in
                // One write(2) per line, appended: lines of concurrent tests do not interleave.
                var line = line
                line.withUTF8 { _ = write(descriptor, $0.baseAddress, $0.count) }
            })
        }
    }()

    /// The repository root, to read the SQL fixture.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `body` with a running PostgreSQL client, an HTTP client, the FlexPrice schema and
    /// the exporter's migrations in place.
    /// - Parameter server: the server's DATABASE_URL; the shared test server by default.
    static func with<T: Sendable>(freshDatabase: Bool = false, server: String? = databaseURL,
                                  _ body: @Sendable @escaping (Services) async throws -> T) async throws -> T {
        var target = try TestDatabaseURL.parse(try #require(server, "run the tests with scripts/test.sh"))
        if freshDatabase {
            // A daemon exports every connection in its database: give it one of its own.
            target.database = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
            try await createDatabase(target.database, server: target)
        }
        let url = target
        let postgres = DatabasePool(url: url.databaseURL, logger: logger)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let services = Services(postgres: postgres, http: http, databaseURL: url)
            try await services.prepareSchema()
            let result = try await body(services)
            await postgres.shutdown()
            try await http.shutdown()
            return result
        } catch {
            await postgres.shutdown()
            try? await http.shutdown()
            throw error
        }
    }
}

/// Raised under CI when an integration suite's services are not running: a skip there would
/// pass a build that tested nothing.
struct MissingServices: Error, CustomStringConvertible {
    let variables: [String]
    var description: String {
        "CI is set but \(variables.joined(separator: ", ")) \(variables.count == 1 ? "is" : "are") not: "
            + "run the tests with scripts/test.sh (it starts PostgreSQL and moto)"
    }
}

extension TestServices {
    /// CREATE DATABASE on the server of `server`.
    static func createDatabase(_ name: String, server: TestDatabaseURL) async throws {
        var url = server
        url.database = try TestDatabaseURL.parse(try #require(databaseURL)).database
        let admin = DatabasePool(url: url.databaseURL, maxIdle: 1, logger: logger)
        _ = try await admin.query(SQL(unsafeSQL: "CREATE DATABASE \"\(name)\""))
        await admin.shutdown()
    }
}

/// Helpers over the live services.
struct Services: Sendable {
    let postgres: DatabasePool
    let http: HTTPClient
    /// The database these helpers use, as a DATABASE_URL for the exporter binary.
    let databaseURL: TestDatabaseURL

    var databaseURLString: String { databaseURL.text }

    /// Creates the FlexPrice tables (db/flexprice-schema.sql) and export_runs, once per database;
    /// an advisory lock serialises tests that start together.
    func prepareSchema() async throws {
        try await runSQLFile("db/flexprice-schema.sql", lock: 42)
        try await Migrations(client: postgres, logger: TestServices.logger).run()
    }

    /// Runs a SQL file of the repository (statements end with `;` at a line's end; `--` lines are
    /// comments) in one transaction, under advisory lock `lock`, which serialises tests that
    /// start together.
    func runSQLFile(_ path: String, lock: Int64) async throws {
        let sql = try String(contentsOf: TestServices.repositoryRoot.appendingPathComponent(path), encoding: .utf8)
        let statements = sql.components(separatedBy: ";\n")
            .map { $0.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }.joined(separator: "\n") }
            .filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        try await postgres.transaction { connection in
            _ = try await connection.query("SELECT pg_advisory_xact_lock(\(lock))")
            for statement in statements {
                _ = try await connection.query(SQL(unsafeSQL: statement))
            }
        }
    }

    func execute(_ query: SQL) async throws {
        try await postgres.query(query)
    }

    /// `rows` usage events of `tenant`, one every `seconds` from `start` (ids `tenant-0`, `tenant-1`, ...;
    /// `qty_total` the index).
    func seedUsage(tenant: String, rows: Int, from start: Int64, every seconds: Int64) async throws {
        try await execute("""
            INSERT INTO feature_usage (id, tenant_id, environment_id, event_name, "timestamp", qty_total)
            SELECT \(tenant) || '-' || g, \(tenant), '', 'api_call', to_timestamp(\(start) + g * \(seconds)), g
            FROM generate_series(0, \(rows) - 1) AS g
            """)
    }

    /// An S3 client for `bucket` on moto, with the test credentials.
    func s3(bucket: String) throws -> S3Client {
        let endpoint = try S3Endpoint(bucket: bucket, region: "us-east-1", endpointURL: TestServices.s3Endpoint,
                                      virtualHostStyle: false)
        return S3Client(endpoint: endpoint,
                        credentials: AWSCredentials(accessKeyID: TestServices.accessKey, secretAccessKey: TestServices.secretKey),
                        http: http, logger: TestServices.logger, maxAttempts: 2)
    }

    func createBucket(_ bucket: String) async throws {
        _ = try await s3(bucket: bucket).send("PUT", key: nil)
    }

    /// Inserts an S3 connection whose credentials are encrypted with `encryptionKey`.
    func insertConnection(id: String, tenant: String, environment: String, syncConfig: String,
                          encryptionKey: String = TestServices.encryptionKey, nested: Bool = false) async throws {
        let box = SecretBox(encryptionKey: encryptionKey)
        let secrets: [String: String] = [
            "aws_access_key_id": box.encrypt(TestServices.accessKey),
            "aws_secret_access_key": box.encrypt(TestServices.secretKey),
        ]
        let shaped: [String: Any] = nested ? ["s3": secrets] : secrets
        let json = String(decoding: try JSONSerialization.data(withJSONObject: shaped), as: UTF8.self)
        try await execute("""
            INSERT INTO connections (id, tenant_id, environment_id, name, provider_type, encrypted_secret_data, sync_config, status)
            VALUES (\(id), \(tenant), \(environment), 'test', 's3', \(json)::jsonb, \(syncConfig)::jsonb, 'published')
            """)
    }

    /// A `sync_config` for moto.
    static func syncConfig(bucket: String, format: ExportFormat = .csv, compression: CompressionSetting = .gzip,
                           entities: [EntityType] = [.featureUsage], extra: String = "",
                           endpoint: String? = TestServices.s3Endpoint) -> String {
        let list = entities.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        return """
            {"s3": {"bucket": "\(bucket)", "region": "us-east-1", "key_prefix": "exports/test",
             "endpoint_url": "\(endpoint ?? "")", "compression": "\(compression.rawValue)",
             "encryption": "AES256", "interval": "daily", "format": "\(format.rawValue)",
             "entity_types": [\(list)], "sync_active": true\(extra)}}
            """
    }

    func engine(encryptionKey: String = TestServices.encryptionKey, partSize: Int = 8 * 1024 * 1024,
                batchSize: Int = 10_000) -> ExportEngine {
        ExportEngine(postgres: postgres, secretBox: SecretBox(encryptionKey: encryptionKey), logger: TestServices.logger,
                     makeSink: ExportEngine.s3Sinks(http: http, logger: TestServices.logger, maxAttempts: 2, partSize: partSize),
                     batchSize: batchSize)
    }

    /// An object's bytes, gunzipped when `gzip`.
    func fetch(bucket: String, key: String, gzip: Bool) async throws -> (raw: ByteBuffer, text: String, headers: [String: String]) {
        let response = try await s3(bucket: bucket).getObject(key: key)
        var body = response.body
        let raw = body
        if gzip { body = try body.decompress(with: .gzip) }
        var headers: [String: String] = [:]
        for (name, value) in response.headers { headers[name.lowercased()] = value }
        return (raw, String(buffer: body), headers)
    }

    /// The export_runs rows of a connection, oldest first.
    func runs(connection: String) async throws -> [RunRow] {
        let rows = try await postgres.query("""
            SELECT id, entity_type, status, row_count, bytes_raw, bytes_uploaded, object_count, manifest_key,
                   object_url, sha256, error_code, error_message, "trigger", attempt,
                   started_at, finished_at, window_start, window_end, flexprice_task_id
            FROM export_runs WHERE connection_id = \(connection) ORDER BY id
            """)
        var result: [RunRow] = []
        for row in rows {
            let (id, entity, status, rowCount, bytesRaw, bytesUploaded, objectCount, manifestKey, objectURL, sha, code, message, trigger, attempt,
                 started, finished, windowStart, windowEnd, task)
                = try row.decode((Int64, String, String, Int64?, Int64?, Int64?, Int?, String?, String?, String?, String?, String?, String, Int,
                                  Date, Date?, Date, Date, String?).self)
            result.append(RunRow(id: id, entity: entity, status: status, rowCount: rowCount, bytesRaw: bytesRaw,
                                 bytesUploaded: bytesUploaded, objectCount: objectCount, manifestKey: manifestKey,
                                 objectURL: objectURL, sha256: sha, errorCode: code, errorMessage: message,
                                 trigger: trigger, attempt: attempt, startedAt: started, finishedAt: finished,
                                 windowStart: windowStart, windowEnd: windowEnd, taskID: task))
        }
        return result
    }
}

/// One `connection_problems` row.
struct ProblemRow: Sendable {
    let code: String
    let message: String
    let resolved: Bool
    let firstSeenAt: Date
    let lastSeenAt: Date
}

extension Services {
    /// The `connection_problems` rows of a connection, oldest first.
    func problems(connection: String) async throws -> [ProblemRow] {
        try await postgres.query("""
            SELECT error_code, error_message, resolved_at IS NOT NULL, first_seen_at, last_seen_at
            FROM connection_problems WHERE connection_id = \(connection) ORDER BY id
            """).map { row in
            let (code, message, resolved, first, last) = try row.decode((String, String, Bool, Date, Date).self)
            return ProblemRow(code: code, message: message, resolved: resolved, firstSeenAt: first, lastSeenAt: last)
        }
    }
}

struct RunRow: Sendable {
    let id: Int64
    let entity: String
    let status: String
    let rowCount: Int64?
    let bytesRaw: Int64?
    let bytesUploaded: Int64?
    let objectCount: Int?
    let manifestKey: String?
    let objectURL: String?
    let sha256: String?
    let errorCode: String?
    let errorMessage: String?
    let trigger: String
    let attempt: Int
    let startedAt: Date
    let finishedAt: Date?
    let windowStart: Date
    let windowEnd: Date
    /// `flexprice_task_id`: the FlexPrice task mirroring the run (EXPORTER_FLEXPRICE_TASKS).
    let taskID: String?
}

/// A test's own tenant, bucket and connection.
struct TestConnection: Sendable {
    let tenant: String
    let environment: String
    let bucket: String
    let id: String
}

extension Services {
    /// Makes a fresh tenant and bucket, runs `seed` with the tenant, then stores an S3 connection
    /// for them whose `sync_config` is `syncConfig(bucket)`.
    func newConnection(
        environment: String = "", encryptionKey: String = TestServices.encryptionKey, nested: Bool = false,
        syncConfig: (String) -> String = { Services.syncConfig(bucket: $0) },
        seed: (String) async throws -> Void = { _ in }
    ) async throws -> TestConnection {
        let connection = TestConnection(tenant: uniqueName("tenant"), environment: environment,
                                        bucket: uniqueName("bucket"), id: uniqueName("conn"))
        try await createBucket(connection.bucket)
        try await seed(connection.tenant)
        try await insertConnection(id: connection.id, tenant: connection.tenant, environment: environment,
                                   syncConfig: syncConfig(connection.bucket), encryptionKey: encryptionKey, nested: nested)
        return connection
    }
}

/// A fresh identifier for a test's tenant, connection and bucket.
func uniqueName(_ prefix: String) -> String {
    prefix + "-" + UUID().uuidString.lowercased().prefix(12)
}
