import AsyncHTTPClient
@testable import ExporterClickHouse
import ExporterCore
import Logging
import NIOCore
import Testing

/// The request the client sends, and which failures it retries, without a server.
struct ClickHouseClientTests {
    static let url = ClickHouseURL(scheme: .https, host: "ch.internal", port: 8443, user: "exporter", password: "s3cr3t-pw",
                                   database: "flexprice")

    @Test func theRequestBindsValuesAndKeepsTheCredentialsInHeaders() throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { try? http.syncShutdown() }
        let client = ClickHouseClient(url: Self.url, http: http, logger: Logger(label: "test"))
        let request = client.makeRequest("SELECT 1 WHERE x = {t:String}", parameters: [.init("t", "a b&c\\d")], queryID: "flexprice-exporter-7")
        #expect(request.url == "https://ch.internal:8443/?database=flexprice&query_id=flexprice-exporter-7"
            + "&cancel_http_readonly_queries_on_client_close=1&param_t=a%20b%26c%5C%5Cd")
        #expect(request.method == .POST)
        #expect(request.headers.first(name: "X-ClickHouse-User") == "exporter")
        #expect(request.headers.first(name: "X-ClickHouse-Key") == "s3cr3t-pw")
        #expect(!request.url.contains("s3cr3t"))
    }

    @Test func onlyServerErrorsARetryCanChangeAreRetried() {
        let server = "ch:8123"
        #expect(ClickHouseClient.isRetryable(.refused(server: server, status: 503, code: nil, message: "")))
        #expect(ClickHouseClient.isRetryable(.refused(server: server, status: 500, code: 241, message: "memory")))
        #expect(!ClickHouseClient.isRetryable(.refused(server: server, status: 500, code: 47, message: "unknown identifier")))
        #expect(!ClickHouseClient.isRetryable(.refused(server: server, status: 404, code: 60, message: "unknown table")))
        #expect(!ClickHouseClient.isRetryable(.authentication(server: server, code: 516, message: "")))
        #expect(!ClickHouseClient.isRetryable(.midStream(server: server, code: 241, message: "")))
    }

    @Test func errorsNameTheSettingAndNeverTheCredentials() {
        let auth = ClickHouseError.authentication(server: "ch:8123", code: 516, message: "Code: 516. DB::Exception: default: Authentication failed")
        #expect(auth.description.contains("EXPORTER_CLICKHOUSE_PASSWORD"))
        #expect(auth.exportError.code == "database")
        #expect(ClickHouseError.unreachable(server: "ch:8123", reason: "connection refused").exportError.code == "network")
        #expect(!Self.url.description.contains("s3cr3t"))
    }
}
