/// One presigned GET URL (`flexprice-exporter url`): what it fetches and until when.
public struct DownloadLink: Sendable, Codable, Hashable {
    public let key: String
    /// Carries the access key id, the session token (if any) and the signature, never the secret.
    public let url: String
    /// RFC 3339 UTC: the signing time plus the lifetime.
    public let expiresAt: String

    public init(key: String, url: String, expiresAt: String) {
        self.key = key
        self.url = url
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case key, url
        case expiresAt = "expires_at"
    }
}
