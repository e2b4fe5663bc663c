import ExporterCore
import ExporterEngine
import ExporterSource
import Foundation
import Logging
import PostgresNIO
import Testing

/// TLS to PostgreSQL (issue 5): sslmode=disable, require and verify-full are honoured, as the
/// server itself reports (pg_stat_ssl).
@Suite(.enabled(if: TestServices.available && ProcessInfo.processInfo.environment["EXPORTER_TEST_SSL_ROOT_CERT"] != nil, "needs scripts/test.sh (PostgreSQL + moto)"))
struct PostgresTLSTests {
    static let rootCert = ProcessInfo.processInfo.environment["EXPORTER_TEST_SSL_ROOT_CERT"]

    /// Whether a session over `url` is encrypted, from the server's own view (pg_stat_ssl).
    func sessionUsesTLS(_ url: DatabaseURL) async throws -> Bool {
        let pool = try DatabasePool(databaseURL: url, maxIdle: 1, logger: TestServices.logger)
        defer { Task { await pool.shutdown() } }
        return try await pool.rows("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: TestServices.logger)
            .first?.decode(Bool.self) ?? false
    }

    @Test func sslModesAreHonoured() async throws {
        var url = try DatabaseURL.parse(try #require(TestServices.databaseURL))
        url.sslMode = .disable
        #expect(try await sessionUsesTLS(url) == false)
        url.sslMode = .require
        #expect(try await sessionUsesTLS(url) == true)
        url.sslMode = .verifyFull
        url.sslRootCert = try #require(Self.rootCert)
        #expect(try await sessionUsesTLS(url) == true)
        // verify-full against a CA that did not sign the server's certificate is refused.
        url.sslRootCert = nil
        await #expect(throws: (any Error).self) { try await sessionUsesTLS(url) }
    }
}

/// Fails a test step that hangs instead of letting it hang the suite.
func Deadline<T: Sendable>(seconds: Int, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw ExportError.network("no answer in \(seconds) s") }
        return value
    }
}
