import ExporterCore

/// A cell of a test row that owns its bytes. A ``FieldValue`` only borrows its bytes for the
/// length of a decoder's callback, so tests keep their rows as cells and lend each one with
/// ``withValue(_:)`` when an encoder reads it.
public enum TestCell: Sendable {
    case null
    case text(String)
    case decimal(String)
    case integer(Int64)
    case bool(Bool)
    case timestamp(micros: Int64)
    case json(String)

    /// Calls `body` with the cell as the ``FieldValue`` a decoder would hand over.
    public func withValue<R>(_ body: (FieldValue) throws -> R) rethrows -> R {
        switch self {
        case .null: return try body(.null)
        case .integer(let n): return try body(.integer(n))
        case .bool(let b): return try body(.bool(b))
        case .timestamp(let micros): return try body(.timestamp(micros: micros))
        case .text(let s): return try Self.bytes(of: s) { try body(.text($0)) }
        case .decimal(let s): return try Self.bytes(of: s) { try body(.decimal($0)) }
        case .json(let s): return try Self.bytes(of: s) { try body(.json($0)) }
        }
    }

    private static func bytes<R>(of text: String, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var text = text
        return try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }
}
