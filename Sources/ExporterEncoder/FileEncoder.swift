import ExporterCore

/// Turns an export's rows into the bytes of its files: the encoding stage of the pipeline.
///
/// File level, not row level, because the formats differ in what a file is: a text format
/// (``TextFileEncoder``) writes each row as it comes and can cut a file after any row, while
/// Parquet (`ParquetFileEncoder`) buffers columns and can only hand out a row group at a time
/// and cut a file between row groups. The writing stage sees only segments either way.
///
/// Concurrency: `begin` and `consume` run where the source delivers rows (the database
/// connection's own thread); `takeSegments` and `finish` run in the export task once the batch
/// that produced the rows has completed. That completion orders the calls, so implementations
/// are classes whose state is never touched from two threads at once.
public protocol FileEncoder<Row>: AnyObject, Sendable {
    associatedtype Row
    /// Whether the encoder needs to know which columns of this window hold values their declared
    /// type cannot (``SourceColumn/holdsSpecialValues``): a typed format does, and the source
    /// then makes one pass over the window to find out.
    var needsSourceColumns: Bool { get }
    /// The entity's columns as the source declares them, in export order, before any row.
    /// Implementations hand them to their decoder (``FieldDecoding/prepare(columns:)``).
    func begin(columns: [SourceColumn]) throws
    /// Rows consumed so far.
    var totalRows: Int64 { get }
    /// Encodes one row.
    func consume(_ row: Row) throws
    /// The output finished since the last call, in order.
    func takeSegments() -> [EncodedSegment]
    /// Ends the last file and returns the remaining output.
    func finish() throws -> [EncodedSegment]
}

extension FileEncoder {
    /// Text formats write what the decoder renders, special values included.
    public var needsSourceColumns: Bool { false }
}
