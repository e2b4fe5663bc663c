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

    public init(bucket: String, region: String, endpointURL: String?, virtualHostStyle: Bool) throws(ExportError) {
        self.bucket = bucket
        self.region = region
        if let endpointURL {
            guard let url = URLComponents(string: endpointURL), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else {
                throw .config(connection: "", field: "s3.endpoint_url", problem: "is not an http(s) URL")
            }
            self.scheme = scheme
            // A client leaves the scheme's default port out of the Host header it sends (curl, browsers,
            // RFC 9110 §7.2), so a presigned URL signed with `:443` would not verify: the default
            // port is dropped here, once, for every request and link.
            let defaultPort = scheme == "https" ? 443 : 80
            let authority = url.port.flatMap { $0 == defaultPort ? nil : "\(host):\($0)" } ?? host
            var basePath = url.path
            while basePath.hasSuffix("/") { basePath.removeLast() }
            if virtualHostStyle {
                self.host = "\(bucket).\(authority)"
                bucketPath = basePath
            } else {
                self.host = authority
                bucketPath = basePath + "/" + URIEncoding.encode(bucket, encodeSlash: true)
            }
        } else {
            scheme = "https"
            let awsHost = "s3.\(region).amazonaws.com"
            if bucket.contains(".") {
                host = awsHost
                bucketPath = "/" + URIEncoding.encode(bucket, encodeSlash: true)
            } else {
                host = "\(bucket).\(awsHost)"
                bucketPath = ""
            }
        }
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
