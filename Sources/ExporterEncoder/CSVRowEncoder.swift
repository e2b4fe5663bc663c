import ExporterCore
import NIOCore

/// CSV as RFC 4180 defines it (https://www.rfc-editor.org/rfc/rfc4180):
/// a header line of column names, CRLF line breaks (§2.1), fields that contain a comma, a double
/// quote, CR or LF enclosed in double quotes (§2.6) with inner quotes doubled (§2.7).
///
/// NULL is an empty field and the empty string is `""`, so a reader can tell them apart.
/// JSON values are written as compact JSON text.
public struct CSVRowEncoder: RowEncoder {
    private let header: ByteBuffer
    private var fieldIndex = 0
    /// Reused for each JSON cell's compact form, so no buffer is allocated per row.
    private var scratch = ByteBuffer()

    public init(columns: [String]) {
        var header = ByteBuffer()
        for (i, column) in columns.enumerated() {
            if i > 0 { header.writeInteger(UInt8(ascii: ",")) }
            var name = ByteBuffer(string: column)
            Self.writeEscaped(&name, into: &header)
        }
        header.writeBytes([UInt8(ascii: "\r"), UInt8(ascii: "\n")])
        self.header = header
    }

    public mutating func startFile(into buffer: inout ByteBuffer) {
        buffer.writeImmutableBuffer(header)
    }

    public mutating func beginRow(into buffer: inout ByteBuffer) {
        fieldIndex = 0
    }

    public mutating func writeField(_ value: FieldValue, into buffer: inout ByteBuffer) {
        if fieldIndex > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
        fieldIndex += 1
        switch value {
        case .null:
            break
        case .text(var bytes), .decimal(var bytes):
            if bytes.readableBytes == 0 {
                buffer.writeBytes([UInt8(ascii: "\""), UInt8(ascii: "\"")])
            } else {
                Self.writeEscaped(&bytes, into: &buffer)
            }
        case .integer(let n):
            TextFormatting.writeInteger(n, into: &buffer)
        case .bool(let b):
            buffer.writeStaticString(b ? "true" : "false")
        case .timestamp(let micros):
            TextFormatting.writeRFC3339(micros: micros, into: &buffer)
        case .json(let bytes):
            // Compact JSON of any complexity contains quotes and commas; quote it as a field.
            scratch.clear()
            TextFormatting.writeCompactJSON(bytes, into: &scratch)
            var compact = scratch
            Self.writeEscaped(&compact, into: &buffer)
        }
    }

    public mutating func endRow(into buffer: inout ByteBuffer) {
        buffer.writeBytes([UInt8(ascii: "\r"), UInt8(ascii: "\n")])
    }

    public mutating func finishFile(into buffer: inout ByteBuffer) {}

    /// RFC 4180 §2.6/§2.7: quote when needed, double inner quotes.
    static func writeEscaped(_ field: inout ByteBuffer, into buffer: inout ByteBuffer) {
        let needsQuotes = field.readableBytesView.contains { byte in
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
        }
        guard needsQuotes else {
            buffer.writeBuffer(&field)
            return
        }
        buffer.writeInteger(UInt8(ascii: "\""))
        while let quote = field.readableBytesView.firstIndex(of: UInt8(ascii: "\"")) {
            let length = quote - field.readerIndex + 1
            if var run = field.readSlice(length: length) {
                buffer.writeBuffer(&run)
            }
            buffer.writeInteger(UInt8(ascii: "\""))
        }
        buffer.writeBuffer(&field)
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
