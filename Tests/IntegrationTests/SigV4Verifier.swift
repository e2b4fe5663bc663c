import Crypto
import Foundation

/// Checks a received S3 request's AWS Signature Version 4 the way S3 does: rebuilds the
/// canonical request from what arrived on the wire, derives the signing key from the known
/// secret and compares signatures.
///
/// Written for the tests from the AWS documentation ("Create a canonical request", "Create a
/// string to sign", "Calculate the signature",
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html and the S3
/// header-based auth page), deliberately without the project's `SigV4` module: a bug shared
/// by signer and checker would otherwise pass. moto cannot stand in, since it runs without
/// auth here and its own check wrongly rejects an encoded `/` in a query value.
struct SigV4Verifier: Sendable {
    enum Verdict: Sendable, Equatable {
        /// The signature matches. `unsignedPayload` when the body was sent as `UNSIGNED-PAYLOAD`.
        case valid(unsignedPayload: Bool)
        /// Why S3 would refuse the request (SignatureDoesNotMatch and kin).
        case invalid(String)
    }

    let accessKeyID: String
    let secretAccessKey: String
    let region: String
    let service: String

    /// Steps 2 to 4 of SigV4, written independently of the exporter's signer: the string to sign
    /// of `canonicalRequest`, the signing key, and the hex signature (header and query signing alike).
    func expectedSignature(of canonicalRequest: String, amzDate: String, dateStamp: String, scope: String) -> String {
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8)))]
            .joined(separator: "\n")
        var key = SymmetricKey(data: Array(("AWS4" + secretAccessKey).utf8))
        for part in [dateStamp, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    init(accessKeyID: String, secretAccessKey: String, region: String = "us-east-1", service: String = "s3") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.service = service
    }

    /// Verifies one request.
    /// - Parameters:
    ///   - target: the request target as received (`/bucket/key?query`, still percent-encoded).
    ///   - headers: every header as received, repeated names included.
    ///   - now: when set, `x-amz-date` must be within 15 minutes of it, as S3 requires.
    func verify(method: String, target: String, headers: [(String, String)], body: [UInt8], now: Date? = nil) -> Verdict {
        func header(_ name: String) -> [String] {
            headers.filter { $0.0.lowercased() == name }.map(\.1)
        }
        guard let authorization = header("authorization").first else {
            if Self.split(target: target).query.contains("X-Amz-Signature=") {
                return verifyPresigned(method: method, target: target, headers: headers, now: now)
            }
            return .invalid("no Authorization header")
        }
        guard let auth = Authorization(authorization) else { return .invalid("malformed Authorization: \(authorization)") }
        guard auth.accessKeyID == accessKeyID else { return .invalid("access key \(auth.accessKeyID), expected \(accessKeyID)") }
        guard let amzDate = header("x-amz-date").first, amzDate.utf8.count == 16 else {
            return .invalid("no x-amz-date header of the form YYYYMMDDTHHMMSSZ")
        }
        let dateStamp = String(amzDate.prefix(8))
        let scope = "\(dateStamp)/\(region)/\(service)/aws4_request"
        guard auth.scope == scope else { return .invalid("credential scope \(auth.scope), expected \(scope)") }
        if let now {
            guard let signedAt = Self.parse(amzDate: amzDate) else { return .invalid("x-amz-date \(amzDate) is not a time") }
            guard abs(signedAt.timeIntervalSince(now)) <= 15 * 60 else { return .invalid("x-amz-date \(amzDate) is over 15 minutes off") }
        }

        // What S3 insists on being signed: Host, Content-MD5 when sent, and every x-amz-* header.
        let signed = Set(auth.signedHeaders)
        guard auth.signedHeaders == auth.signedHeaders.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) else {
            return .invalid("SignedHeaders not sorted: \(auth.signedHeaders)")
        }
        for name in Set(headers.map { $0.0.lowercased() }) where name == "host" || name == "content-md5" || name.hasPrefix("x-amz-") {
            guard signed.contains(name) else { return .invalid("header \(name) was sent but not signed") }
        }

        // The payload: S3 compares a real hash with the body it received.
        guard let payloadHash = header("x-amz-content-sha256").first else { return .invalid("no x-amz-content-sha256 header") }
        let unsigned = payloadHash == "UNSIGNED-PAYLOAD"
        if !unsigned {
            guard !payloadHash.hasPrefix("STREAMING-") else { return .invalid("streaming payload \(payloadHash) is not checked here") }
            let actual = Self.hex(SHA256.hash(data: body))
            guard payloadHash == actual else {
                return .invalid("x-amz-content-sha256 \(payloadHash) does not match the body's SHA-256 \(actual) (\(body.count) bytes)")
            }
        }

        // Step 1: the canonical request.
        let (rawPath, rawQuery) = Self.split(target: target)
        guard let path = Self.percentDecode(rawPath) else { return .invalid("path \(rawPath) is not percent-encoded correctly") }
        // S3: the path is URI-encoded once, slashes kept, and not normalized.
        let canonicalURI = path.isEmpty ? "/" : Self.uriEncode(path, encodeSlash: false)
        var query: [(name: String, value: String)] = []
        for item in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.percentDecode(String(parts[0])),
                  let value = Self.percentDecode(parts.count > 1 ? String(parts[1]) : "") else {
                return .invalid("query item \(item) is not percent-encoded correctly")
            }
            query.append((Self.uriEncode(name, encodeSlash: true), Self.uriEncode(value, encodeSlash: true)))
        }
        let canonicalQuery = query
            .sorted { $0.name == $1.name ? $0.value.utf8.lexicographicallyPrecedes($1.value.utf8)
                                         : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
        var canonicalHeaders = ""
        for name in auth.signedHeaders {
            let values = header(name)
            guard !values.isEmpty else { return .invalid("signed header \(name) is missing from the request") }
            canonicalHeaders += name + ":" + values.map(Self.trimAll).joined(separator: ",") + "\n"
        }
        let canonicalRequest = [method, canonicalURI, canonicalQuery, canonicalHeaders,
                                auth.signedHeaders.joined(separator: ";"), payloadHash].joined(separator: "\n")

        // Step 2 and 3: the string to sign. Step 4: the signature.
        let expected = expectedSignature(of: canonicalRequest, amzDate: amzDate, dateStamp: dateStamp, scope: scope)
        guard expected == auth.signature else {
            return .invalid("signature \(auth.signature), expected \(expected) for the canonical request:\n\(canonicalRequest)")
        }
        return .valid(unsignedPayload: unsigned)
    }

    /// The fields of `AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=a;b, Signature=hex`.
    struct Authorization {
        let accessKeyID: String
        let scope: String
        let signedHeaders: [String]
        let signature: String

        init?(_ text: String) {
            guard text.hasPrefix("AWS4-HMAC-SHA256 ") else { return nil }
            var fields: [String: String] = [:]
            for field in text.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",") {
                let pair = field.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { return nil }
                fields[String(pair[0])] = String(pair[1])
            }
            guard let credential = fields["Credential"], let headers = fields["SignedHeaders"],
                  let signature = fields["Signature"], let slash = credential.firstIndex(of: "/") else { return nil }
            accessKeyID = String(credential[..<slash])
            scope = String(credential[credential.index(after: slash)...])
            signedHeaders = headers.split(separator: ";").map(String.init)
            self.signature = signature
        }
    }

    static func split(target: String) -> (path: String, query: String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }

    /// `%XX` sequences to bytes, everything else as is (`+` stays `+`); nil when malformed or not UTF-8.
    static func percentDecode(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard input.count >= 2, let value = UInt8(String(decoding: input.prefix(2), as: UTF8.self), radix: 16) else { return nil }
            bytes.append(value)
            input = input.dropFirst(2)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// AWS's UriEncode: every byte but `A-Za-z0-9-._~` (and `/` unless `encodeSlash`) as `%XX`, hex upper case.
    static func uriEncode(_ text: String, encodeSlash: Bool) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where !encodeSlash:
                out += "/"
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Trimall: no leading or trailing spaces, inner runs of spaces and tabs as one space.
    static func trimAll(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    static func parse(amzDate: String) -> Date? {
        let digits = amzDate.filter(\.isNumber)
        guard digits.count == 14 else { return nil }
        func number(_ from: Int, _ length: Int) -> Int? {
            Int(digits.dropFirst(from).prefix(length))
        }
        var components = DateComponents()
        components.calendar = Calendar(identifier: .gregorian)
        components.timeZone = TimeZone(identifier: "UTC")
        components.year = number(0, 4)
        components.month = number(4, 2)
        components.day = number(6, 2)
        components.hour = number(8, 2)
        components.minute = number(10, 2)
        components.second = number(12, 2)
        return components.date
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
