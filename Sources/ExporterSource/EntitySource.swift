import ExporterCore
import ExporterDatabase
import Logging
import NIOCore

/// Streams an entity's rows out of PostgreSQL as binary COPY tuples.
///
/// One REPEATABLE READ, READ ONLY transaction per export: one snapshot for the column types,
/// the special-value probe and the rows; an order on a unique key; and
/// `COPY (SELECT ...) TO STDOUT (FORMAT binary)`, which the server streams without a cursor's
/// round trips. Each tuple reaches `onRow` as a slice of the buffer libpq filled, on the
/// connection's own thread; after every `batchSize` rows, `afterBatch` runs in the calling task,
/// where the encoded bytes are compressed and uploaded, and the next rows wait for it: that, and
/// TCP's flow control behind it, is the back-pressure. Memory stays bounded by the batch.
public struct EntitySource: RowSource {
    private let client: DatabasePool
    private let logger: Logger

    public init(client: DatabasePool, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Binary COPY tuples are read by ``BinaryFieldDecoder``, told the columns' types by `onColumns`.
    public func makeDecoder() -> BinaryFieldDecoder { BinaryFieldDecoder() }

    /// Reads every row of `query`.
    /// - Parameters:
    ///   - batchSize: rows between two `afterBatch` calls.
    ///   - probeSpecialValues: find the columns whose window holds `NaN`/`±infinity` (a typed format needs it).
    ///   - onColumns: called before the first row with the columns' declared types (``SourceColumn``),
    ///     read in the same snapshot as the rows: the decoder needs them to read the binary values.
    ///   - onRow: called for each row (one binary COPY tuple), on the connection's thread, in order.
    ///   - afterBatch: called after each batch with its row count (also after the last, short one)
    ///     and the bytes of COPY data read so far (for progress).
    nonisolated(nonsending) public func read(
        _ query: EntityQuery,
        batchSize: Int = ExporterSettings.defaultFetchRows,
        probeSpecialValues: Bool = false,
        onColumns: ([SourceColumn]) throws -> Void,
        onRow: @escaping @Sendable (ByteBuffer) throws -> Void,
        afterBatch: (_ rows: Int, _ bytesRead: Int64) async throws -> Void
    ) async throws {
        try await client.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { connection in
            try onColumns(try await SourceColumnReader(query: query, probeSpecialValues: probeSpecialValues).read(on: connection))
            let stream = CopyStream(onRow: onRow)
            try await connection.copyOut(query.copySQL, batchMessages: batchSize, onMessage: { message in
                try stream.read(message)
            }, afterBatch: { rows in try await afterBatch(rows, stream.bytesRead) })
            try stream.finish()
        }
    }

    /// How many rows `query` would export (for `sync --dry-run`).
    public func count(_ query: EntityQuery) async throws -> Int64 {
        let sql = query.query("SELECT count(*)::bigint FROM (", suffix: ") AS rows")
        return try await client.query(sql).first?.decode(Int64.self) ?? 0
    }
}

/// The parser of one COPY stream, fed on the connection's thread one message after another
/// (``DatabaseConnection/copyOut(_:batchMessages:onMessage:afterBatch:)`` orders the calls).
private final class CopyStream: @unchecked Sendable {
    private var reader = BinaryCopyReader()
    /// Read by `afterBatch` in the calling task, which the connection orders after this batch's messages.
    private(set) var bytesRead: Int64 = 0
    private let onRow: @Sendable (ByteBuffer) throws -> Void

    init(onRow: @escaping @Sendable (ByteBuffer) throws -> Void) {
        self.onRow = onRow
    }

    func read(_ message: ByteBuffer) throws {
        bytesRead += Int64(message.readableBytes)
        do {
            try reader.read(message, tuple: onRow)
        } catch let error as BinaryCopyError {
            throw ExportError.database("the binary COPY stream is malformed: \(error)")
        }
    }

    /// - Throws: when the stream ended without its trailer (it was cut short).
    func finish() throws {
        do {
            try reader.finish()
        } catch let error as BinaryCopyError {
            throw ExportError.database("the binary COPY stream is incomplete: \(error)")
        }
    }
}
