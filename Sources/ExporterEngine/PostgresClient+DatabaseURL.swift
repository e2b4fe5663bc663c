import ExporterCore
import ExporterSource
import Logging
import NIOSSL
import PostgresNIO

extension DatabaseURL {
    /// The TLS client configuration sslmode asks for; nil for `disable`.
    ///
    /// `require` encrypts without verifying the server certificate, as libpq does; `verify-full`
    /// verifies the certificate and host name against the system roots or `sslrootcert`.
    func tlsConfiguration() -> TLSConfiguration? {
        switch sslMode {
        case .disable:
            return nil
        case .require:
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = .none
            return config
        case .verifyFull:
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = .fullVerification
            if let sslRootCert { config.trustRoots = .file(sslRootCert) }
            return config
        }
    }
}

/// Connects once, directly (not through the pool), to tell a reachable database from an
/// unreachable one with the real reason. The pool retries a failing connection silently and
/// holds queries until it succeeds; commands and the daemon's start-up check need an answer.
public enum DatabaseProbe {
    public static func check(_ url: DatabaseURL, logger: Logger, timeout: Duration = .seconds(10)) async throws {
        do {
            let tls: PostgresConnection.Configuration.TLS = try url.tlsConfiguration()
                .map { .require(try NIOSSLContext(configuration: $0)) } ?? .disable
            var configuration = PostgresConnection.Configuration(
                host: url.host, port: url.port, username: url.username, password: url.password, database: url.database, tls: tls)
            configuration.options.connectTimeout = .seconds(Int64(timeout.components.seconds))
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw ExportError.database("cannot connect to the database \(url): \(PostgresErrorText.describe(error))")
        }
    }
}

extension PostgresClient.Configuration {
    /// The pool configuration for `DATABASE_URL`, honouring its sslmode:
    /// `disable` (plain TCP), `require` (TLS, server certificate not verified, as libpq does),
    /// `verify-full` (TLS, certificate and host name verified against the system roots or
    /// `sslrootcert`).
    public init(databaseURL url: DatabaseURL, maxConnections: Int = 20) throws {
        let tls: PostgresClient.Configuration.TLS = url.tlsConfiguration().map { .require($0) } ?? .disable
        self.init(host: url.host, port: url.port, username: url.username, password: url.password,
                  database: url.database, tls: tls)
        options.maximumConnections = maxConnections
        options.connectTimeout = .seconds(10)
    }
}
