/// The few fields we read from S3's XML bodies (errors, CreateMultipartUpload, listings).
///
/// S3's responses are small and flat; reading an element's text is all that is needed, and
/// keeps the sink free of an XML dependency that Linux Foundation builds do not all ship.
/// What a body says is believed only once its root element is the one S3 documents for the
/// call (``root(of:)``): a server that is not S3 answers something else.
enum S3XML {
    /// The text of every `<name>` element, entity-decoded, in document order.
    static func values(of name: String, in xml: String) -> [String] {
        var result: [String] = []
        var rest = Substring(xml)
        let open = "<\(name)>"
        let close = "</\(name)>"
        while let start = rest.range(of: open) {
            rest = rest[start.upperBound...]
            guard let end = rest.range(of: close) else { break }
            result.append(decodeEntities(String(rest[..<end.lowerBound])))
            rest = rest[end.upperBound...]
        }
        return result
    }

    static func value(of name: String, in xml: String) -> String? {
        values(of: name, in: xml).first
    }

    /// The name of the document's root element: what follows the first `<` that does not open
    /// the XML declaration, a processing instruction, a comment or a DOCTYPE, up to a space, `>`
    /// or `/`. nil when the body does not start (after white space) with markup.
    static func root(of xml: String) -> String? {
        var rest = Substring(xml)
        while true {
            rest = rest.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
            guard rest.first == "<" else { return nil }
            if rest.hasPrefix("<?") {
                guard let end = rest.range(of: "?>") else { return nil }
                rest = rest[end.upperBound...]
            } else if rest.hasPrefix("<!--") {
                guard let end = rest.range(of: "-->") else { return nil }
                rest = rest[end.upperBound...]
            } else if rest.hasPrefix("<!") {
                guard let end = rest.firstIndex(of: ">") else { return nil }
                rest = rest[rest.index(after: end)...]
            } else {
                let name = rest.dropFirst().prefix { !$0.isWhitespace && $0 != ">" && $0 != "/" }
                return name.isEmpty ? nil : String(name)
            }
        }
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&#34;", with: "\"")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
