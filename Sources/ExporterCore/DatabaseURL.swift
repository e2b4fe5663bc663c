import Foundation

/// `DATABASE_URL`, a libpq-style URL: `postgres://user:password@host:port/database?sslmode=...`.
///
/// Its `description` redacts the password, so the URL can be logged as configured.
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable
        case require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// `sslrootcert`: a CA bundle to verify the server with (verify-full).
    public var sslRootCert: String?

    public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String,
                sslMode: SSLMode = .disable, sslRootCert: String? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.sslRootCert = sslRootCert
    }

    /// Parses the URL; the error names the part that is wrong and never echoes the password.
    public static func parse(_ text: String) throws(SettingsError) -> DatabaseURL {
        func bad(_ problem: String) -> SettingsError { .invalid(name: "DATABASE_URL", problem: problem) }
        guard let components = URLComponents(string: text) else { throw bad("is not a URL") }
        guard let scheme = components.scheme, scheme == "postgres" || scheme == "postgresql" else {
            throw bad("must start with postgres:// or postgresql://")
        }
        guard let host = components.host, !host.isEmpty else { throw bad("has no host") }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw bad("has an invalid port") }
        guard let user = components.user, !user.isEmpty else { throw bad("has no user name") }
        var database = components.path
        if database.hasPrefix("/") { database.removeFirst() }
        guard !database.isEmpty else { throw bad("has no database name (the path after the host)") }
        var sslMode = SSLMode.disable
        var rootCert: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = SSLMode(rawValue: value) else {
                    throw bad("has sslmode=\(item.value ?? ""); use disable, require or verify-full")
                }
                sslMode = mode
            case "sslrootcert":
                rootCert = item.value
            default:
                throw bad("has an unsupported parameter \(item.name); supported: sslmode, sslrootcert")
            }
        }
        return DatabaseURL(host: host, port: port, username: user.removingPercentEncoding ?? user,
                           password: components.password.map { $0.removingPercentEncoding ?? $0 },
                           database: database.removingPercentEncoding ?? database,
                           sslMode: sslMode, sslRootCert: rootCert)
    }

    public var description: String {
        let auth = password == nil ? username : "\(username):***"
        return "postgres://\(auth)@\(host):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }
}
