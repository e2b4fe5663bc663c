#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Query-string signing (presigned URLs), as
/// [Authenticating Requests: Using Query Parameters (AWS Signature Version 4)](https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html)
/// describes it for S3.
///
/// A presigned URL carries the authentication in its query instead of an `Authorization` header,
/// so anyone holding it (a browser, `curl`, a warehouse loader) can fetch the object until it
/// expires without any AWS credentials of their own. The secret never leaves this process: the URL
/// holds only the access key ID (in `X-Amz-Credential`), the session token when there is one, and
/// the signature.
///
/// The steps reuse the header signer's canonicalization and signing-key derivation; only what
/// goes into them differs:
/// - the canonical request signs only `host`, its query holds the `X-Amz-*` parameters (all but
///   the signature) and its payload hash is `UNSIGNED-PAYLOAD`;
/// - the string to sign and the signature are computed exactly as for a header-signed request.
extension SigV4Signer {
    /// The longest `X-Amz-Expires` S3 accepts: 7 days.
    public static let maximumPresignedExpiry = 604_800

    /// The query items a presigned request carries, in wire order: the request's own items, then
    /// `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
    /// `X-Amz-Security-Token` (only with a session token), `X-Amz-SignedHeaders` and, last,
    /// `X-Amz-Signature`. Raw values: put them on the wire with ``SigV4Signer/queryString(_:)``.
    ///
    /// - Parameters:
    ///   - request: the method, wire path, extra query items and `pathEncoding` of the request;
    ///     its `headers` should hold just `host` (every header given is signed, so the client
    ///     would have to send it); its payload fields are not used, the payload is always
    ///     `UNSIGNED-PAYLOAD`.
    ///   - expiresIn: seconds the URL stays valid, from 1 to ``maximumPresignedExpiry``; the caller
    ///     checks the range (S3 refuses other values when the URL is used).
    ///   - date: the signing time (`X-Amz-Date`); a parameter so tests sign at a fixed instant.
    public func presignedQueryItems(for request: SigV4Request, expiresIn: Int, at date: Date) -> [(name: String, value: String)] {
        let timestamp = SigV4Timestamp(date)
        let canonical = presignedCanonicalRequest(request, expiresIn: expiresIn, timestamp: timestamp)
        let toSign = stringToSign(canonicalRequest: canonical, timestamp: timestamp)
        return request.queryItems + authenticationQueryItems(request, expiresIn: expiresIn, timestamp: timestamp)
            + [(name: "X-Amz-Signature", value: signature(stringToSign: toSign, timestamp: timestamp))]
    }

    /// Task 1 of the query-parameter page, "canonical request": the request's query plus the
    /// `X-Amz-*` parameters (not the signature), only the given headers (normally `host`), and
    /// `UNSIGNED-PAYLOAD` as the payload hash. Task 2 (string to sign) and task 3 (signature)
    /// are ``stringToSign(canonicalRequest:at:)`` and ``signature(stringToSign:at:)``, as for
    /// header signing. Public so tests can compare it with the documentation's worked example.
    public func presignedCanonicalRequest(for request: SigV4Request, expiresIn: Int, at date: Date) -> String {
        presignedCanonicalRequest(request, expiresIn: expiresIn, timestamp: SigV4Timestamp(date))
    }

    /// Encodes query items for the wire with AWS's `UriEncode` (slashes too), in the order given,
    /// so the URL holds exactly the bytes that were signed.
    public static func queryString(_ items: [(name: String, value: String)]) -> String {
        items
            .map { URIEncoding.encode($0.name, encodeSlash: true) + "=" + URIEncoding.encode($0.value, encodeSlash: true) }
            .joined(separator: "&")
    }

    // MARK: - Internals

    private func presignedCanonicalRequest(_ request: SigV4Request, expiresIn: Int, timestamp: SigV4Timestamp) -> String {
        var signed = request
        signed.queryItems += authenticationQueryItems(request, expiresIn: expiresIn, timestamp: timestamp)
        signed.payloadSHA256Hex = Self.unsignedPayload
        // No headers of the signer's own: x-amz-date and the token travel in the query.
        return canonicalRequest(signed, headers: canonicalHeaderList(for: signed, adding: []))
    }

    /// Every `X-Amz-*` parameter but the signature, in the (sorted) order S3's example URL uses.
    /// The session token is among them, so it is signed (S3 requires that).
    private func authenticationQueryItems(_ request: SigV4Request, expiresIn: Int,
                                          timestamp: SigV4Timestamp) -> [(name: String, value: String)] {
        var items: [(name: String, value: String)] = [
            (name: "X-Amz-Algorithm", value: Self.algorithm),
            (name: "X-Amz-Credential", value: "\(credentials.accessKeyID)/\(credentialScope(dateStamp: timestamp.dateStamp))"),
            (name: "X-Amz-Date", value: timestamp.amzDate),
            (name: "X-Amz-Expires", value: String(expiresIn)),
        ]
        if let token = credentials.sessionToken {
            items.append((name: "X-Amz-Security-Token", value: token))
        }
        let headers = canonicalHeaderList(for: request, adding: [])
        items.append((name: "X-Amz-SignedHeaders", value: Self.signedHeaders(headers)))
        return items
    }
}
