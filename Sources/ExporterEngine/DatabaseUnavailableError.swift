import ExporterCore
import ExporterDatabase

/// The database could not be used: it cannot be reached (down, wrong host or port), or it
/// refused the session (wrong password, unknown role or database), or libpq cannot read
/// DATABASE_URL. The CLI exits 69 (EX_UNAVAILABLE) for the first, 78 (EX_CONFIG) for the others,
/// which only a change of configuration fixes.
///
/// The message names the database by its redacted URL and gives libpq's or the server's reason;
/// never the password.
public struct DatabaseUnavailableError: Error, Sendable, Equatable, CustomStringConvertible {
    public let url: DatabaseURL
    public let reason: String
    /// The configuration is wrong (a refused login, a URL libpq cannot parse), not the network.
    public let isConfigurationProblem: Bool
    /// Nothing but a new DATABASE_URL and a restart can fix it (libpq cannot parse the URL): the
    /// daemon stops (exit 78) instead of waiting. A refused login may heal without a restart (a
    /// passfile updated, a role created or a password reset on the server), so the daemon waits
    /// for it as for a database that is down.
    public let needsRestart: Bool

    public init(url: DatabaseURL, reason: String, isConfigurationProblem: Bool = false, needsRestart: Bool = false) {
        self.url = url
        self.reason = reason
        self.isConfigurationProblem = isConfigurationProblem || needsRestart
        self.needsRestart = needsRestart
    }

    public var description: String {
        isConfigurationProblem
            ? "DATABASE_URL (\(url)) is not usable: \(reason)"
            : "cannot connect to the database \(url): \(reason)"
    }
}

/// Connects once, directly, to tell a reachable database from an unreachable one with the real
/// reason: commands and the daemon's start-up check need an answer, not a wait.
public enum DatabaseProbe {
    /// - Throws: ``DatabaseUnavailableError``.
    public static func check(_ url: DatabaseURL, timeout: Duration = .seconds(10)) async throws {
        do {
            let connection = try await DatabaseConnection.connect(url, connectTimeoutSeconds: Int(max(1, timeout.components.seconds)))
            await connection.close()
        } catch let error as DatabaseError {
            throw DatabaseUnavailableError(url: url, reason: error.description,
                                           isConfigurationProblem: error.kind == .loginRefused,
                                           needsRestart: error.kind == .invalidConnectionString)
        }
    }
}
