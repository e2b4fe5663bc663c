/// Reads the cells of one source row as ``FieldValue``s, in column order.
///
/// The seam between where rows come from (PostgreSQL's wire format today) and the encoders:
/// an encoder holds its decoder and asks it for a row's cells one at a time, so no row is ever
/// materialised as an array and each value can be a slice of the source's own buffer.
public protocol FieldDecoding {
    associatedtype Row
    /// Called once before the first row with the columns as the source declares them (their
    /// types say how the source's bytes are to be read).
    mutating func prepare(columns: [SourceColumn]) throws
    /// Calls `body` with each cell of `row`, in column order. A value's bytes point into the row or
    /// the decoder's scratch space: `body` must use them before returning. A text encoder may read
    /// the same row twice (when it did not fit its reserved space), so this must not consume it.
    mutating func forEachField(of row: Row, _ body: (FieldValue) throws -> Void) throws
}

extension FieldDecoding {
    /// A decoder whose rows describe themselves needs no preparation.
    public mutating func prepare(columns: [SourceColumn]) throws {}
}
