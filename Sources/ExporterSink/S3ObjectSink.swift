import Crypto
import ExporterCore
import NIOCore
import SigV4

/// Writes objects to S3: a single PutObject for anything that fits in one part, otherwise a
/// multipart upload (DESIGN §1).
public struct S3ObjectSink: ObjectSink {
    public let client: S3Client
    /// The first part size; S3 requires at least 5 MiB for every part but the last.
    public let partSize: Int

    public init(client: S3Client, partSize: Int = 8 * 1024 * 1024) {
        self.client = client
        self.partSize = partSize
    }

    public func makeUpload(key: String, attributes: ObjectAttributes) -> any ObjectUpload {
        S3ObjectUpload(client: client, key: key, attributes: attributes, partSize: partSize)
    }

    public func put(key: String, body: ByteBuffer, attributes: ObjectAttributes) async throws -> StoredObject {
        let receipt = try await client.putObject(key: key, body: body, headers: attributes.headers)
        let sha = body.withUnsafeReadableBytes { Hex.lowercase(SHA256.hash(data: $0)) }
        // The store verified the body's checksum on arrival (a mismatch is BadDigest); its receipt
        // echoes the checksum when it keeps one.
        return StoredObject(key: key, bytes: Int64(body.readableBytes), sha256: sha, url: client.endpoint.objectURL(key: key),
                            checksum: receipt.checksumSHA256 == nil ? nil : StoreChecksum(sha256Hex: sha))
    }

    /// CopyObject, asking the store for a new SHA-256 of the copy (`x-amz-checksum-algorithm`),
    /// then confirmed like an upload. A copy of a multipart object may keep the source's
    /// composite checksum instead (S3 copies the source's checksum unless told otherwise), so
    /// either is accepted: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
    public func copy(_ object: StoredObject, to destination: String, attributes: ObjectAttributes) async throws -> StoredObject {
        let copySource = "/" + URIEncoding.encode(client.endpoint.bucket, encodeSlash: true)
            + "/" + URIEncoding.encode(object.key, encodeSlash: false)
        let response = try await client.send("PUT", key: destination, headers: attributes.headers + [
            ("x-amz-copy-source", copySource), ("x-amz-metadata-directive", "REPLACE"), ("x-amz-checksum-algorithm", "SHA256"),
        ])
        // CopyObject can answer 200 with an error document.
        let text = String(buffer: response.body)
        let operation = "CopyObject \(object.key)"
        if S3XML.root(of: text) == "Error" {
            throw S3Client.error(status: response.status, body: text, operation: operation)
        }
        guard S3XML.root(of: text) == "CopyObjectResult", let etag = S3XML.value(of: "ETag", in: text), !etag.isEmpty else {
            throw S3Client.notS3(operation, "no CopyObjectResult with an ETag")
        }
        var expected = [StoreChecksum(sha256Hex: object.sha256)].compactMap { $0 }
        if let kept = object.checksum { expected.append(kept) }
        let checksum = try await Self.confirm(client, key: destination, bytes: object.bytes, etag: etag, checksums: expected)
        return StoredObject(key: destination, bytes: object.bytes, sha256: object.sha256,
                            url: client.endpoint.objectURL(key: destination), checksum: checksum)
    }

    /// Confirms what the store holds at `key` (HeadObject) before the export counts the object as
    /// written: an object there, of `bytes` bytes, with the ETag the store answered the upload
    /// with, and (when the store reports a SHA-256 checksum) one of `checksums`. Returns the
    /// checksum confirmed, nil when the store reports none.
    static func confirm(_ client: S3Client, key: String, bytes: Int64, etag: String,
                        checksums: [StoreChecksum]) async throws -> StoreChecksum? {
        let head: S3Client.ObjectHead
        do {
            head = try await client.headObject(key: key)
        } catch ExportError.s3(let code, _) where code == "NotFound" || code == "NoSuchKey" {
            throw ExportError.s3(code: "NotStored", message: S3Client.bounded(
                "the store acknowledged \(key) but HeadObject finds no object there"))
        }
        return try Self.check(head, key: key, bytes: bytes, etag: etag, checksums: checksums)
    }

