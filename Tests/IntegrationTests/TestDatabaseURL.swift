import ExporterCore
import Foundation

/// The test servers' DATABASE_URL taken apart, so a test can point it at another database,
/// host, port or sslmode, and put it back together as a URI for the exporter binary.
struct TestDatabaseURL: Sendable, Hashable {
    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String
    var sslMode: String = "disable"
    var sslRootCert: String?

    /// Parses the `postgres://user:password@host:port/database?...` that scripts/with-services.sh exports.
    static func parse(_ text: String) throws -> TestDatabaseURL {
        guard let components = URLComponents(string: text), let host = components.host, let user = components.user else {
            throw URLError(.badURL)
        }
        var url = TestDatabaseURL(host: host, port: components.port ?? 5432, username: user, password: components.password,
                                  database: String(components.path.dropFirst()))
        for item in components.queryItems ?? [] {
            if item.name == "sslmode", let value = item.value { url.sslMode = value }
            if item.name == "sslrootcert" { url.sslRootCert = item.value }
        }
        return url
    }

    /// The URI form libpq (and the exporter) reads.
    var text: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        components.password = password
        components.host = host
        components.port = port
        components.path = "/" + database
        components.queryItems = [URLQueryItem(name: "sslmode", value: sslMode)]
            + (sslRootCert.map { [URLQueryItem(name: "sslrootcert", value: $0)] } ?? [])
        return components.string ?? ""
    }

    var databaseURL: DatabaseURL { DatabaseURL(text) }
}
