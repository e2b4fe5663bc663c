import AsyncHTTPClient

/// Where an ``S3Client`` gets the HTTP client for its next request.
///
/// Production passes a ``PinnedTransport``, which judges the endpoint's addresses by the
/// endpoint policy and connects to those addresses only. A plain `HTTPClient` is a transport too
/// (it answers itself): tests and tools that talk to a known local server use it as they always did.
public protocol S3Transport: Sendable {
    /// The client to send with. Throws `config` when the endpoint policy refuses the endpoint
    /// (nothing has been sent then), or the resolver's error when its host cannot be resolved.
    func httpClient() async throws -> HTTPClient
}

extension HTTPClient: S3Transport {
    public func httpClient() async throws -> HTTPClient { self }
}
