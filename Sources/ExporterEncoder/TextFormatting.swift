import ExporterCore
import NIOCore

/// Byte-level writers shared by the encoders: RFC 3339 timestamps, JSON strings, compact JSON.
/// They write into the output buffer directly; nothing here allocates per value.
public enum TextFormatting {
    /// RFC 3339 UTC, microseconds only when non-zero (DESIGN §2).
    public static func writeRFC3339(micros: Int64, into buffer: inout ByteBuffer) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 40) { out in
            var i = 0
            Timestamp.appendRFC3339(micros: micros) { byte in
                out[i] = byte
                i += 1
            }
            return i
        }
    }

    /// Decimal digits of an integer, without an intermediate `String`.
    public static func writeInteger(_ value: Int64, into buffer: inout ByteBuffer) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 20) { out in
            // Work in negative numbers so Int64.min has a representation.
            var v = value > 0 ? -value : value
            var digits = 0
            repeat {
                digits += 1
                v /= 10
            } while v != 0
            let length = digits + (value < 0 ? 1 : 0)
            if value < 0 { out[0] = UInt8(ascii: "-") }
            v = value > 0 ? -value : value
            for i in stride(from: length - 1, through: length - digits, by: -1) {
                out[i] = UInt8(48 - Int(v % 10))
                v /= 10
            }
            return length
        }
    }

    /// A JSON string literal (RFC 8259 §7): quotes, backslashes and control characters escaped,
    /// other UTF-8 bytes copied as they are.
    public static func writeJSONString(_ text: ByteBuffer, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        text.withUnsafeReadableBytes { bytes in
            var runStart = 0
            for i in 0..<bytes.count {
                let byte = bytes[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if i > runStart { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i])) }
                runStart = i + 1
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                case 0x08: buffer.writeStaticString("\\b")
                case 0x0C: buffer.writeStaticString("\\f")
                default:
                    buffer.writeBytes([UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                       hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            if bytes.count > runStart { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart...])) }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Copies JSON text without the insignificant whitespace PostgreSQL puts after `:` and `,`
    /// (jsonb's text form is `{"a": 1, "b": [1, 2]}`), so every export writes the compact form.
    public static func writeCompactJSON(_ json: ByteBuffer, into buffer: inout ByteBuffer) {
        json.withUnsafeReadableBytes { bytes in
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
                    if i > runStart { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i])) }
                    runStart = i + 1
                default:
                    break
                }
            }
            if bytes.count > runStart { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart...])) }
        }
    }
}
