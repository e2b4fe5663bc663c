import ExporterCore
import Foundation

/// Why a ClickHouse request failed, in terms an operator can act on: the server's own exception
/// (its code and first line), never a stack of HTTP text, never a credential.
public enum ClickHouseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No answer: the connection could not be made or broke before the response began.
    case unreachable(server: String, reason: String)
    /// The server refused the user or password (ClickHouse codes 192, 193, 194, 516, or HTTP 401/403).
    case authentication(server: String, code: Int?, message: String)
    /// The server refused the query before sending any row (HTTP status and ClickHouse's exception).
    case refused(server: String, status: Int, code: Int?, message: String)
    /// The server wrote an exception into a response it had begun with HTTP 200.
    case midStream(server: String, code: Int?, message: String)
    /// The response stopped before it was complete: the connection dropped, or the body ended
    /// inside a row.
    case incomplete(server: String, reason: String)

    /// ClickHouse's exception code (`X-ClickHouse-Exception-Code`, `Code: N.`), when it sent one.
    public var exceptionCode: Int? {
        switch self {
        case .authentication(_, let code, _), .refused(_, _, let code, _), .midStream(_, let code, _): code
        case .unreachable, .incomplete: nil
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let server, let reason):
            "ClickHouse at \(server) could not be reached: \(reason)"
        case .authentication(let server, _, let message):
            "ClickHouse at \(server) refused the credentials (\(message)); check the user in EXPORTER_CLICKHOUSE_URL and EXPORTER_CLICKHOUSE_PASSWORD"
        case .refused(let server, let status, _, let message):
            "ClickHouse at \(server) refused the query (HTTP \(status)): \(message)"
        case .midStream(let server, _, let message):
            "ClickHouse at \(server) failed the query after sending part of its rows: \(message)"
        case .incomplete(let server, let reason):
            "the response from ClickHouse at \(server) is incomplete: \(reason)"
        }
    }

    /// The run-history form: `network` when ClickHouse never answered, `database` otherwise.
    public var exportError: ExportError {
        if case .unreachable = self { return .network(description) }
        return .database(description)
    }

    /// ClickHouse's codes for a user or password it refuses
    /// (https://github.com/ClickHouse/ClickHouse/blob/master/src/Common/ErrorCodes.cpp).
    static let authenticationCodes: Set<Int> = [192, 193, 194, 516]
    /// Codes that a retry cannot change (the query or the schema is wrong), although ClickHouse
    /// may send them with HTTP 500: unknown table, column, database or identifier, syntax, types,
    /// bad parameters, access denied.
    static let permanentCodes: Set<Int> = [16, 36, 43, 46, 47, 53, 60, 62, 70, 81, 115, 192, 193, 194, 215, 291, 352, 456, 457, 497, 516]
    public static let unknownTable = 60
    public static let unknownDatabase = 81
}

extension ClickHouseError {
    /// ClickHouse's exception text reduced to what an operator needs: its first line without the
    /// server's version suffix and stack, at most 400 characters.
    static func summary(_ body: String) -> String {
        var line = body.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? ""
        if let version = line.range(of: " (version ") { line = String(line[..<version.lowerBound]) }
        line = String(line.trimmedOfWhitespace)
        if line.isEmpty { return "no message" }
        return line.count > 400 ? String(line.prefix(400)) + "..." : line
    }

    /// The `N` of `Code: N.` in an exception text.
    static func code(in text: String) -> Int? {
        guard let range = text.range(of: "Code: ") else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        return Int(digits)
    }
}
