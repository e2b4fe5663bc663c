import ExporterCore
import ExporterEngine
import ExporterSource
import Foundation
import Logging
import PostgresNIO
import Testing

/// TLS to PostgreSQL (issue 5): sslmode=disable, require and verify-full are honoured, as the
/// server itself reports (pg_stat_ssl).
@Suite(TestServices.needsServices("EXPORTER_TEST_SSL_ROOT_CERT"))
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
    }

    /// The reason a connection failed, as the exporter reports it (PostgresErrorText), from the
    /// pool the exporter uses.
    func connectionFailure(_ url: DatabaseURL) async throws -> String {
        do {
            _ = try await sessionUsesTLS(url)
        } catch {
            return PostgresErrorText.describe(error)
        }
        Issue.record("connecting to \(url) succeeded; it must be refused")
        return ""
    }

    /// verify-full against a CA that did not sign the server's certificate (the system roots, and
    /// a freshly made unrelated CA) is refused for exactly that reason: certificate verification,
    /// not some other error; the start-up probe says so too.
    @Test func verifyFullRefusesACertificateFromAnotherCA() async throws {
        var url = try DatabaseURL.parse(try #require(TestServices.databaseURL))
        url.sslMode = .verifyFull
        url.sslRootCert = nil
        let systemRoots = try await connectionFailure(url)
        #expect(systemRoots.contains("handshakeFailed") && systemRoots.contains("CERTIFICATE_VERIFY_FAILED"), "\(systemRoots)")

        let otherCA = try makeUnrelatedCA()
        defer { try? FileManager.default.removeItem(atPath: otherCA) }
        url.sslRootCert = otherCA
        let unrelated = try await connectionFailure(url)
        #expect(unrelated.contains("handshakeFailed") && unrelated.contains("CERTIFICATE_VERIFY_FAILED"), "\(unrelated)")

        do {
            try await DatabaseProbe.check(url, logger: TestServices.logger)
            Issue.record("the probe accepted a certificate from another CA")
        } catch let error as DatabaseUnavailableError {
            // The CLI exits 69 with this message.
            #expect(error.description.hasPrefix("cannot connect to the database \(url)"), "\(error)")
            #expect(error.reason.contains("CERTIFICATE_VERIFY_FAILED"), "\(error)")
        }
    }

    /// verify-full checks the server's identity, not only its CA: the right CA, but the server
    /// reached at an address its certificate does not hold (IP:127.0.0.1, DNS:localhost), is
    /// refused for the name; the same relay with the certificate's own name is accepted, so the
    /// refusal was the name and nothing else.
    @Test func verifyFullRefusesACertificateForAnotherHost() async throws {
        var url = try DatabaseURL.parse(try #require(TestServices.databaseURL))
        let relay = try await TCPRelay.start(host: "127.0.0.2", targetHost: url.host, targetPort: url.port)
        url.host = relay.host
        url.port = relay.port
        url.sslMode = .disable
        let viaRelay = try await sessionUsesTLS(url)
        url.sslMode = .verifyFull
        url.sslRootCert = try #require(Self.rootCert)
        let refused = try await connectionFailure(url)
        var named = try PostgresConnection.Configuration(databaseURL: url)
        named.options.tlsServerName = "localhost"
        var acceptedError: String?
        do {
            try await PostgresConnection.connect(configuration: named, id: 2, logger: TestServices.logger).close()
        } catch {
            acceptedError = PostgresErrorText.describe(error)
        }
        await relay.stop()
        #expect(viaRelay == false, "the relay reaches the server")
        #expect(refused.contains("Couldn't find <none> in certificate from peer"), "\(refused)")
        #expect(acceptedError == nil, "with the certificate's own name: \(acceptedError ?? "")")
    }

    /// A self-signed CA nobody used to sign anything, as a PEM file (made with openssl, which
    /// scripts/with-services.sh needs anyway).
    func makeUnrelatedCA() throws -> String {
        let directory = FileManager.default.temporaryDirectory
        let cert = directory.appendingPathComponent("other-ca-\(UUID().uuidString).crt").path
        let key = directory.appendingPathComponent("other-ca-\(UUID().uuidString).key").path
        defer { try? FileManager.default.removeItem(atPath: key) }
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                             "-keyout", key, "-out", cert]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl could not make a CA")
        return cert
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