    /// The comparison of ``confirm(_:key:bytes:etag:checksums:)``: `s3:NotStored` when the store
    /// holds something else than what was uploaded.
    static func check(_ head: S3Client.ObjectHead, key: String, bytes: Int64, etag: String,
                      checksums: [StoreChecksum]) throws -> StoreChecksum? {
        func notStored(_ what: String) -> ExportError {
            .s3(code: "NotStored", message: S3Client.bounded("the store does not hold \(key) as uploaded: \(what)"))
        }
        guard head.bytes == bytes else { throw notStored("HeadObject reports \(head.bytes) bytes, \(bytes) were uploaded") }
        guard unquoted(head.etag) == unquoted(etag) else { throw notStored("its ETag is not the one the upload was answered with") }
        guard let reported = head.checksumSHA256 else { return nil }
        guard let match = checksums.first(where: { $0.matches(reported: reported) }) else {
            throw notStored("its SHA-256 checksum is not the one computed from the bytes sent")
        }
        return match
    }

    /// An ETag without its quotes (S3 sends `"…"`; a header and an XML element may differ in that).
    static func unquoted(_ etag: String) -> Substring {
        var value = Substring(etag)
        if value.hasPrefix("W/") { value = value.dropFirst(2) }
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = value.dropFirst().dropLast() }
        return value
    }

    public func delete(key: String) async throws {
        try await client.deleteObject(key: key)
    }

    public func list(prefix: String) async throws -> [String] {
        try await client.listObjects(prefix: prefix)
    }

    public func putIfAbsent(key: String, body: ByteBuffer, attributes: ObjectAttributes) async throws -> Bool {
        try await client.putObjectIfAbsent(key: key, body: body, headers: attributes.headers) != nil
    }

    public func get(key: String) async throws -> ByteBuffer? {
        try await client.getObjectIfPresent(key: key)
    }

    public func listObjects(prefix: String, startAfter: String?) async throws -> [ListedObject] {
        try await client.listObjectsDetailed(prefix: prefix, startAfter: startAfter)
    }

    public func verifyBucket() async throws {
        try await client.headBucket()
    }

    public func abortIncompleteUploads(prefix: String) async throws -> Int {
        let uploads = try await client.listMultipartUploadIDs(prefix: prefix)
        for upload in uploads {
            try await client.abortMultipartUpload(key: upload.key, uploadID: upload.uploadID)
        }
        return uploads.count
    }
}

/// One object streamed to S3. Bytes collect in a part buffer; a full part is uploaded (creating
/// the multipart upload on the first), and `finish` sends the rest: as a PutObject when no part
/// was needed, else as the last part and CompleteMultipartUpload.
///
/// Part sizes double every 1,000 parts (8 MiB, then 16 MiB, ...), so an object of any size S3
/// accepts (5 TiB) fits in its 10,000-part limit while small exports keep small buffers.
public final class S3ObjectUpload: ObjectUpload {
    public let key: String
    public private(set) var byteCount: Int64 = 0
    private let client: S3Client
    private let attributes: ObjectAttributes
    private let basePartSize: Int
    private var buffer = ByteBuffer()
    private var uploadID: String?
    private var parts: [S3Client.CompletedPart] = []
    /// The part being uploaded while the next one fills: at most one, so memory stays at two
    /// parts and S3 sees the parts in order.
    private var inFlight: Task<S3Client.CompletedPart, any Error>?
    private var nextPartNumber = 1
    private var hasher = SHA256()

    init(client: S3Client, key: String, attributes: ObjectAttributes, partSize: Int) {
        self.client = client
        self.key = key
        self.attributes = attributes
        self.basePartSize = partSize
    }

