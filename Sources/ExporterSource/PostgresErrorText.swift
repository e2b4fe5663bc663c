import ExporterCore
import PostgresNIO

/// A one-line, secret-free description of a PostgresNIO error.
///
/// `PSQLError`'s own description is deliberately generic (it may hold the query), so this pulls
/// out the server's message and SQLSTATE, or the connection-level cause.
public enum PostgresErrorText {
    public static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let server = psql.serverInfo {
                let message = server[.message] ?? "server error"
                let state = server[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                let detail = server[.detail].map { ": \($0)" } ?? ""
                return message + detail + state
            }
            switch psql.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection:
                return "the database connection failed (\(psql.code))" + (psql.underlying.map { ": \($0)" } ?? "")
            default:
                return "\(psql.code)" + (psql.underlying.map { ": \($0)" } ?? "")
            }
        }
        if let export = error as? ExportError { return export.message }
        return String(describing: error)
    }
}
