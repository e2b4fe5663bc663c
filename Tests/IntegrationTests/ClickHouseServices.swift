import AsyncHTTPClient
import ExporterClickHouse
import ExporterCore
import ExporterEngine
import Foundation
import NIOCore
import Testing

/// The ClickHouse engine the tests read usage from: chDB (ClickHouse 26.9) behind
/// scripts/clickhouse-front.py, which scripts/with-services.sh starts on loopback.
enum TestClickHouse {
    static let url = ProcessInfo.processInfo.environment["EXPORTER_TEST_CLICKHOUSE_URL"]
    static let password = ProcessInfo.processInfo.environment["EXPORTER_TEST_CLICKHOUSE_PASSWORD"]
    /// The front's test-only control API (faults, query log).
    static let control = ProcessInfo.processInfo.environment["EXPORTER_TEST_CLICKHOUSE_CONTROL"]

    /// The server as the exporter's settings would name it, optionally another database.
    static func settingsURL(database: String? = nil, password: String? = nil) throws -> ClickHouseURL {
        var url = try ClickHouseURL.parse(try #require(Self.url, "run the tests with scripts/with-services.sh"))
        if let database { url.database = database }
        if let password { url.password = password }
        return url
    }
}

extension Services {
    func clickHouse(database: String? = nil, password: String? = nil) throws -> ClickHouseClient {
        ClickHouseClient(url: try TestClickHouse.settingsURL(database: database, password: password), http: http,
                         logger: TestServices.logger, maxAttempts: 2)
    }

    /// An engine reading usage from the test ClickHouse (`database` instead of `flexprice` when given).
    func clickHouseEngine(database: String? = nil, batchSize: Int = 1_000) throws -> ExportEngine {
        ExportEngine(postgres: postgres, secretBox: SecretBox(encryptionKey: TestServices.encryptionKey), logger: TestServices.logger,
                     makeSink: ExportEngine.s3Sinks(http: http, logger: TestServices.logger, maxAttempts: 2, partSize: 5 * 1024 * 1024),
                     batchSize: batchSize, files: ExportFileOptions(ExporterSettings(), version: "9.8.7", build: "chtest"),
                     clickHouse: try clickHouse(database: database))
    }

    /// Runs one statement on the test ClickHouse and returns its text answer.
    @discardableResult
    func clickHouseSQL(_ sql: String, _ parameters: [ClickHouseClient.Parameter] = []) async throws -> String {
        try await clickHouse().text(sql, parameters: parameters)
    }

    /// Inserts `rows` (JSON objects) into `table` with ClickHouse's own JSONEachRow reader.
    func insertClickHouse(_ table: String, _ rows: [[String: Any]]) async throws {
        let lines = try rows.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
        try await clickHouseSQL("INSERT INTO \(table) FORMAT JSONEachRow\n" + lines.joined(separator: "\n"))
    }

    /// The front's test-only control API.
    func frontControl(_ method: String, _ path: String, body: [String: Any]? = nil) async throws -> Any {
        var request = HTTPClientRequest(url: try #require(TestClickHouse.control) + path)
        request.method = .init(rawValue: method)
        if let body {
            let data = try JSONSerialization.data(withJSONObject: body)
            request.body = .bytes(ByteBuffer(bytes: data))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        try #require(response.status == .ok, "front \(method) \(path): \(response.status) \(String(buffer: bytes))")
        return try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView), options: [.fragmentsAllowed])
    }

    /// The front's query log for query ids containing `match`, oldest first.
    func frontQueries(_ match: String) async throws -> [[String: Any]] {
        let escaped = match.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? match
        return try #require(try await frontControl("GET", "/queries?match=\(escaped)") as? [[String: Any]])
    }
}
