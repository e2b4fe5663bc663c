import Foundation
import SigV4

/// Presigned GET URLs for a bucket's objects (`flexprice-exporter url`, DESIGN §7).
///
/// Built from the same ``S3Endpoint`` as the connection's uploads, so a link honours what the
/// exporter itself uses: the connection's `endpoint_url`, path or virtual-hosted style (dotted
/// buckets path-style on AWS) and its session token. Signing needs no network: a link is a pure
/// function of the endpoint, the credentials, the key, the lifetime and the clock.
public struct S3Presigner: Sendable {
    public let endpoint: S3Endpoint
    private let signer: SigV4Signer

    public init(endpoint: S3Endpoint, credentials: AWSCredentials) {
        self.endpoint = endpoint
        signer = SigV4Signer(credentials: credentials, region: endpoint.region, service: "s3")
    }

    /// A URL that GETs `key` without any other credentials until `expiresIn` seconds after `date`.
    /// - Parameter expiresIn: 1 to ``SigV4Signer/maximumPresignedExpiry`` seconds (checked by the caller).
    public func getURL(key: String, expiresIn: Int, at date: Date) -> String {
        let path = endpoint.path(forKey: key)
        let request = SigV4Request(method: "GET", path: path, headers: [(name: "host", value: endpoint.host)],
                                   payloadSHA256Hex: SigV4Signer.unsignedPayload, includesContentSHA256Header: false)
        let items = signer.presignedQueryItems(for: request, expiresIn: expiresIn, at: date)
        return endpoint.url(path: path, query: SigV4Signer.queryString(items))
    }
}
