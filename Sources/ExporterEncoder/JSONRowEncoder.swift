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
    private var rowsInFile = 0

    public init(columns: [String], style: Style) {
        self.style = style
        keys = columns.map { column in
            var key = ByteBuffer()
            TextFormatting.writeJSONString(ByteBuffer(string: column), into: &key)
            key.writeInteger(UInt8(ascii: ":"))
            return key
        }
    }

    public mutating func startFile(into buffer: inout ByteBuffer) {
        rowsInFile = 0
        if style == .array { buffer.writeInteger(UInt8(ascii: "[")) }
    }

    public mutating func beginRow(into buffer: inout ByteBuffer) {
        if style == .array {
            if rowsInFile > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        rowsInFile += 1
        fieldIndex = 0
        buffer.writeInteger(UInt8(ascii: "{"))
    }

    public mutating func writeField(_ value: FieldValue, into buffer: inout ByteBuffer) {
        if fieldIndex > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
        if fieldIndex < keys.count { buffer.writeImmutableBuffer(keys[fieldIndex]) }
        fieldIndex += 1
        switch value {
        case .null:
            buffer.writeStaticString("null")
        case .text(let bytes), .decimal(let bytes):
            TextFormatting.writeJSONString(bytes, into: &buffer)
        case .integer(let n):
            TextFormatting.writeInteger(n, into: &buffer)
        case .bool(let b):
            buffer.writeStaticString(b ? "true" : "false")
        case .timestamp(let micros):
            buffer.writeInteger(UInt8(ascii: "\""))
            TextFormatting.writeRFC3339(micros: micros, into: &buffer)
            buffer.writeInteger(UInt8(ascii: "\""))
        case .json(let bytes):
            TextFormatting.writeCompactJSON(bytes, into: &buffer)
        }
    }

    public mutating func endRow(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "}"))
        if style == .lines { buffer.writeInteger(UInt8(ascii: "\n")) }
    }

    public mutating func finishFile(into buffer: inout ByteBuffer) {
        if style == .array {
            if rowsInFile > 0 { buffer.writeInteger(UInt8(ascii: "\n")) }
            buffer.writeBytes([UInt8(ascii: "]"), UInt8(ascii: "\n")])
        }
    }
}
