@testable import ExporterSink
import ExporterCore
import NIOCore
import Testing

/// The checksums the exporter sends and expects the store to report. Every expected value was
/// computed independently with Python's hashlib and base64 (e.g.
/// `base64.b64encode(hashlib.sha256(b"hello world").digest())`) and pasted here.
struct S3ChecksumTests {
    @Test func aBodysHeadersCarryItsMD5AndSHA256() {
        let digest = S3BodyDigest(ByteBuffer(string: "hello world"))
        #expect(digest.sha256Hex == "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
        #expect(digest.checksumHeaders.map { "\($0.0): \($0.1)" } == [
            "content-md5: XrY7u+Ae7tCTyyK7j1rNww==",
            "x-amz-checksum-sha256: uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=",
            "x-amz-sdk-checksum-algorithm: SHA256",
        ])
    }

    @Test func anEmptyBodysDigests() {
        let digest = S3BodyDigest(ByteBuffer())
        #expect(digest.md5Base64 == "1B2M2Y8AsgTpgAmY7PhCfg==")
        #expect(digest.sha256Base64 == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
    }

    @Test func aPutObjectsChecksumIsTheObjectsSHA256() throws {
        let checksum = StoreChecksum.sha256(S3BodyDigest(ByteBuffer(string: "hello world")).sha256)
        #expect(checksum == StoreChecksum(algorithm: "SHA256", type: .fullObject, value: "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="))
        #expect(StoreChecksum(sha256Hex: "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9") == checksum)
        #expect(StoreChecksum(sha256Hex: "b94d") == nil)
        #expect(StoreChecksum(sha256Hex: String(repeating: "g", count: 64)) == nil)
        #expect(checksum.matches(reported: "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="))
        #expect(!checksum.matches(reported: "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=-1"))
        #expect(!checksum.matches(reported: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="))
    }

    /// The SHA-256 of the parts' binary digests, then `-N`: python3 -c 'import hashlib, base64;
    /// d = hashlib.sha256(b"aaaaa").digest() + hashlib.sha256(b"bbb").digest();
    /// print(base64.b64encode(hashlib.sha256(d).digest()).decode() + "-2")'
    @Test func aMultipartUploadsChecksumIsTheCompositeOfItsParts() {
        let parts = [S3BodyDigest(ByteBuffer(string: "aaaaa")).sha256, S3BodyDigest(ByteBuffer(string: "bbb")).sha256]
        let checksum = StoreChecksum.sha256Composite(parts: parts)
        #expect(checksum == StoreChecksum(algorithm: "SHA256", type: .composite, value: "klO+rIGEBmpS+FYbl0V177NZOk8sR9bZjF+0fMGntig=-2"))
        #expect(checksum.matches(reported: "klO+rIGEBmpS+FYbl0V177NZOk8sR9bZjF+0fMGntig=-2"))
        // moto's HeadObject leaves the part count off; the digest still has to be equal.
        #expect(checksum.matches(reported: "klO+rIGEBmpS+FYbl0V177NZOk8sR9bZjF+0fMGntig="))
        #expect(!checksum.matches(reported: "klO+rIGEBmpS+FYbl0V177NZOk8sR9bZjF+0fMGntig=-3"))
        #expect(!checksum.matches(reported: "7ZaOhA0Q0tMTqHC8ExpOLDEdetCb3zKzQYFHIh9RpuI=-2"))
    }

    @Test func completeMultipartUploadListsEachPartsETagAndChecksum() {
        let parts = [
            S3Client.CompletedPart(number: 1, etag: "\"e1\"", sha256: S3BodyDigest(ByteBuffer(string: "aaaaa")).sha256),
            S3Client.CompletedPart(number: 2, etag: "\"e2\"", sha256: S3BodyDigest(ByteBuffer(string: "bbb")).sha256),
        ]
        #expect(S3Client.completeMultipartUploadXML(parts) == "<CompleteMultipartUpload>"
            + "<Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag><ChecksumSHA256>7ZaOhA0Q0tMTqHC8ExpOLDEdetCb3zKzQYFHIh9RpuI=</ChecksumSHA256></Part>"
            + "<Part><PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag><ChecksumSHA256>PnRLncOTibrwxaBmBYm4QC89u0m4mz518sk1WFKjxnc=</ChecksumSHA256></Part>"
            + "</CompleteMultipartUpload>")
    }

    @Test func aReceiptNeedsAnETagAndTheChecksumSent() throws {
        let digest = S3BodyDigest(ByteBuffer(string: "hello world"))
        let sent = "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="
        #expect(try S3Client.receipt(etag: "\"abc\"", checksum: sent, sent: digest, operation: "PutObject k")
            == S3Client.Receipt(etag: "\"abc\"", checksumSHA256: sent))
        // A store without flexible checksums: the ETag alone.
        #expect(try S3Client.receipt(etag: "\"abc\"", checksum: nil, sent: digest, operation: "PutObject k")
            == S3Client.Receipt(etag: "\"abc\"", checksumSHA256: nil))
        #expect(throws: ExportError.s3(code: "InvalidResponse", message: "the endpoint did not answer as S3 (PutObject k: no ETag)")) {
            try S3Client.receipt(etag: nil, checksum: sent, sent: digest, operation: "PutObject k")
        }
        #expect(throws: ExportError.s3(code: "InvalidResponse", message: "the endpoint did not answer as S3 (PutObject k: no ETag)")) {
            try S3Client.receipt(etag: "", checksum: nil, sent: digest, operation: "PutObject k")
        }
        #expect(throws: ExportError.s3(code: "InvalidResponse",
                                       message: "the endpoint did not answer as S3 (PutObject k: a SHA-256 checksum other than the one sent)")) {
            try S3Client.receipt(etag: "\"abc\"", checksum: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", sent: digest, operation: "PutObject k")
        }
    }

    @Test func aRetryFollowsBadDigestButNotAnAnswerThatIsNotS3s() {
        #expect(S3Client.isRetryable(status: 400, error: .s3(code: "BadDigest", message: "")))
        #expect(S3Client.isRetryable(status: 400, error: .s3(code: "XAmzContentSHA256Mismatch", message: "")))
        #expect(!S3Client.isRetryable(status: 400, error: .s3(code: "InvalidDigest", message: "")))
        #expect(!S3Client.isRetryable(status: 403, error: .s3(code: "AccessDenied", message: "")))
    }
}

