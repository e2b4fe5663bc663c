import AsyncHTTPClient
import ExporterCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The one ClickHouse client: queries over ClickHouse's HTTP interface, through AsyncHTTPClient.
///
/// Every query is a POST whose body is the SQL text and whose values travel as query parameters
/// (`{name:Type}` in the SQL, `param_name=value` in the URL), so no value is ever spliced into
/// SQL. The user and password travel as the `X-ClickHouse-User`/`X-ClickHouse-Key` headers, never
/// in the URL or a log line. A query may carry a `query_id`, which the server records in
/// `system.query_log`. `cancel_http_readonly_queries_on_client_close=1` makes the server stop a
/// SELECT whose client closed the connection, so a cancelled export (shutdown) stops its query.
/// Connect failures and 5xx answers before the first byte of a response are retried with
/// exponential back-off and full jitter (the S3 client's rules); an authentication failure and a
/// query the server rejects for what it is (unknown table, syntax) fail at once.
/// https://clickhouse.com/docs/interfaces/http (query parameters, `query_id`, headers),
/// https://clickhouse.com/docs/operations/settings/settings#cancel_http_readonly_queries_on_client_close
public struct ClickHouseClient: Sendable {
    public let url: ClickHouseURL
    private let http: HTTPClient
    private let logger: Logger
    private let maxAttempts: Int

    public init(url: ClickHouseURL, http: HTTPClient, logger: Logger, maxAttempts: Int = 5) {
        self.url = url
        self.http = http
        self.logger = logger
        self.maxAttempts = max(1, maxAttempts)
    }

    /// The HTTP client ClickHouse needs: TLS verified against `url.caFile` when it names one, a
    /// read timeout long enough for a `FINAL` query to produce its first rows. The caller shuts it down.
    public static func makeHTTPClient(for url: ClickHouseURL?) throws -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(300))
        configuration.redirectConfiguration = .disallow
        if let caFile = url?.caFile {
            configuration.tlsConfiguration = try ClickHouseTLS.configuration(caFile: caFile)
        }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// A query parameter: its name in the SQL's `{name:Type}` and its value.
    public struct Parameter: Sendable, Hashable {
        public let name: String
        public let value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Sends `sql` and hands the response of HTTP 200 to `body`, which reads its streamed body.
    /// Retries as described above until the response begins; never once `body` has started.
    /// - Throws: ``ClickHouseError`` for what the server or the network did; what `body` throws.
    nonisolated(nonsending) public func query<T: Sendable>(_ sql: String, parameters: [Parameter] = [], queryID: String? = nil,
                                   _ body: (HTTPClientResponse) async throws -> T) async throws -> T {
        let request = makeRequest(sql, parameters: parameters, queryID: queryID)
        var attempt = 0
        while true {
            attempt += 1
            var failure: ClickHouseError
            do {
                let response = try await http.execute(request, deadline: .distantFuture, logger: logger)
                if response.status == .ok { return try await body(response) }
                failure = try await refusal(response)
                guard Self.isRetryable(failure), attempt < maxAttempts else { throw failure }
            } catch let error as ClickHouseError {
                throw error
            } catch {
                if Task.isCancelled || error is CancellationError { throw CancellationError() }
                failure = .unreachable(server: url.authority, reason: Self.describe(error))
                guard attempt < maxAttempts else { throw failure }
            }
            logger.debug("ClickHouse request will be retried", metadata: [
                "attempt": "\(attempt)", "query_id": "\(queryID ?? "")", "error": "\(failure)",
            ])
            // Exponential back-off with full jitter, as the S3 client does:
            // https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
            let cap = min(20_000, 100 * (1 << min(attempt, 10)))
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...cap)))
        }
    }

    /// A small query's whole answer as text (at most `limit` bytes; `check`, counts).
    nonisolated(nonsending) public func text(_ sql: String, parameters: [Parameter] = [], queryID: String? = nil, limit: Int = 1 << 20) async throws -> String {
        try await query(sql, parameters: parameters, queryID: queryID) { response in
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: limit)
            } catch {
                throw ClickHouseError.incomplete(server: url.authority, reason: Self.describe(error))
            }
            let text = String(buffer: body)
            if let tag = response.headers.first(name: "x-clickhouse-exception-tag"), !tag.isEmpty,
               let start = ExceptionTrailer.blockStart(in: Array(text.utf8), tag: Array(tag.utf8)) {
                let message = ExceptionTrailer.message(in: Array(text.utf8.dropFirst(start)), tag: tag)
                throw ClickHouseError.midStream(server: url.authority, code: ClickHouseError.code(in: message),
                                                message: ClickHouseError.summary(message))
            }
            return text
        }
    }

    func makeRequest(_ sql: String, parameters: [Parameter], queryID: String?) -> HTTPClientRequest {
        var items: [(String, String)] = [("database", url.database)]
        if let queryID { items.append(("query_id", queryID)) }
        items.append(("cancel_http_readonly_queries_on_client_close", "1"))
        for parameter in parameters { items.append(("param_" + parameter.name, Self.escapedParameter(parameter.value))) }
        let query = items.map { Self.percentEncoded($0.0) + "=" + Self.percentEncoded($0.1) }.joined(separator: "&")
        var request = HTTPClientRequest(url: url.endpoint + "?" + query)
        request.method = .POST
        request.headers.add(name: "X-ClickHouse-User", value: url.user)
        if !url.password.isEmpty { request.headers.add(name: "X-ClickHouse-Key", value: url.password) }
        request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        let body = ByteBuffer(string: sql)
        request.headers.add(name: "Content-Length", value: String(body.readableBytes))
        request.body = .bytes(body)
        return request
    }

    /// The failure a non-200 answer stands for, from ClickHouse's `X-ClickHouse-Exception-Code`
    /// header and `Code: N. DB::Exception: ...` body (its first line only).
    private func refusal(_ response: HTTPClientResponse) async throws -> ClickHouseError {
        let status = Int(response.status.code)
        let body = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
        let code = response.headers.first(name: "x-clickhouse-exception-code").flatMap { Int($0) } ?? ClickHouseError.code(in: body)
        let message = ClickHouseError.summary(body)
        if status == 401 || status == 403 || code.map(ClickHouseError.authenticationCodes.contains) == true {
            return .authentication(server: url.authority, code: code, message: message)
        }
        return .refused(server: url.authority, status: status, code: code, message: message)
    }

    /// 5xx before the first byte, unless ClickHouse's code says a retry cannot help.
    static func isRetryable(_ error: ClickHouseError) -> Bool {
        guard case .refused(_, let status, let code, _) = error, status >= 500 else { return false }
        return !(code.map(ClickHouseError.permanentCodes.contains) ?? false)
    }

    /// A parameter's value as ClickHouse parses it: in the TabSeparated escaping, so a backslash,
    /// tab or line break in a value (a tenant id) reaches the server as that character.
    /// https://clickhouse.com/docs/interfaces/cli#cli-queries-with-parameters
    static func escapedParameter(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    static func describe(_ error: any Error) -> String {
        String(describing: error)
    }
}
