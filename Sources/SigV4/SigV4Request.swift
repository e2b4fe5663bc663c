/// The parts of an HTTP request that SigV4 signs, independent of any HTTP client.
///
/// The signer never sees the HTTP client's request type, so it stays testable with plain values
/// (the AWS test suite, the S3 documentation examples) and the S3 client decides how to send it.
/// Every field here ends up in the canonical request, so it must describe the request exactly as
/// it will be sent: any header, path or query difference makes AWS compute another signature.
///
/// See step 1, "Create a canonical request", of
/// [Create a signed AWS API request](https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
public struct SigV4Request: Sendable {
    /// The HTTP method, e.g. `PUT`; it is the first line of the canonical request.
    public var method: String

    /// The URI path exactly as it goes on the wire, already percent-encoded (for S3, build it
    /// with `"/" + URIEncoding.encode(key, encodeSlash: false)`).
    ///
    /// Taken pre-encoded because the signature has to cover the bytes that are actually sent:
    /// re-deriving them here from an unencoded key could pick a different encoding than the
    /// HTTP client. How it becomes the canonical URI is decided by ``pathEncoding``.
    public var path: String

    /// Query parameters, raw (not percent-encoded), in any order.
    ///
    /// Raw because the canonical query string needs its own strict encoding and ordering (UriEncode
    /// each name and value, sort by encoded name then value, `name=` for an empty value), which
    /// the signer applies; the S3 client must put them on the wire with the same
    /// ``URIEncoding/encode(_:encodeSlash:)``.
    public var queryItems: [(name: String, value: String)]

    /// The headers that will be sent and must be signed; must include `host`.
    ///
    /// A list rather than a dictionary because HTTP allows repeated names, which SigV4 joins
    /// with `,` in the order given. Names are case-insensitive; values are trimmed and runs of
    /// whitespace collapsed when canonicalized. Leave out the headers that ``SigV4Signer/sign(_:at:)``
    /// returns (`x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token`, `authorization`):
    /// whichever of them the signer adds replace any of the same name given here, and
    /// `authorization` is never signed. One it does not add (say `x-amz-security-token` with
    /// credentials that have no session token) is signed as given.
    public var headers: [(name: String, value: String)]

    /// Lowercase hex SHA-256 of the body (`SigV4Signer.hexSHA256(_:)`), or
    /// ``SigV4Signer/unsignedPayload`` for S3 when the body is not hashed up front.
    ///
    /// Passed in rather than computed so large or streamed bodies are hashed once, by whoever
    /// owns the bytes, and the same value can be sent as `x-amz-content-sha256`.
    public var payloadSHA256Hex: String

    /// Whether the signer adds and signs `x-amz-content-sha256`.
    ///
    /// S3 requires that header on every SigV4 request (it is how S3 knows which payload hash
    /// was signed); most other services and the generic AWS test suite do not use it.
    public var includesContentSHA256Header: Bool

    /// How ``path`` becomes the canonical URI; S3 and every other service differ here.
    public var pathEncoding: PathEncoding

    public init(
        method: String,
        path: String,
        queryItems: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)],
        payloadSHA256Hex: String,
        includesContentSHA256Header: Bool = true,
        pathEncoding: PathEncoding = .s3
    ) {
        self.method = method
        self.path = path
        self.queryItems = queryItems
        self.headers = headers
        self.payloadSHA256Hex = payloadSHA256Hex
        self.includesContentSHA256Header = includesContentSHA256Header
        self.pathEncoding = pathEncoding
    }
}