/// What HeadObject must say of an object before the manifest may list it.
struct StoredObjectConfirmationTests {
    let composite = StoreChecksum(algorithm: "SHA256", type: .composite, value: "klO+rIGEBmpS+FYbl0V177NZOk8sR9bZjF+0fMGntig=-2")

    func head(bytes: Int64 = 8, etag: String = "\"m-2\"", checksum: String? = "klO+rIGEBmpS+FYbl0V177NZOk8sR9bZjF+0fMGntig=-2") -> S3Client.ObjectHead {
        S3Client.ObjectHead(bytes: bytes, etag: etag, checksumSHA256: checksum)
    }

    func check(_ head: S3Client.ObjectHead) throws -> StoreChecksum? {
        try S3ObjectSink.check(head, key: "p/k.csv", bytes: 8, etag: "m-2", checksums: [composite])
    }

    @Test func theObjectUploadedIsConfirmedWithItsChecksum() throws {
        #expect(try check(head()) == composite)
        #expect(try check(head(etag: "W/\"m-2\"")) == composite)
    }

    @Test func aStoreThatReportsNoChecksumIsConfirmedBySizeAndETag() throws {
        #expect(try check(head(checksum: nil)) == nil)
    }

    @Test func anyOtherObjectIsNotStored() {
        #expect(throws: ExportError.s3(code: "NotStored", message: "the store does not hold p/k.csv as uploaded: HeadObject reports 7 bytes, 8 were uploaded")) {
            try check(head(bytes: 7))
        }
        #expect(throws: ExportError.s3(code: "NotStored", message: "the store does not hold p/k.csv as uploaded: its ETag is not the one the upload was answered with")) {
            try check(head(etag: "\"other\""))
        }
        #expect(throws: ExportError.s3(code: "NotStored", message: "the store does not hold p/k.csv as uploaded: its SHA-256 checksum is not the one computed from the bytes sent")) {
            try check(head(checksum: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="))
        }
    }
}
