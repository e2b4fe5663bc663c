import NIOCore

/// Where an export's rows come from: the seam between the databases and the rest of the
/// pipeline. The job, the encoders, the sink and the run history see only this protocol and the
/// ``FieldDecoding`` decoder it makes, never which database a row came from.
///
/// A row crosses the seam as a `ByteBuffer` slice in the source's own wire format (a binary COPY
/// tuple, a RowBinary row), and the source's decoder reads its cells as ``FieldValue``s straight
/// into the encoder, so no row is ever materialised.
public protocol RowSource: Sendable {
    associatedtype Decoder: FieldDecoding where Decoder.Row == ByteBuffer

    /// A decoder for this source's rows; it learns the columns from `onColumns` through
    /// ``FieldDecoding/prepare(columns:)`` before the first row.
    func makeDecoder() -> Decoder

    /// Reads every row of `query`, in the query's order.
    /// - Parameters:
    ///   - batchSize: rows between two `afterBatch` calls.
    ///   - probeSpecialValues: find the columns whose window holds values their declared type
    ///     cannot (``SourceColumn/holdsSpecialValues``); a typed format needs it.
    ///   - onColumns: called before the first row with the columns as the source declares them.
    ///   - onRow: called for each row, in order; the buffer is valid only during the call.
    ///   - afterBatch: called after each batch with its row count (also after the last, short one)
    ///     and the bytes read from the database so far (for progress). The next rows wait for it:
    ///     that is the back-pressure that keeps memory bounded by a batch.
    /// - Throws: when the rows cannot be read completely; a stream cut short or an error the
    ///   database reports after its first rows must throw, never end the read as if complete.
    nonisolated(nonsending) func read(
        _ query: EntityQuery,
        batchSize: Int,
        probeSpecialValues: Bool,
        onColumns: ([SourceColumn]) throws -> Void,
        onRow: @escaping @Sendable (ByteBuffer) throws -> Void,
        afterBatch: (_ rows: Int, _ bytesRead: Int64) async throws -> Void
    ) async throws

    /// How many rows `query` would export (for `sync --dry-run`).
    func count(_ query: EntityQuery) async throws -> Int64
}