    /// The size of part `number` (1-based).
    static func partSize(number: Int, base: Int) -> Int {
        min(base << min((number - 1) / 1_000, 10), 5 * 1024 * 1024 * 1024)
    }

    private var currentPartSize: Int { Self.partSize(number: nextPartNumber, base: basePartSize) }

    public func write(_ bytes: inout ByteBuffer) async throws {
        byteCount += Int64(bytes.readableBytes)
        bytes.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        buffer.writeBuffer(&bytes)
        while buffer.readableBytes >= currentPartSize {
            // The slice shares storage with the buffer; discarding read bytes afterwards keeps
            // the buffer from growing past one part.
            guard let part = buffer.readSlice(length: currentPartSize) else { break }
            try await uploadPart(part)
            buffer.discardReadBytes()
        }
    }

    /// Starts uploading `part` once the previous part has been uploaded, and returns: the
    /// export compresses the next part meanwhile.
    private func uploadPart(_ part: ByteBuffer) async throws {
        let id: String
        if let uploadID {
            id = uploadID
        } else {
            // Not cancellable: a shutdown arriving while S3 creates the upload must still learn
            // its id, or `abort` could not abort it and the upload would be left pending.
            let (client, key, headers) = (self.client, self.key, attributes.headers)
            id = try await Task { try await client.createMultipartUpload(key: key, headers: headers) }.value
            uploadID = id
            try Task.checkCancellation()
        }
        try await waitForPartInFlight()
        let number = nextPartNumber
        nextPartNumber += 1
        let (client, key) = (self.client, self.key)
        inFlight = Task { try await client.uploadPart(key: key, uploadID: id, partNumber: number, body: part) }
    }

    private func waitForPartInFlight() async throws {
        guard let task = inFlight else { return }
        inFlight = nil
        // Cancelling the export cancels the part's upload too.
        parts.append(try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() })
    }

    /// Sends the rest, then confirms the object with HeadObject (size, ETag, and the SHA-256
    /// checksum the store reports: the object's for a PutObject, the composite of the parts'
    /// for a multipart upload) before returning it: the manifest lists only objects the store
    /// was found to hold.
    public func finish() async throws -> StoredObject {
        let receipt: S3Client.Receipt
        let digest = hasher.finalize()
        let expected: StoreChecksum
        if uploadID == nil {
            receipt = try await client.putObject(key: key, body: buffer, headers: attributes.headers)
            expected = .sha256(digest)
        } else {
            if buffer.readableBytes > 0 { try await uploadPart(buffer) }
            try await waitForPartInFlight()
            buffer.clear()
            guard let uploadID else { throw ExportError.internal("multipart upload of \(key) lost its id") }
            receipt = try await client.completeMultipartUpload(key: key, uploadID: uploadID, parts: parts)
            self.uploadID = nil
            expected = .sha256Composite(parts: parts.map(\.sha256))
            if let reported = receipt.checksumSHA256, !expected.matches(reported: reported) {
                throw S3Client.notS3("CompleteMultipartUpload \(key)", "a composite SHA-256 other than the parts'")
            }
        }
        buffer = ByteBuffer()
        let checksum = try await S3ObjectSink.confirm(client, key: key, bytes: byteCount, etag: receipt.etag, checksums: [expected])
        return StoredObject(key: key, bytes: byteCount, sha256: Hex.lowercase(digest),
                            url: client.endpoint.objectURL(key: key), checksum: checksum)
    }

    public func abort() async {
        buffer = ByteBuffer()
        if let task = inFlight {
            inFlight = nil
            task.cancel()
            _ = try? await task.value
        }
        guard let uploadID else { return }
        self.uploadID = nil
        // Abort even when the export was cancelled (shutdown): an unstructured task does not
        // inherit the cancellation, so the request is really sent.
        let (client, key) = (self.client, self.key)
        await Task { try? await client.abortMultipartUpload(key: key, uploadID: uploadID) }.value
    }
}
