import ExporterCore
import NIOSSL
import PostgresNIO

extension PostgresClient.Configuration {
    /// The pool configuration for `DATABASE_URL`, honouring its sslmode:
    /// `disable` (plain TCP), `require` (TLS, server certificate not verified, as libpq does),
    /// `verify-full` (TLS, certificate and host name verified against the system roots or
    /// `sslrootcert`).
    public init(databaseURL url: DatabaseURL, maxConnections: Int = 20) throws {
        let tls: PostgresClient.Configuration.TLS
        switch url.sslMode {
        case .disable:
            tls = .disable
        case .require:
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = .none
            tls = .require(config)
        case .verifyFull:
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = .fullVerification
            if let rootCert = url.sslRootCert {
                config.trustRoots = .file(rootCert)
            }
            tls = .require(config)
        }
        self.init(host: url.host, port: url.port, username: url.username, password: url.password,
                  database: url.database, tls: tls)
        options.maximumConnections = maxConnections
        options.connectTimeout = .seconds(10)
    }
}
