import ExporterCore
import NIOCore

/// Byte-level writers shared by the encoders: RFC 3339 timestamps, integers, JSON strings,
/// compact JSON. They write through a ``RawByteWriter``; nothing here allocates per value.
public enum TextFormatting {
    /// RFC 3339 UTC, microseconds only when non-zero (DESIGN §2).
    @inlinable
    public static func writeRFC3339(micros: Int64, into out: inout RawByteWriter) {
        out.write(maxBytes: 40) { memory in
            var i = 0
            Timestamp.appendRFC3339(micros: micros) { byte in
                memory[i] = byte
                i += 1
            }
            return i
        }
    }

    /// Decimal digits of an integer, without an intermediate `String`.
    @inlinable
    public static func writeInteger(_ value: Int64, into out: inout RawByteWriter) {
        out.write(maxBytes: 20) { memory in
            // Work in negative numbers so Int64.min has a representation.
            var v = value > 0 ? -value : value
            var digits = 0
            repeat {
                digits += 1
                v /= 10
            } while v != 0
            let length = digits + (value < 0 ? 1 : 0)
            if value < 0 { memory[0] = UInt8(ascii: "-") }
            v = value > 0 ? -value : value
            for i in stride(from: length - 1, through: length - digits, by: -1) {
                memory[i] = UInt8(48 - Int(v % 10))
                v /= 10
            }
            return length
        }
    }

    /// A JSON string literal (RFC 8259 §7): quotes, backslashes and control characters escaped,
    /// other UTF-8 bytes copied as they are.
    public static func writeJSONString(_ bytes: UnsafeRawBufferPointer, into out: inout RawByteWriter) {
        out.write(UInt8(ascii: "\""))
        var runStart = 0
        for i in 0..<bytes.count {
            let byte = bytes[i]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if i > runStart { out.write(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i])) }
            runStart = i + 1
            switch byte {
            case UInt8(ascii: "\""): out.write("\\\"")
            case UInt8(ascii: "\\"): out.write("\\\\")
            case UInt8(ascii: "\n"): out.write("\\n")
            case UInt8(ascii: "\r"): out.write("\\r")
            case UInt8(ascii: "\t"): out.write("\\t")
            case 0x08: out.write("\\b")
            case 0x0C: out.write("\\f")
            default:
                out.write("\\u00")
                out.writeHex(byte)
            }
        }
        if bytes.count > runStart { out.write(UnsafeRawBufferPointer(rebasing: bytes[runStart...])) }
        out.write(UInt8(ascii: "\""))
    }

    /// JSON text without the insignificant whitespace PostgreSQL puts after `:` and `,` (jsonb's
    /// text form is `{"a": 1, "b": [1, 2]}`), so every export writes the compact form.
    public static func writeCompactJSON(_ json: UnsafeRawBufferPointer, into out: inout RawByteWriter) {
        forEachCompactJSONRun(json) { out.write($0) }
    }

    /// Calls `body` with the runs of `json`'s bytes that make up its compact form, in order:
    /// the text between whitespace outside strings. The runs point into `json`'s storage.
    public static func forEachCompactJSONRun(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var inString = false
        var escaped = false
        var runStart = 0
        for i in 0..<bytes.count {
            let byte = bytes[i]
            if inString {
                if escaped { escaped = false }
                else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                if i > runStart { body(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i])) }
                runStart = i + 1
            default:
                break
            }
        }
        if bytes.count > runStart { body(UnsafeRawBufferPointer(rebasing: bytes[runStart...])) }
    }
}
