import ExporterCore
import Foundation
import SigV4

/// Where a bucket's requests go and how keys appear in the path (DESIGN §2 `endpoint_url`,
/// `virtual_host_style`).
///
/// On custom endpoints path-style (`http://host:port/bucket/key`) is the default, since most
/// S3-compatible stores want it; on AWS, virtual-hosted style (`https://bucket.s3.region...`)
/// unless the bucket name has dots, which would break the TLS wildcard certificate.
public struct S3Endpoint: Sendable, Hashable {
    public let scheme: String
    /// The Host header value: host, plus `:port` when it is not the scheme's default.
    public let host: String
    /// The path prefix before the key: `/bucket` (path style) or empty (virtual-hosted).
    public let bucketPath: String
    public let region: String
    public let bucket: String
    /// The host alone, as the HTTP client reads it from the URL: a name, or an address literal
    /// (IPv6 in brackets). What the endpoint policy resolves and judges.
    public let hostName: String
    /// The TCP port requests go to.
    public let port: Int
    /// Whether the host comes from the connection's `endpoint_url` (nil means AWS's own host).
    public let isCustom: Bool

    public init(bucket: String, region: String, endpointURL: String?, virtualHostStyle: Bool) throws(ExportError) {
        self.bucket = bucket
        self.region = region
        if let endpointURL {
            guard let url = URLComponents(string: endpointURL), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else {
                throw .config(connection: "", field: "s3.endpoint_url", problem: "is not an http(s) URL")
            }
            self.scheme = scheme
            isCustom = true
            // A client leaves the scheme's default port out of the Host header it sends (curl, browsers,
            // RFC 9110 §7.2), so a presigned URL signed with `:443` would not verify: the default
            // port is dropped here, once, for every request and link.
            let defaultPort = scheme == "https" ? 443 : 80
            let authority = url.port.flatMap { $0 == defaultPort ? nil : "\(host):\($0)" } ?? host
            var basePath = url.path
            while basePath.hasSuffix("/") { basePath.removeLast() }
            port = url.port ?? defaultPort
            if virtualHostStyle {
                self.host = "\(bucket).\(authority)"
                hostName = "\(bucket).\(host)"
                bucketPath = basePath
            } else {
                self.host = authority
                hostName = host
                bucketPath = basePath + "/" + URIEncoding.encode(bucket, encodeSlash: true)
            }
        } else {
            scheme = "https"
            isCustom = false
            port = 443
            let awsHost = "s3.\(region).amazonaws.com"
            if bucket.contains(".") {
                host = awsHost
                bucketPath = "/" + URIEncoding.encode(bucket, encodeSlash: true)
            } else {
                host = "\(bucket).\(awsHost)"
                bucketPath = ""
            }
            hostName = host
        }
        // The host reaches the HTTP client inside a URL string, which it parses again: anything
        // but a plain host name or a bracketed IPv6 literal (a bucket `a@169.254.169.254?` in a
        // virtual-hosted name, say) could make it connect somewhere the policy never judged.
        guard Self.isPlainHost(hostName) else {
            throw .config(connection: "", field: virtualHostStyle || endpointURL == nil ? "s3.bucket" : "s3.endpoint_url",
                          problem: "does not make a valid host name (letters, digits, '-', '_' and '.' only)")
        }
    }

    /// Letters, digits, `-`, `_` and `.`; or an IPv6 literal in brackets.
    static func isPlainHost(_ host: String) -> Bool {
        if host.hasPrefix("["), host.hasSuffix("]") {
            return host.utf8.count > 2 && host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        return !host.isEmpty && host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
    }

    /// The policy this endpoint is judged by: `policy` for a custom endpoint, its AWS variant
    /// (private addresses allowed: VPC endpoints) for AWS's own host.
    public func effectivePolicy(_ policy: EndpointPolicy) -> EndpointPolicy {
        isCustom ? policy : policy.forAWS
    }

    /// Judges what can be judged without a lookup: the scheme, and the host when it is an address
    /// literal. Names are resolved and judged when the connection is pinned (``PinnedTransport``).
    /// - Throws: `config` naming `s3.endpoint_url` and the rule.
    public func check(_ policy: EndpointPolicy) throws(ExportError) {
        let policy = effectivePolicy(policy)
        if let rule = policy.refusal(scheme: scheme) ?? IPAddress(hostName).flatMap(policy.refusal) {
            throw refusal(rule)
        }
    }

    /// The error for an endpoint `rule` refuses: `config`, naming the field and the rule.
    public func refusal(_ rule: EndpointRule) -> ExportError {
        if isCustom { return .config(connection: "", field: "s3.endpoint_url", problem: rule.problem) }
        return .config(connection: "", field: "s3.region", problem: "(AWS's host \(hostName)) \(rule.problem)")
    }

    /// The request path for `key` (percent-encoded, slashes kept), or the bucket itself.
    public func path(forKey key: String?) -> String {
        guard let key else { return bucketPath.isEmpty ? "/" : bucketPath }
        return bucketPath + "/" + URIEncoding.encode(key, encodeSlash: false)
    }

    /// The full URL for `path` and an already-encoded query string.
    public func url(path: String, query: String) -> String {
        "\(scheme)://\(host)\(path)" + (query.isEmpty ? "" : "?\(query)")
    }

    /// A human-facing URL of an object, recorded as `export_runs.object_url`.
    public func objectURL(key: String) -> String {
        url(path: path(forKey: key), query: "")
    }
}
