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

    public init(columns: [String]) {
        var header = ByteBuffer()
        header.writeWithRawByteWriter { out in
            for (i, column) in columns.enumerated() {
                if i > 0 { out.write(UInt8(ascii: ",")) }
                var name = column
                name.withUTF8 { Self.writeEscaped(UnsafeRawBufferPointer($0), into: &out) }
            }
            out.write("\r\n")
        }
        self.header = header
    }

    public mutating func startFile(into out: inout RawByteWriter) {
        out.write(header)
    }

    public mutating func beginRow(into out: inout RawByteWriter) {
        fieldIndex = 0
    }

    public mutating func writeField(_ value: FieldValue, into out: inout RawByteWriter) {
        if fieldIndex > 0 { out.write(UInt8(ascii: ",")) }
        fieldIndex += 1
        switch value {
        case .null:
            break
        case .text(let bytes), .decimal(let bytes):
            if bytes.isEmpty {
                out.write("\"\"")
            } else {
                Self.writeEscaped(bytes, into: &out)
            }
        case .integer(let n):
            TextFormatting.writeInteger(n, into: &out)
        case .bool(let b):
            out.write(b ? "true" : "false")
        case .timestamp(let micros):
            TextFormatting.writeRFC3339(micros: micros, into: &out)
        case .json(let bytes):
            // The compact form, quoted as a field when it needs it (any object or string does).
            Self.writeEscaped(runs: { TextFormatting.forEachCompactJSONRun(bytes, $0) }, into: &out)
        }
    }

    public mutating func endRow(into out: inout RawByteWriter) {
        out.write("\r\n")
    }

    public mutating func finishFile(into out: inout RawByteWriter) {}

    /// RFC 4180 §2.6/§2.7: quote when needed, double inner quotes.
    static func writeEscaped(_ field: UnsafeRawBufferPointer, into out: inout RawByteWriter) {
        writeEscaped(runs: { $0(field) }, into: &out)
    }

    /// The same for a field given as consecutive runs of bytes: `runs` calls its argument with
    /// each run, in order; it is called twice (find whether quotes are needed, then write).
    static func writeEscaped(
        runs: ((UnsafeRawBufferPointer) -> Void) -> Void, into out: inout RawByteWriter
    ) {
        var needsQuotes = false
        runs { run in
            guard !needsQuotes else { return }
            for byte in run where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"")
                || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                needsQuotes = true
                return
            }
        }
        guard needsQuotes else {
            runs { out.write($0) }
            return
        }
        out.write(UInt8(ascii: "\""))
        runs { run in
            var start = 0
            for i in 0..<run.count where run[i] == UInt8(ascii: "\"") {
                // Up to and including the quote, then the quote again.
                out.write(UnsafeRawBufferPointer(rebasing: run[start...i]))
                out.write(UInt8(ascii: "\""))
                start = i + 1
            }
            if start < run.count { out.write(UnsafeRawBufferPointer(rebasing: run[start...])) }
        }
        out.write(UInt8(ascii: "\""))
    }
}
