import Crypto
import Foundation

/// Presigned URLs (query-parameter authentication), checked as S3 does, from "Authenticating
/// Requests: Using Query Parameters (AWS Signature Version 4)"
/// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html), again without
/// the project's `SigV4` module. moto 5.2 cannot check these: its auth reads only the
/// `Authorization` header.
extension SigV4Verifier {
    /// Verifies a request authenticated by its `X-Amz-*` query parameters.
    /// - Parameter now: when set, the URL must not have expired (`X-Amz-Date` + `X-Amz-Expires`).
    func verifyPresigned(method: String, target: String, headers: [(String, String)], now: Date?) -> Verdict {
        let (rawPath, rawQuery) = Self.split(target: target)
        var items: [(name: String, value: String)] = []
        for item in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.percentDecode(String(parts[0])),
                  let value = Self.percentDecode(parts.count > 1 ? String(parts[1]) : "") else {
                return .invalid("query item \(item) is not percent-encoded correctly")
            }
            items.append((name, value))
        }
        func item(_ name: String) -> String? { items.first { $0.name == name }?.value }
        guard item("X-Amz-Algorithm") == "AWS4-HMAC-SHA256" else { return .invalid("X-Amz-Algorithm is not AWS4-HMAC-SHA256") }
        guard let credential = item("X-Amz-Credential"), let slash = credential.firstIndex(of: "/") else {
            return .invalid("no X-Amz-Credential")
        }
        let accessKey = String(credential[..<slash])
        let scope = String(credential[credential.index(after: slash)...])
        guard accessKey == accessKeyID else { return .invalid("access key \(accessKey), expected \(accessKeyID)") }
        guard let amzDate = item("X-Amz-Date"), amzDate.utf8.count == 16, let signedAt = Self.parse(amzDate: amzDate) else {
            return .invalid("no X-Amz-Date of the form YYYYMMDDTHHMMSSZ")
        }
        let dateStamp = String(amzDate.prefix(8))
        let expectedScope = "\(dateStamp)/\(region)/\(service)/aws4_request"
        guard scope == expectedScope else { return .invalid("credential scope \(scope), expected \(expectedScope)") }
        guard let expiresText = item("X-Amz-Expires"), let expires = Int(expiresText), (1...604_800).contains(expires) else {
            return .invalid("X-Amz-Expires must be 1 to 604800 seconds")
        }
        if let now, now.timeIntervalSince(signedAt) > Double(expires) { return .invalid("Request has expired") }
        guard let signedHeaderList = item("X-Amz-SignedHeaders"), let signature = item("X-Amz-Signature") else {
            return .invalid("no X-Amz-SignedHeaders or X-Amz-Signature")
        }
        let signedHeaders = signedHeaderList.split(separator: ";").map(String.init)
        guard signedHeaders.contains("host") else { return .invalid("host is not signed") }

        // Task 1: the canonical request: every query item but the signature, UNSIGNED-PAYLOAD.
        guard let path = Self.percentDecode(rawPath) else { return .invalid("path \(rawPath) is not percent-encoded correctly") }
        let canonicalURI = path.isEmpty ? "/" : Self.uriEncode(path, encodeSlash: false)
        let canonicalQuery = items
            .filter { $0.name != "X-Amz-Signature" }
            .map { (name: Self.uriEncode($0.name, encodeSlash: true), value: Self.uriEncode($0.value, encodeSlash: true)) }
            .sorted { $0.name == $1.name ? $0.value.utf8.lexicographicallyPrecedes($1.value.utf8)
                                         : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
        var canonicalHeaders = ""
        for name in signedHeaders {
            let values = headers.filter { $0.0.lowercased() == name }.map(\.1)
            guard !values.isEmpty else { return .invalid("signed header \(name) is missing from the request") }
            canonicalHeaders += name + ":" + values.map(Self.trimAll).joined(separator: ",") + "\n"
        }
        let canonicalRequest = [method, canonicalURI, canonicalQuery, canonicalHeaders, signedHeaderList, "UNSIGNED-PAYLOAD"]
            .joined(separator: "\n")

        // Task 2: the string to sign. Task 3: the signature.
        let expected = expectedSignature(of: canonicalRequest, amzDate: amzDate, dateStamp: dateStamp, scope: expectedScope)
        guard expected == signature else {
            return .invalid("signature \(signature), expected \(expected) for the canonical request:\n\(canonicalRequest)")
        }
        return .valid(unsignedPayload: true)
    }
}
