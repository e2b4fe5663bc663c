import ExporterCore
import NIOCore

/// JSON output (RFC 8259): one array per file (`.array`) or one object per line (`.lines`,
/// NDJSON). Each row is an object keyed by column name, in column order.
///
/// Exact decimals and timestamps are JSON strings (no reader may round them through a float),
/// integers and booleans are JSON literals, jsonb values are embedded as JSON, NULL is `null`.
public struct JSONRowEncoder: RowEncoder {
    public enum Style: Sendable { case array, lines }

    /// `"name":` for each column, escaped once, written before each value.
    private let keys: [ByteBuffer]
    private let style: Style
    private var fieldIndex = 0
    /// Rows written to the current file; counted when a row ends, so a row that is written
    /// again (after its output did not fit) is counted once.
    private var rowsInFile = 0

    public init(columns: [String], style: Style) {
        self.style = style
        keys = columns.map { column in
            var key = ByteBuffer()
            key.writeWithRawByteWriter { out in
                var name = column
                name.withUTF8 { TextFormatting.writeJSONString(UnsafeRawBufferPointer($0), into: &out) }
                out.write(UInt8(ascii: ":"))
            }
            return key
        }
    }

    public mutating func startFile(into out: inout RawByteWriter) {
        rowsInFile = 0
        if style == .array { out.write(UInt8(ascii: "[")) }
    }

    public mutating func beginRow(into out: inout RawByteWriter) {
        if style == .array {
            if rowsInFile > 0 { out.write(UInt8(ascii: ",")) }
            out.write(UInt8(ascii: "\n"))
        }
        fieldIndex = 0
        out.write(UInt8(ascii: "{"))
    }

    public mutating func writeField(_ value: FieldValue, into out: inout RawByteWriter) {
        if fieldIndex > 0 { out.write(UInt8(ascii: ",")) }
        if fieldIndex < keys.count { out.write(keys[fieldIndex]) }
        fieldIndex += 1
        switch value {
        case .null:
            out.write("null")
        case .text(let bytes), .decimal(let bytes):
            TextFormatting.writeJSONString(bytes, into: &out)
        case .integer(let n):
            TextFormatting.writeInteger(n, into: &out)
        case .bool(let b):
            out.write(b ? "true" : "false")
        case .timestamp(let micros):
            out.write(UInt8(ascii: "\""))
            TextFormatting.writeRFC3339(micros: micros, into: &out)
            out.write(UInt8(ascii: "\""))
        case .json(let bytes):
            TextFormatting.writeCompactJSON(bytes, into: &out)
        }
    }

    public mutating func endRow(into out: inout RawByteWriter) {
        out.write(UInt8(ascii: "}"))
        rowsInFile += 1
        if style == .lines { out.write(UInt8(ascii: "\n")) }
    }

    public mutating func finishFile(into out: inout RawByteWriter) {
        if style == .array {
            if rowsInFile > 0 { out.write(UInt8(ascii: "\n")) }
            out.write("]\n")
        }
    }
}
