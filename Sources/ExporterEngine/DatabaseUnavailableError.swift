import ExporterCore

/// The database could not be reached or refused the connection (down, wrong host or port,
/// wrong password, no such database): the CLI exits 69 (EX_UNAVAILABLE), apart from 1, which
/// means a run failed.
///
/// The message names the database by its redacted URL (host, port, user and database; never
/// the password) and gives PostgreSQL's or the network's reason.
public struct DatabaseUnavailableError: Error, Sendable, Equatable, CustomStringConvertible {
    public let url: DatabaseURL
    public let reason: String

    public init(url: DatabaseURL, reason: String) {
        self.url = url
        self.reason = reason
    }

    public var description: String {
        "cannot connect to the database \(url) (host \(url.host), port \(url.port)): \(reason)"
    }
}
