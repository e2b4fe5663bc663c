import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Signs requests with AWS Signature Version 4 (header-based, `AWS4-HMAC-SHA256`).
///
/// We talk to S3 over a plain HTTP client rather than an AWS SDK, so the signature is computed
/// here. The signer is a value bound to one credential set, region and service (S3 uses the
/// service name `s3`), and is `Sendable` so one instance can sign concurrent uploads.
///
/// The clock is always a parameter: signing is a pure function of the request, credentials and
/// time, which lets tests compare exact signatures and lets callers sign with a corrected clock
/// if theirs is skewed (AWS rejects requests more than 15 minutes off).
///
/// The intermediate steps are public and named after the steps of
/// [Create a signed AWS API request](https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html),
/// so each one can be checked against the AWS test suite and, when S3 answers
/// `SignatureDoesNotMatch`, compared with the canonical request and string to sign S3 returns.
public struct SigV4Signer: Sendable {
    /// The signing algorithm identifier, first token of the `Authorization` header and first
    /// line of the string to sign.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// The payload hash to use for S3 when the body is not hashed before sending (S3 then does
    /// not verify the payload against the signature, only TLS protects it).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    public let credentials: AWSCredentials
    /// Part of the credential scope; a signature made for one region is refused by another.
    public let region: String
    /// Part of the credential scope, e.g. `s3`; a signature made for one service is refused by another.
    public let service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    // MARK: - Signing

    /// Signs `request` as of `date` and returns the headers to add to it before sending.
    ///
    /// Returns headers rather than mutating a request so the signer works with any HTTP client.
    /// The result holds, in this order: `x-amz-date`; `x-amz-content-sha256` when
    /// ``SigV4Request/includesContentSHA256Header`` is set (S3 requires it); `x-amz-security-token`
    /// when the credentials carry a session token (S3 requires it to be signed); and
    /// `authorization`. All of them except `authorization` are covered by the signature, so the
    /// request must be sent with exactly these values, replacing any header of the same name.
    public func sign(_ request: SigV4Request, at date: Date) -> [(name: String, value: String)] {
        let timestamp = SigV4Timestamp(date)
        let added = addedHeaders(for: request, timestamp: timestamp)
        let headers = canonicalHeaderList(for: request, adding: added)
        let canonical = canonicalRequest(request, headers: headers)
        let toSign = stringToSign(canonicalRequest: canonical, timestamp: timestamp)
        let signature = signature(stringToSign: toSign, timestamp: timestamp)
        let authorization = authorizationHeader(
            signedHeaders: Self.signedHeaders(headers),
            signature: signature,
            dateStamp: timestamp.dateStamp
        )
        return added + [(name: "authorization", value: authorization)]
    }

    // MARK: - Step 1: Create a canonical request

    /// Step 1, "Create a canonical request": the exact text that is hashed and signed.
    ///
    /// Includes the headers ``sign(_:at:)`` adds (they are signed too), which is why it needs
    /// the date. Exposed so tests and `SignatureDoesNotMatch` debugging can compare it with the
    /// canonical request AWS computed.
    public func canonicalRequest(for request: SigV4Request, at date: Date) -> String {
        let added = addedHeaders(for: request, timestamp: SigV4Timestamp(date))
        return canonicalRequest(request, headers: canonicalHeaderList(for: request, adding: added))
    }

    /// The `SignedHeaders` value (lowercase names joined by `;`) for `request` signed at `date`,
    /// as it appears both in the canonical request and in the `Authorization` header.
    public func signedHeaders(for request: SigV4Request, at date: Date) -> String {
        let added = addedHeaders(for: request, timestamp: SigV4Timestamp(date))
        return Self.signedHeaders(canonicalHeaderList(for: request, adding: added))
    }

    // MARK: - Step 2: Create a hash of the canonical request / Step 3: Create a string to sign

    /// Steps 2 and 3, "Create a hash of the canonical request" and "Create a string to sign":
    /// binds the hashed canonical request to the algorithm, the time and the credential scope.
    public func stringToSign(canonicalRequest: String, at date: Date) -> String {
        stringToSign(canonicalRequest: canonicalRequest, timestamp: SigV4Timestamp(date))
    }

    /// The credential scope `YYYYMMDD/region/service/aws4_request`: it limits what a derived
    /// signing key (and so a leaked signature) is good for to one day, region and service.
    public func credentialScope(at date: Date) -> String {
        credentialScope(dateStamp: SigV4Timestamp(date).dateStamp)
    }

    // MARK: - Step 4: Calculate the signature

    /// Step 4, "Calculate the signature": HMAC-SHA256 of the string to sign with the derived
    /// signing key, as lowercase hex.
    public func signature(stringToSign: String, at date: Date) -> String {
        signature(stringToSign: stringToSign, timestamp: SigV4Timestamp(date))
    }

    /// The signing key `kSigning` of step 4, derived from the secret through the credential scope:
    /// `kDate = HMAC("AWS4" + secret, date)`, `kRegion = HMAC(kDate, region)`,
    /// `kService = HMAC(kRegion, service)`, `kSigning = HMAC(kService, "aws4_request")`.
    ///
    /// The chain means the secret itself never signs a request, and a derived key is only
    /// valid for one day, region and service. Public so the derivation can be tested against
    /// AWS's published examples.
    public static func signingKey(
        secretAccessKey: String,
        dateStamp: String,
        region: String,
        service: String
    ) -> [UInt8] {
        let kDate = hmacSHA256(key: Array(("AWS4" + secretAccessKey).utf8), message: dateStamp)
        let kRegion = hmacSHA256(key: kDate, message: region)
        let kService = hmacSHA256(key: kRegion, message: service)
        return hmacSHA256(key: kService, message: "aws4_request")
    }

