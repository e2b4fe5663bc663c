import ExporterCore
import ExporterEngine
import ExporterSource
import Foundation
import Logging
import ExporterDatabase
import Testing

/// TLS to PostgreSQL: libpq's sslmode=disable, require, verify-ca and verify-full are honoured,
/// as the server itself reports (pg_stat_ssl), and verification failures say why.
@Suite(TestServices.needsServices("EXPORTER_TEST_SSL_ROOT_CERT"))
struct PostgresTLSTests {
    static let rootCert = ProcessInfo.processInfo.environment["EXPORTER_TEST_SSL_ROOT_CERT"]

    /// The CA file, required as a String (`#require` straight into the optional `sslRootCert`
    /// would check an optional that is never nil).
    static func requireRootCert() throws -> String {
        try #require(rootCert)
    }

    /// Whether a session over `url` is encrypted, from the server's own view (pg_stat_ssl).
    func sessionUsesTLS(_ url: DatabaseURL) async throws -> Bool {
        let connection = try await DatabaseConnection.connect(url)
        let ssl = try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .first?.decode(Bool.self) ?? false
        await connection.close()
        return ssl
    }

    @Test func sslModesAreHonoured() async throws {
        var url = try TestDatabaseURL.parse(try #require(TestServices.databaseURL))
        url.sslMode = "disable"
        #expect(try await sessionUsesTLS(url.databaseURL) == false)
        url.sslMode = "require"
        #expect(try await sessionUsesTLS(url.databaseURL) == true)
        url.sslRootCert = try Self.requireRootCert()
        url.sslMode = "verify-ca"
        #expect(try await sessionUsesTLS(url.databaseURL) == true)
        url.sslMode = "verify-full"
        #expect(try await sessionUsesTLS(url.databaseURL) == true)
    }

    /// The reason a connection failed, as the exporter reports it.
    func connectionFailure(_ url: DatabaseURL) async throws -> String {
        do {
            _ = try await sessionUsesTLS(url)
        } catch {
            return "\(error)"
        }
        Issue.record("connecting to \(url) succeeded; it must be refused")
        return ""
    }

    /// verify-full without a CA file, and against a CA that did not sign the server's certificate,
    /// is refused for exactly that reason; the start-up probe says so too (exit 69: TLS is part of
    /// reaching the server, not a refused login).
    @Test func verifyFullRefusesACertificateFromAnotherCA() async throws {
        var url = try TestDatabaseURL.parse(try #require(TestServices.databaseURL))
        url.sslMode = "verify-full"
        url.sslRootCert = "/nonexistent/root.crt"
        let missing = try await connectionFailure(url.databaseURL)
        #expect(missing.contains("root certificate file \"/nonexistent/root.crt\" does not exist"), "\(missing)")

        let otherCA = try makeUnrelatedCA()
        defer { try? FileManager.default.removeItem(atPath: otherCA) }
        url.sslRootCert = otherCA
        let unrelated = try await connectionFailure(url.databaseURL)
        #expect(unrelated.contains("certificate verify failed"), "\(unrelated)")

        do {
            try await DatabaseProbe.check(url.databaseURL)
            Issue.record("the probe accepted a certificate from another CA")
        } catch let error as DatabaseUnavailableError {
            #expect(!error.isConfigurationProblem, "\(error)")
            #expect(error.description.hasPrefix("cannot connect to the database \(url.databaseURL)"), "\(error)")
            #expect(error.reason.contains("certificate verify failed"), "\(error)")
        }
    }

    /// verify-full checks the server's identity, not only its CA: the right CA, but the server
    /// reached at an address its certificate does not hold (IP:127.0.0.1, DNS:localhost), is
    /// refused for the name, while verify-ca (CA only) accepts it; and the same relay reached with
    /// the certificate's own name (`host=localhost hostaddr=127.0.0.2`) is accepted, so the
    /// refusal was the name and nothing else.
    @Test func verifyFullRefusesACertificateForAnotherHost() async throws {
        var url = try TestDatabaseURL.parse(try #require(TestServices.databaseURL))
        let relay = try await TCPRelay.start(host: "127.0.0.2", targetHost: url.host, targetPort: url.port)
        url.host = relay.host
        url.port = relay.port
        url.sslMode = "disable"
        let viaRelay = try await sessionUsesTLS(url.databaseURL)
        url.sslRootCert = try Self.requireRootCert()
        url.sslMode = "verify-full"
        let refused = try await connectionFailure(url.databaseURL)
        url.sslMode = "verify-ca"
        let caOnly = try await sessionUsesTLS(url.databaseURL)
        url.sslMode = "verify-full"
        let named = url.databaseURL.setting("host", to: "localhost").setting("hostaddr", to: relay.host)
        var acceptedError: String?
        do {
            _ = try await sessionUsesTLS(named)
        } catch {
            acceptedError = "\(error)"
        }
        await relay.stop()
        #expect(viaRelay == false, "the relay reaches the server")
        #expect(refused.contains("does not match host name \"127.0.0.2\""), "\(refused)")
        #expect(caOnly, "verify-ca does not check the name")
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
