import ExporterCore
import ExporterEngine
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
        let client = PostgresClient(configuration: try .init(databaseURL: url, maxConnections: 1), backgroundLogger: TestServices.logger)
        return try await withThrowingTaskGroup(of: Bool?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            group.addTask {
                try await Deadline(seconds: 10) {
                    try await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: TestServices.logger)
                        .decode(Bool.self).first { _ in true } ?? false
                }
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            return false
        }
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
