import Foundation

/// A parsed JSON document that keeps booleans, numbers and strings apart.
///
/// FlexPrice's `sync_config` and `encrypted_secret_data` are free-form jsonb written by people;
/// validating them field by field needs to tell `true` from `1` and `"100"` from `100`, which
/// `JSONSerialization`'s bridged `NSNumber`s do not do the same way on every platform.
public enum JSONValue: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? container.decode(Double.self) {
            self = .number(n)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses JSON text; nil when it is not JSON.
    public static func parse(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self, let v = o[key], v != .null { return v }
        return nil
    }

    /// A short description of the JSON type, for error messages that must not echo values.
    public var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSONValue {
    /// Appends `text` as a JSON string literal (RFC 8259 §7): `"` and `\` escaped, control
    /// characters (U+0000 to U+001F) as `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`; every other
    /// character kept as its UTF-8 (a Swift `String` is always valid Unicode, so the output is
    /// valid UTF-8). For JSON written by hand where key order matters (statistics, schemas).
    public static func appendStringLiteral(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u00" + (hex.count < 2 ? "0" : "") + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// `text` as a JSON string literal, quotes included (``appendStringLiteral(_:to:)``).
    public static func stringLiteral(_ text: String) -> String {
        var out = ""
        appendStringLiteral(text, to: &out)
        return out
    }
}
