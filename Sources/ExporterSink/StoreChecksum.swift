import Crypto
import Foundation

/// The checksum a store holds for an object, in the form it reports it (HeadObject with
/// `x-amz-checksum-mode: ENABLED`), once the exporter has found it equal to the one it computed.
/// The manifest records it, so "manifest present" says which checksum the store verified.
///
/// The exporter sends SHA-256: it already hashes every request body for SigV4's
/// `x-amz-content-sha256`, so the checksum costs no extra pass over the bytes (CRC32C or
/// CRC64NVME would). S3 stores a PutObject's as the object's SHA-256 (`FULL_OBJECT`) and a
/// multipart upload's as the SHA-256 of the parts' binary SHA-256 digests, base64, then `-` and
/// the part count (`COMPOSITE`; SHA-256 has no full-object form for multipart uploads):
/// "Checking object integrity", "Using part-level checksums for multipart uploads",
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html
public struct StoreChecksum: Sendable, Hashable {
    /// S3's `ChecksumType`.
    public enum Kind: String, Sendable, Hashable {
        case fullObject = "FULL_OBJECT"
        case composite = "COMPOSITE"
    }

    /// S3's name of the algorithm (`ChecksumAlgorithm`): always `SHA256` here.
    public let algorithm: String
    public let type: Kind
    /// Base64 of the digest; a composite one ends with `-N`, N the number of parts.
    public let value: String

    public init(algorithm: String, type: Kind, value: String) {
        self.algorithm = algorithm
        self.type = type
        self.value = value
    }

    /// The full-object SHA-256 checksum of bytes whose digest is `digest`.
    static func sha256(_ digest: SHA256Digest) -> StoreChecksum {
        StoreChecksum(algorithm: "SHA256", type: .fullObject, value: Data(digest).base64EncodedString())
    }

    /// The full-object SHA-256 checksum of bytes whose SHA-256 is `hex` (lowercase, 64 digits);
    /// nil when `hex` is not one.
    init?(sha256Hex hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.init(algorithm: "SHA256", type: .fullObject, value: Data(bytes).base64EncodedString())
    }

    /// The composite SHA-256 checksum of a multipart upload whose parts, in order, have these digests.
    static func sha256Composite(parts: [SHA256Digest]) -> StoreChecksum {
        var hasher = SHA256()
        for part in parts { part.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
        return StoreChecksum(algorithm: "SHA256", type: .composite,
                             value: Data(hasher.finalize()).base64EncodedString() + "-\(parts.count)")
    }

    /// Whether `reported` (an `x-amz-checksum-sha256` header or a `ChecksumSHA256` element) is this
    /// checksum. A composite one may come without its `-N` (moto's HeadObject leaves it off); the
    /// digest must be equal all the same, and a part count, when there is one, too.
    func matches(reported: String) -> Bool {
        if reported == value { return true }
        guard type == .composite, let dash = value.lastIndex(of: "-") else { return false }
        return reported == value[..<dash]
    }
}
