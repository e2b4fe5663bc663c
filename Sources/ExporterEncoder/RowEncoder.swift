import ExporterCore
import NIOCore

/// Turns rows of ``FieldValue``s into the bytes of one file.
///
/// The source calls it cell by cell straight from PostgreSQL's buffers, so no row is ever
/// materialised as an array or a `String`. A file is `fileHeader`, then rows, then `fileFooter`;
/// an encoder is reset with `startFile` when output rolls over into the next part file, so each
/// part is complete on its own (a CSV header, a closed JSON array).
///
/// Output goes through a ``RawByteWriter`` over space reserved for one row. When a row does not
/// fit, the caller restores a copy of the encoder taken before `beginRow` and writes the row
/// again with more space; so an encoder's state is plain values, never a buffer it writes into.
public protocol RowEncoder: Sendable {
    /// Starts a new file: writes what precedes the first row (a CSV header, `[`).
    mutating func startFile(into out: inout RawByteWriter)
    mutating func beginRow(into out: inout RawByteWriter)
    mutating func writeField(_ value: FieldValue, into out: inout RawByteWriter)
    mutating func endRow(into out: inout RawByteWriter)
    /// Writes what follows the last row (`]`).
    mutating func finishFile(into out: inout RawByteWriter)
}

