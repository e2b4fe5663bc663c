/// AWS's `UriEncode` function, as defined for Signature Version 4.
///
/// Exists because the general-purpose percent-encoders (Foundation's `addingPercentEncoding`,
/// `URLComponents`) leave characters such as `+`, `=`, `$`, `!` or `*` alone in paths and
/// queries, while AWS computes the signature over the strict RFC 3986 form in which only the
/// unreserved characters `A-Z a-z 0-9 - . _ ~` survive. Any difference between how we encode and
/// how AWS re-encodes on its side is a `SignatureDoesNotMatch`, so both the signer (canonical
/// query string, normalized paths) and the S3 client (object keys on the wire) use this one
/// encoder.
///
/// See "URI-encode" in
/// [Create a signed AWS API request](https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
public enum URIEncoding {
    /// Percent-encodes every UTF-8 byte of `s` except the unreserved characters, using
    /// uppercase hex (`%2F`, never `%2f`) because the signature is computed over exact bytes.
    ///
    /// - Parameter encodeSlash: `false` when encoding an S3 object key into a URI path, so that
    ///   `a/b.csv` stays a path with two segments; `true` everywhere else (query names and values,
    ///   single path segments), where a `/` is data and must become `%2F`.
    public static func encode(_ s: String, encodeSlash: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for byte in s.utf8 {
            if isUnreserved(byte) || (byte == UInt8(ascii: "/") && !encodeSlash) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3986 section 2.3; kept separate so the set is written down exactly once.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}
