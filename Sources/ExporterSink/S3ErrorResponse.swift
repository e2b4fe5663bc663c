/// The few fields we read from S3's XML bodies (errors, CreateMultipartUpload, ListMultipartUploads).
///
/// S3's responses are small and flat; reading an element's text is all that is needed, and
/// keeps the sink free of an XML dependency that Linux Foundation builds do not all ship.
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
