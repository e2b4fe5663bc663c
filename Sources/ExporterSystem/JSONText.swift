import Logging

/// JSON text for log lines, per RFC 8259 (https://www.rfc-editor.org/rfc/rfc8259).
enum JSONText {
    /// Appends `text` as a JSON string (RFC 8259 §7): quotation mark, reverse solidus and the
    /// control characters U+0000–U+001F escaped, everything else written as UTF-8.
    static func appendString(_ text: String, to out: inout String) {
        out.append("\"")
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            out.append(text)
            out.append("\"")
            return
        }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": scalars.append(contentsOf: #"\""#.unicodeScalars)
            case "\\": scalars.append(contentsOf: #"\\"#.unicodeScalars)
            case "\u{08}": scalars.append(contentsOf: #"\b"#.unicodeScalars)
            case "\u{0C}": scalars.append(contentsOf: #"\f"#.unicodeScalars)
            case "\n": scalars.append(contentsOf: #"\n"#.unicodeScalars)
            case "\r": scalars.append(contentsOf: #"\r"#.unicodeScalars)
            case "\t": scalars.append(contentsOf: #"\t"#.unicodeScalars)
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                scalars.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            default: scalars.append(scalar)
            }
        }
        out.append(String(scalars))
        out.append("\"")
    }

    /// Appends a metadata value: strings (and `CustomStringConvertible` values, by their description)
    /// as JSON strings, dictionaries as objects with sorted keys, arrays as arrays.
    static func appendValue(_ value: Logger.MetadataValue, to out: inout String) {
        switch value {
        case .string(let text):
            appendString(text, to: &out)
        case .stringConvertible(let convertible):
            appendString(convertible.description, to: &out)
        case .dictionary(let dictionary):
            out.append("{")
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { out.append(",") }
                appendString(key, to: &out)
                out.append(":")
                if let nested = dictionary[key] { appendValue(nested, to: &out) }
            }
            out.append("}")
        case .array(let values):
            out.append("[")
            for (index, nested) in values.enumerated() {
                if index > 0 { out.append(",") }
                appendValue(nested, to: &out)
            }
            out.append("]")
        }
    }
}
