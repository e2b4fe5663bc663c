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

extension PostgresConnection.Configuration {
    /// The connection configuration for `DATABASE_URL`, honouring its sslmode:
    /// `disable` (plain TCP), `require` (TLS, server certificate not verified, as libpq does),
    /// `verify-full` (TLS, certificate and host name verified against the system roots or
    /// `sslrootcert`).
    public init(databaseURL url: DatabaseURL, connectTimeout: Duration = .seconds(10)) throws {
        let tls: PostgresConnection.Configuration.TLS = try url.tlsConfiguration()
            .map { .require(try NIOSSLContext(configuration: $0)) } ?? .disable
        self.init(host: url.host, port: url.port, username: url.username, password: url.password,
                  database: url.database, tls: tls)
        options.connectTimeout = .seconds(max(1, connectTimeout.components.seconds))
    }
}

extension DatabasePool {
    /// A pool for `DATABASE_URL`.
    public init(databaseURL url: DatabaseURL, maxIdle: Int = 8, logger: Logger) throws {
        self.init(configuration: try PostgresConnection.Configuration(databaseURL: url), maxIdle: maxIdle, logger: logger)
    }
}

/// Connects once, directly, to tell a reachable database from an unreachable one with the real
/// reason: commands and the daemon's start-up check need an answer, not a wait.
public enum DatabaseProbe {
    /// - Throws: ``DatabaseUnavailableError`` when the server cannot be reached or refuses the
    ///   session; ``SettingsError`` when DATABASE_URL's TLS settings cannot be used.
    public static func check(_ url: DatabaseURL, logger: Logger, timeout: Duration = .seconds(10)) async throws {
        let configuration: PostgresConnection.Configuration
        do {
            configuration = try PostgresConnection.Configuration(databaseURL: url, connectTimeout: timeout)
        } catch {
            throw SettingsError.invalid(name: "DATABASE_URL", problem: "TLS settings cannot be used: \(error)")
        }
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw DatabaseUnavailableError(url: url, reason: PostgresErrorText.describe(error))
        }
    }
}
