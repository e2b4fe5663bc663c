import ExporterCore
import NIOCore

/// Turns rows of ``FieldValue``s into the bytes of one file.
///
/// The source calls it cell by cell straight from PostgreSQL's buffers, so no row is ever
/// materialised as an array or a `String`. A file is `fileHeader`, then rows, then `fileFooter`;
/// an encoder is reset with `startFile` when output rolls over into the next part file, so each
/// part is complete on its own (a CSV header, a closed JSON array).
public protocol RowEncoder {
    /// Starts a new file: writes what precedes the first row (a CSV header, `[`).
    mutating func startFile(into buffer: inout ByteBuffer)
    mutating func beginRow(into buffer: inout ByteBuffer)
    mutating func writeField(_ value: FieldValue, into buffer: inout ByteBuffer)
    mutating func endRow(into buffer: inout ByteBuffer)
    /// Writes what follows the last row (`]`).
    mutating func finishFile(into buffer: inout ByteBuffer)
}

/// Makes the encoder a connection's format asks for.
public enum RowEncoders {
    public static func make(_ format: ExportFormat, columns: [String]) -> any RowEncoder {
        switch format {
        case .csv: CSVRowEncoder(columns: columns)
        case .json: JSONRowEncoder(columns: columns, style: .array)
        case .ndjson: JSONRowEncoder(columns: columns, style: .lines)
        }
    }
}
