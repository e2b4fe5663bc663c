/// An S3 error document, the body S3 sends with an error status (and CompleteMultipartUpload and
/// CopyObject sometimes with 200):
/// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#RESTErrorResponses
///
/// Only a body that is one is read: its root element is `Error` and its `Code` is a word of
/// letters and digits, as every S3 code is. Anything else an endpoint sends (an HTML page, a
/// JSON document, the answer of a service that is not S3) is never parsed for a code and never
/// copied into an error: run history and `tasks.error_summary` are shown to tenants, and the
/// endpoint is theirs to choose. The message is bounded and reduced to one line.
struct S3ErrorResponse: Sendable, Equatable {
    /// Longest `Code` accepted; S3's longest is under 40 characters.
    static let maxCodeLength = 64
    /// Longest `Message` kept; longer ones end with `…`.
    static let maxMessageLength = 200

    let code: String
    let message: String?

    init(code: String, message: String?) {
        self.code = code
        self.message = message
    }

    /// nil unless `body` is an S3 error document.
    init?(body: String) {
        guard S3XML.root(of: body) == "Error", let code = S3XML.value(of: "Code", in: body),
              (1...Self.maxCodeLength).contains(code.utf8.count),
              code.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == ".") })
        else { return nil }
        self.code = code
        let message = S3XML.value(of: "Message", in: body).map { Self.oneLine($0, limit: Self.maxMessageLength) }
        self.message = message?.isEmpty == false ? message : nil
    }

    /// `text` on one line (control characters and runs of white space as one space), at most
    /// `limit` characters (then ending with `…`).
    static func oneLine(_ text: String, limit: Int) -> String {
        var out = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
                || scalar.properties.generalCategory == .format {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.unicodeScalars.append(" ") }
            pendingSpace = false
            out.unicodeScalars.append(scalar)
        }
        guard out.count > limit else { return out }
        return String(out.prefix(limit - 1)) + "…"
    }
}
