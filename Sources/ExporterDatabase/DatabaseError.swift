/// What went wrong talking to PostgreSQL, classified once here so no caller parses messages.
///
/// The message is libpq's or the server's own text with any password scrubbed out (libpq's
/// connection errors can echo parts of the connection string). SQLSTATEs:
/// https://www.postgresql.org/docs/15/errcodes-appendix.html
public struct DatabaseError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// libpq cannot parse DATABASE_URL (a configuration error).
        case invalidConnectionString
        /// The server was reached and refused the session: wrong password, unknown role or
        /// database, no pg_hba.conf entry. Retrying cannot help; the configuration must change.
        case loginRefused
        /// No server could be reached (down, wrong host or port, network, TLS handshake).
        case unavailable
        /// The connection broke while in use (server restart, failover, network).
        case connectionLost
        /// The connection was already closed by the exporter.
        case connectionClosed
        /// The server answered a statement with an error; `sqlState` says which.
        case server
        /// The statement was cancelled (the task waiting for it was cancelled).
        case cancelled
        /// The server's answer was not what the statement should produce.
        case unexpectedResult
        /// A value could not be converted to the Swift type asked for.
        case decoding
    }

    public let kind: Kind
    /// Five-character SQLSTATE, for server errors.
    public let sqlState: String?
    public let message: String

    public init(kind: Kind, sqlState: String? = nil, message: String) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
    }

    public var description: String {
        sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message
    }

    /// 42501: the role lacks a privilege (CREATE on the schema, ownership of a table).
    public var isInsufficientPrivilege: Bool { sqlState == "42501" }
    /// 23505: a unique index refused the row.
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// 57014: the statement was cancelled (by us, or by statement_timeout).
    public var isQueryCanceled: Bool { sqlState == "57014" }

    /// The connection can no longer be used (as opposed to one statement failing).
    public var isConnectionLevel: Bool {
        switch kind {
        case .unavailable, .connectionLost, .connectionClosed, .loginRefused, .invalidConnectionString: true
        case .server:
            // Class 08 (connection exception) and 57P01..03 (admin shutdown, crash, cannot connect now).
            sqlState?.hasPrefix("08") == true || ["57P01", "57P02", "57P03"].contains(sqlState ?? "")
        default: false
        }
    }
}