    // MARK: - Step 5: Add the signature to the request

    /// Step 5, "Add the signature to the request": the value of the `Authorization` header.
    public func authorizationHeader(signedHeaders: String, signature: String, at date: Date) -> String {
        authorizationHeader(signedHeaders: signedHeaders, signature: signature, dateStamp: SigV4Timestamp(date).dateStamp)
    }

    // MARK: - Hashing

    /// Lowercase hex SHA-256, the form of `x-amz-content-sha256` and of
    /// ``SigV4Request/payloadSHA256Hex``; here so the S3 client hashes bodies the same way the
    /// signer hashes canonical requests.
    public static func hexSHA256(_ bytes: some DataProtocol) -> String {
        Hex.lowercase(SHA256.hash(data: bytes))
    }

    /// Lowercase hex SHA-256 of the UTF-8 bytes of `string`.
    public static func hexSHA256(_ string: String) -> String {
        hexSHA256(Array(string.utf8))
    }

    // MARK: - Internals

    /// The headers the signer owns for this request, in the order ``sign(_:at:)`` returns them.
    private func addedHeaders(for request: SigV4Request, timestamp: SigV4Timestamp) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [(name: "x-amz-date", value: timestamp.amzDate)]
        if request.includesContentSHA256Header {
            headers.append((name: "x-amz-content-sha256", value: request.payloadSHA256Hex))
        }
        if let token = credentials.sessionToken {
            headers.append((name: "x-amz-security-token", value: token))
        }
        return headers
    }

    /// `CanonicalHeaders` as (lowercase name, canonical value) pairs sorted by name.
    ///
    /// Headers the signer adds replace caller-supplied ones of the same name, so the signed value
    /// is always the one that will be sent; `authorization` is never signed (it carries the
    /// signature). Repeated names are joined with `,` in the order given; values are trimmed and
    /// runs of whitespace collapsed to one space.
    func canonicalHeaderList(
        for request: SigV4Request,
        adding added: [(name: String, value: String)]
    ) -> [(name: String, value: String)] {
        let owned = Set(added.map(\.name)).union(["authorization"])
        var order: [String] = []
        var values: [String: [String]] = [:]
        let given = request.headers
            .map { (name: $0.name.lowercased(), value: $0.value) }
            .filter { !owned.contains($0.name) }
        for header in given + added {
            if values[header.name] == nil { order.append(header.name) }
            values[header.name, default: []].append(Self.canonicalHeaderValue(header.value))
        }
        return order
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { (name: $0, value: values[$0, default: []].joined(separator: ",")) }
    }

    func canonicalRequest(_ request: SigV4Request, headers: [(name: String, value: String)]) -> String {
        let canonicalHeaders = headers.map { "\($0.name):\($0.value)\n" }.joined()
        return [
            request.method,
            request.pathEncoding.canonicalURI(request.path),
            Self.canonicalQueryString(request.queryItems),
            canonicalHeaders,
            Self.signedHeaders(headers),
            request.payloadSHA256Hex,
        ].joined(separator: "\n")
    }

    func stringToSign(canonicalRequest: String, timestamp: SigV4Timestamp) -> String {
        [
            Self.algorithm,
            timestamp.amzDate,
            credentialScope(dateStamp: timestamp.dateStamp),
            Self.hexSHA256(canonicalRequest),
        ].joined(separator: "\n")
    }

    func signature(stringToSign: String, timestamp: SigV4Timestamp) -> String {
        let key = Self.signingKey(
            secretAccessKey: credentials.secretAccessKey,
            dateStamp: timestamp.dateStamp,
            region: region,
            service: service
        )
        return Hex.lowercase(Self.hmacSHA256(key: key, message: stringToSign))
    }

    func credentialScope(dateStamp: String) -> String {
        "\(dateStamp)/\(region)/\(service)/aws4_request"
    }

    private func authorizationHeader(signedHeaders: String, signature: String, dateStamp: String) -> String {
        "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(credentialScope(dateStamp: dateStamp)), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    static func signedHeaders(_ headers: [(name: String, value: String)]) -> String {
        headers.map(\.name).joined(separator: ";")
    }

    /// `CanonicalQueryString`: UriEncode every name and value (slashes included), sort by encoded
    /// name then encoded value in byte order, and write an empty value as `name=`.
    static func canonicalQueryString(_ items: [(name: String, value: String)]) -> String {
        items
            .map { (name: URIEncoding.encode($0.name, encodeSlash: true), value: URIEncoding.encode($0.value, encodeSlash: true)) }
            .sorted { lhs, rhs in
                lhs.name == rhs.name
                    ? lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
                    : lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
            }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
    }

    /// `Trimall`: strip leading and trailing whitespace and turn each run of whitespace (spaces,
    /// tabs) into one space, as AWS's own SDKs do.
    private static func canonicalHeaderValue(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(UInt8(ascii: " ")) }
                pendingSpace = false
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hmacSHA256(key: [UInt8], message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
    }
}
