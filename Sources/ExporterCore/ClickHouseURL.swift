import Foundation

/// `EXPORTER_CLICKHOUSE_URL`: where FlexPrice's ClickHouse answers on its HTTP interface,
/// `http(s)://[user[:password]@]host:port[/database]` (database `flexprice` when absent), with
/// the password from the URL or, so it can stay out of the URL, `EXPORTER_CLICKHOUSE_PASSWORD`
/// (which wins), and an optional CA file for a private CA (`EXPORTER_CLICKHOUSE_CA_FILE`).
///
/// Its `description` never shows the password, so it can be logged as configured.
/// HTTP interface: https://clickhouse.com/docs/interfaces/http
public struct ClickHouseURL: Sendable, Hashable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Hashable { case http, https }

    public var scheme: Scheme
    /// The host as written, without IPv6 brackets.
    public var host: String
    public var port: Int
    /// ClickHouse's user; `default` when the URL names none (ClickHouse's own default user).
    public var user: String
    /// Never logged, never in an error message.
    public var password: String
    public var database: String
    /// A PEM file of CA certificates to verify an https server with, instead of the system's.
    public var caFile: String?

    public static let defaultDatabase = "flexprice"

    public init(scheme: Scheme, host: String, port: Int, user: String = "default", password: String = "",
                database: String = ClickHouseURL.defaultDatabase, caFile: String? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.caFile = caFile
    }

    /// Parses the URL; `password` (EXPORTER_CLICKHOUSE_PASSWORD) replaces the URL's own when set.
    /// Errors name the setting and show the URL with its password redacted.
    public static func parse(_ text: String, password: String? = nil, caFile: String? = nil) throws(SettingsError) -> ClickHouseURL {
        let name = "EXPORTER_CLICKHOUSE_URL"
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        func invalid(_ problem: String) -> SettingsError {
            .invalid(name: name, problem: "\(problem) (got \"\(redacting(trimmed).prefix(200))\"); expected http(s)://[user[:password]@]host:port[/database]")
        }
        guard let components = URLComponents(string: trimmed) else { throw invalid("is not a URL") }
        guard let scheme = components.scheme.flatMap({ Scheme(rawValue: $0.lowercased()) }) else {
            throw invalid("must start with http:// or https://")
        }
        guard var host = components.host, !host.isEmpty else { throw invalid("names no host") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if components.query != nil || components.fragment != nil { throw invalid("has a query or fragment; only a database may follow the host") }
        var path = components.percentEncodedPath
        while path.hasPrefix("/") { path.removeFirst() }
        while path.hasSuffix("/") { path.removeLast() }
        let database = path.removingPercentEncoding ?? path
        if database.contains("/") { throw invalid("has a path of more than one segment; only a database may follow the host") }
        let port = components.port ?? (scheme == .https ? 8443 : 8123)
        guard (1...65_535).contains(port) else { throw invalid("has a port outside 1-65535") }
        var url = ClickHouseURL(
            scheme: scheme, host: host, port: port,
            user: components.user.flatMap { $0.isEmpty ? nil : $0 } ?? "default",
            password: components.password ?? "",
            database: database.isEmpty ? defaultDatabase : database,
            caFile: caFile.flatMap { $0.isEmpty ? nil : $0 })
        if let password, !password.isEmpty { url.password = password }
        if url.caFile != nil, scheme == .http {
            throw .invalid(name: "EXPORTER_CLICKHOUSE_CA_FILE", problem: "is set but EXPORTER_CLICKHOUSE_URL is http://; use https:// to verify the server with it")
        }
        return url
    }

    /// `host:port`, with brackets around an IPv6 address: what errors name.
    public var authority: String {
        (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }

    /// The base URL requests go to (no user information: credentials travel as headers).
    public var endpoint: String { "\(scheme.rawValue)://\(authority)/" }

    public var description: String {
        "\(scheme.rawValue)://\(user)\(password.isEmpty ? "" : ":***")@\(authority)/\(database)"
    }

    /// `text` with the password of an `http(s)://user:password@` URL replaced by `***`.
    public static func redacting(_ text: String) -> String {
        text.replacing(#/(https?://[^:@/\s]*):[^@\s]*@/#.ignoresCase()) { "\($0.output.1):***@" }
    }
}
