extension SigV4Request {
    /// How the request path becomes the `CanonicalURI` of the canonical request.
    ///
    /// Needed because SigV4 treats S3 differently from every other service: the spec asks for
    /// a normalized path whose segments are URI-encoded twice, "except for Amazon S3 which only
    /// gets URI-encoded once" and is not normalized. Getting this wrong for S3 breaks keys such
    /// as `a//b`, `./x` or `with space.csv`.
    ///
    /// See step 1, "Create a canonical request", of
    /// [Create a signed AWS API request](https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
    public enum PathEncoding: Sendable, Hashable {
        /// The wire path is the canonical URI, byte for byte (an empty path becomes `/`).
        ///
        /// S3 object keys may legitimately contain `//`, `.` and `..` segments, so S3 does not
        /// normalize, and since the wire path is already encoded once, it is not encoded again.
        case s3

        /// Remove `.`/`..` segments (RFC 3986 section 5.2.4), collapse repeated slashes, then
        /// URI-encode each segment of the (already encoded) path again.
        ///
        /// What every non-S3 service expects, and what the AWS SigV4 test suite checks.
        case normalizedDoubleEncoded
    }
}

extension SigV4Request.PathEncoding {
    /// The `CanonicalURI` line of the canonical request for `path` (the wire path).
    func canonicalURI(_ path: String) -> String {
        switch self {
        case .s3:
            return path.isEmpty ? "/" : path
        case .normalizedDoubleEncoded:
            return Self.normalizedDoubleEncodedURI(path)
        }
    }

    /// RFC 3986 `remove_dot_segments` plus slash collapsing, then a second UriEncode per segment.
    private static func normalizedDoubleEncodedURI(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var kept: [Substring] = []
        for segment in segments {
            switch segment {
            case ".":
                continue
            case "..":
                if !kept.isEmpty { kept.removeLast() }
            default:
                kept.append(segment)
            }
        }
        guard !kept.isEmpty else { return "/" }
        // A trailing slash is significant ("/a/" is not "/a"), and per RFC 3986 a path ending in a
        // dot segment ("/a/b/..") resolves to a directory, so it keeps a trailing slash too.
        let endsWithSlash = path.hasSuffix("/") || segments.last == "." || segments.last == ".."
        let encoded = kept.map { URIEncoding.encode(String($0), encodeSlash: true) }
        return "/" + encoded.joined(separator: "/") + (endsWithSlash ? "/" : "")
    }
}
