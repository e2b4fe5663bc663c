import Crypto
import Foundation
import NIOCore
import SigV4

/// The digests of one request body, computed once and used three ways: SigV4's payload hash
/// (`x-amz-content-sha256`, hex), the checksum S3 verifies (`x-amz-checksum-sha256`, base64 of
/// the same SHA-256) and `Content-MD5`, which S3 verifies too and S3-compatible stores without
/// flexible checksums verify alone. A body whose bytes differ from these on arrival is refused
/// with `BadDigest`, so what is stored is what was sent.
struct S3BodyDigest: Sendable {
    let sha256: SHA256Digest
    let md5: Insecure.MD5Digest

    init(_ body: ByteBuffer) {
        (sha256, md5) = body.withUnsafeReadableBytes { (SHA256.hash(data: $0), Insecure.MD5.hash(data: $0)) }
    }

    var sha256Hex: String { Hex.lowercase(sha256) }
    var sha256Base64: String { Data(sha256).base64EncodedString() }
    var md5Base64: String { Data(md5).base64EncodedString() }

    /// The headers of a PutObject or UploadPart that make the store check the body: `Content-MD5`,
    /// `x-amz-checksum-sha256` and `x-amz-sdk-checksum-algorithm` (the `ChecksumAlgorithm` of
    /// both calls, which AWS's SDKs send beside the checksum; moto records a checksum only
    /// with it). https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html,
    /// https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html
    var checksumHeaders: [(String, String)] {
        [("content-md5", md5Base64), ("x-amz-checksum-sha256", sha256Base64), ("x-amz-sdk-checksum-algorithm", "SHA256")]
    }
}
