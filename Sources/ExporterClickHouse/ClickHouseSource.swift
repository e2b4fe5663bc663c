import AsyncHTTPClient
import ExporterCore
import Logging
import NIOCore

/// Streams an entity's rows out of ClickHouse (DESIGN §2b): one `SELECT ... FINAL` per export
/// (``ClickHouseQuery``), its `RowBinaryWithNamesAndTypes` response read as it arrives.
///
/// The body is AsyncHTTPClient's streamed response, pulled one chunk at a time: the next chunk is
/// asked for only when this one's rows are encoded and, after each batch, handed to the upload,
/// so TCP's flow control holds the server back and no response is ever buffered whole. Rows are
/// framed by ``RowBinaryReader`` and read by ``ClickHouseFieldDecoder`` straight into the encoder.
///
/// Never a complete read from a partial response: an exception ClickHouse writes after HTTP 200
/// (``ExceptionTrailer``), a connection that drops, and a body that ends inside a row all throw,
/// so the run fails and its objects are removed like any failed run's. (ClickHouse closes the
/// connection right after its exception block; when the reader is behind, AsyncHTTPClient fails
/// the body at the close and drops the parts it had not handed over yet, the block among them:
/// the run then fails as a broken connection, without ClickHouse's message.) A cancelled read
/// (shutdown) closes the connection, and the server stops the query
/// (`cancel_http_readonly_queries_on_client_close`).
public struct ClickHouseSource: RowSource {
    public let client: ClickHouseClient

    public init(client: ClickHouseClient) {
        self.client = client
    }

    public func makeDecoder() -> ClickHouseFieldDecoder { ClickHouseFieldDecoder() }

    nonisolated(nonsending) public func read(
        _ query: EntityQuery,
        batchSize: Int = ExporterSettings.defaultFetchRows,
        probeSpecialValues: Bool = false,
        onColumns: ([SourceColumn]) throws -> Void,
        onRow: @escaping @Sendable (ByteBuffer) throws -> Void,
        afterBatch: (_ rows: Int, _ bytesRead: Int64) async throws -> Void
    ) async throws {
        // ClickHouse's Decimal and DateTime hold no NaN or infinity: `probeSpecialValues` has nothing to find.
        let select = ClickHouseQuery(query)
        let server = client.url.authority
        do {
            try await client.query(select.selectSQL, parameters: select.parameters, queryID: select.queryID) { response in
                let tag = response.headers.first(name: "x-clickhouse-exception-tag")
                var trailer = ExceptionTrailer(tag: tag)
                var reader = RowBinaryReader()
                var inBatch = 0
                var bytesRead: Int64 = 0
                func deliver(_ bytes: ByteBuffer) throws {
                    try reader.read(bytes, onHeader: { columns in
                        try onColumns(try Self.sourceColumns(columns, query: query))
                    }, onRow: { row in
                        try onRow(row)
                        inBatch += 1
                    })
                }
                do {
                    for try await chunk in response.body {
                        try Task.checkCancellation()
                        bytesRead += Int64(chunk.readableBytes)
                        try trailer.scan(chunk, deliver: deliver)
                        if inBatch >= batchSize {
                            try await afterBatch(inBatch, bytesRead)
                            inBatch = 0
                        }
                    }
                } catch let error where Self.isTransport(error) {
                    // The server breaks the connection after its exception block: report the exception.
                    if let block = trailer.trailer { throw Self.midStream(block, tag: tag, server: server) }
                    throw ClickHouseError.incomplete(server: server, reason: "the connection broke after \(bytesRead) bytes (\(error))")
                }
                if let block = trailer.trailer { throw Self.midStream(block, tag: tag, server: server) }
                try trailer.finish(deliver: deliver)
                do {
                    try reader.finish()
                } catch let error as RowBinaryError {
                    throw ClickHouseError.incomplete(server: server, reason: error.description)
                }
                try await afterBatch(inBatch, bytesRead)
            }
        } catch {
            throw Self.exportError(error, query: query, database: client.url.database)
        }
    }

    public func count(_ query: EntityQuery) async throws -> Int64 {
        let select = ClickHouseQuery(query)
        do {
            let text = try await client.text(select.countSQL, parameters: select.parameters)
            guard let count = Int64(text.trimmedOfWhitespace) else {
                throw ClickHouseError.incomplete(server: client.url.authority, reason: "a count that is not a number")
            }
            return count
        } catch {
            throw Self.exportError(error, query: query, database: client.url.database)
        }
    }

    /// The header's columns as the export declares them; they must be the ones the query selects, in order.
    static func sourceColumns(_ columns: [RowBinaryReader.Column], query: EntityQuery) throws -> [SourceColumn] {
        let names = columns.map(\.name)
        guard names == query.selection.names else {
            throw ExportError.database("ClickHouse answered with the columns \(names.joined(separator: ", ")), not the \(query.entity.rawValue) columns the query selects")
        }
        return columns.map { column in
            let isString: Bool
            switch column.type.kind {
            case .string, .fixedString: isString = true
            default: isString = false
            }
            let json = isString && ClickHouseQuery.jsonTextColumns.contains(column.name)
            return SourceColumn(name: column.name, type: column.type.declaredType(json: json), typeName: column.type.declaration)
        }
    }

    /// Errors of the body's transport (a dropped connection, broken chunked framing), as opposed
    /// to the export's own (an encoder, the upload, cancellation).
    static func isTransport(_ error: any Error) -> Bool {
        !(error is ExportError || error is ClickHouseError || error is CancellationError || error is RowBinaryError)
            && !Task.isCancelled
    }

    static func midStream(_ block: [UInt8], tag: String?, server: String) -> ClickHouseError {
        let message = ExceptionTrailer.message(in: block, tag: tag ?? "")
        return .midStream(server: server, code: ClickHouseError.code(in: message), message: ClickHouseError.summary(message))
    }

    /// The run-history error for a failed read; a missing `feature_usage` table names the table
    /// FlexPrice uses today.
    static func exportError(_ error: any Error, query: EntityQuery, database: String) -> any Error {
        switch error {
        case let error as ClickHouseError:
            if error.exceptionCode == ClickHouseError.unknownTable {
                let table = "\(database).\(query.entity.table)"
                if query.entity == .featureUsage {
                    return ExportError.database("ClickHouse has no table \(table): FlexPrice keeps usage in meter_usage today; export the entity meter_usage instead (or unset EXPORTER_CLICKHOUSE_URL to read feature_usage from PostgreSQL) (\(error))")
                }
                return ExportError.database("ClickHouse has no table \(table), which the \(query.entity.rawValue) export reads (\(error))")
            }
            return error.exportError
        case let error as RowBinaryError:
            return ExportError.database("ClickHouse: \(error)")
        default:
            return error
        }
    }
}
