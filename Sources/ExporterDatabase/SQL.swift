import ExporterCore
import Foundation

/// A statement with its parameters bound, never spliced: `"... WHERE id = \(id)"` becomes
/// `... WHERE id = $1` with `id` sent apart from the text (libpq's `PQexecParams`), so a value
/// can never change what the statement does.
///
/// Parameters travel as text with a declared type (text, int8, float8, bool, timestamptz,
/// text[]), so the server reads them the way the SQL around them expects.
public struct SQL: Sendable, Hashable, ExpressibleByStringInterpolation {
    public var text: String
    public var binds: SQLBindings

    /// `text` as written, with `binds` for its `$1`, `$2`, ... The caller guarantees `text`
    /// holds no outside input (identifiers come from code, values go in `binds`).
    public init(unsafeSQL text: String, binds: SQLBindings = SQLBindings()) {
        self.text = text
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(unsafeSQL: stringInterpolation.text, binds: stringInterpolation.binds)
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var text = ""
        var binds = SQLBindings()

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + 4 * interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            text += literal
        }

        /// A bound parameter.
        public mutating func appendInterpolation(_ value: some SQLBindable) {
            binds.append(value)
            text += "$\(binds.count)"
        }

        /// A bound parameter that may be NULL (spelled out, so the compiler does not take the
        /// optional for a debug description).
        public mutating func appendInterpolation<Value: SQLBindable>(_ value: Value?) {
            binds.append(value)
            text += "$\(binds.count)"
        }
    }

    /// The statement with every `$n` replaced by its value as a quoted literal with a cast,
    /// for statements that take no parameters (COPY). `quote` must quote a string literal for
    /// the connection (libpq's `PQescapeLiteral`); `$n` inside quotes or identifiers is left alone.
    func inliningParameters(quote: (String) throws -> String) throws -> String {
        guard binds.count > 0 else { return text }
        var out = ""
        var chars = text.makeIterator()
        var pending: Character?
        var quoteChar: Character?
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return chars.next()
        }
        while let c = next() {
            if let q = quoteChar {
                out.append(c)
                if c == q { quoteChar = nil }
                continue
            }
            if c == "'" || c == "\"" {
                quoteChar = c
                out.append(c)
                continue
            }
            guard c == "$" else { out.append(c); continue }
            var digits = ""
            while let d = next() {
                if d.isASCII, d.isNumber { digits.append(d) } else { pending = d; break }
            }
            guard let n = Int(digits), (1...binds.count).contains(n) else {
                out.append("$" + digits)
                continue
            }
            let index = n - 1
            if let value = binds.values[index] {
                out += try quote(value) + "::" + SQLBindings.typeName(binds.types[index])
            } else {
                out += "NULL::" + SQLBindings.typeName(binds.types[index])
            }
        }
        return out
    }
}

/// The parameters of an ``SQL`` statement: text values (nil for NULL) and their type OIDs.
public struct SQLBindings: Sendable, Hashable {
    public private(set) var values: [String?] = []
    public private(set) var types: [UInt32] = []

    public init() {}

    public var count: Int { values.count }

    public mutating func append(_ value: some SQLBindable) {
        values.append(value.sqlText)
        types.append(type(of: value).postgresTypeOID)
    }

    /// The SQL name of a type OID this file binds, for casts of inlined literals.
    static func typeName(_ oid: UInt32) -> String {
        switch oid {
        case 16: "boolean"
        case 20: "bigint"
        case 21: "smallint"
        case 23: "integer"
        case 701: "double precision"
        case 1009: "text[]"
        case 1184: "timestamptz"
        default: "text"
        }
    }
}

/// A Swift value that can be a statement parameter: its text form and PostgreSQL type.
public protocol SQLBindable: Sendable {
    /// The type OID the server reads the text as (`pg_type.oid`).
    static var postgresTypeOID: UInt32 { get }
    /// The value in PostgreSQL's text input format; nil is NULL.
    var sqlText: String? { get }
}

extension String: SQLBindable {
    public static var postgresTypeOID: UInt32 { 25 }
    public var sqlText: String? { self }
}

extension Int: SQLBindable {
    public static var postgresTypeOID: UInt32 { 20 }
    public var sqlText: String? { String(self) }
}

extension Int64: SQLBindable {
    public static var postgresTypeOID: UInt32 { 20 }
    public var sqlText: String? { String(self) }
}

extension Int32: SQLBindable {
    public static var postgresTypeOID: UInt32 { 23 }
    public var sqlText: String? { String(self) }
}

extension Double: SQLBindable {
    public static var postgresTypeOID: UInt32 { 701 }
    /// Swift's shortest round-trip text, which PostgreSQL's float8 input reads back exactly.
    public var sqlText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return "\(self)"
    }
}

extension Bool: SQLBindable {
    public static var postgresTypeOID: UInt32 { 16 }
    public var sqlText: String? { self ? "true" : "false" }
}

extension Date: SQLBindable {
    public static var postgresTypeOID: UInt32 { 1184 }
    /// RFC 3339 in UTC with microseconds, the precision of timestamptz.
    public var sqlText: String? {
        let micros = Int64((timeIntervalSince1970 * 1_000_000).rounded())
        return Timestamp.rfc3339(micros: micros)
    }
}

extension Array: SQLBindable where Element == String {
    public static var postgresTypeOID: UInt32 { 1009 }
    /// An array literal with every element double-quoted: `{"a","b \"c\""}`.
    /// Built from UTF-8 bytes: `"` and `\` are ASCII, and no byte of a multi-byte character is
    /// either (going by Characters took 42% of the CPU of catching up 26,280 files' adds).
    public var sqlText: String? {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(reduce(2) { $0 + $1.utf8.count + 3 })
        for (index, element) in enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            for byte in element.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    public static var postgresTypeOID: UInt32 { Wrapped.postgresTypeOID }
    public var sqlText: String? { self?.sqlText }
}
