import ExporterCore
import NIOCore

/// The headers every object of an export carries (DESIGN §5).
public struct ObjectAttributes: Sendable, Hashable {
    public var contentType: String
    public var contentEncoding: String?
    public var encryption: ServerSideEncryption
    public var kmsKeyID: String?

    public init(contentType: String, contentEncoding: String? = nil,
                encryption: ServerSideEncryption = .aes256, kmsKeyID: String? = nil) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.encryption = encryption
        self.kmsKeyID = kmsKeyID
    }

    /// An object of a connection's: stored with its `encryption` and `kms_key_id`, whatever the
    /// object (data, manifest, list, Delta log), so a bucket that requires its key takes them all.
    public init(contentType: String, contentEncoding: String? = nil, of settings: ConnectionSettings) {
        self.init(contentType: contentType, contentEncoding: contentEncoding,
                  encryption: settings.encryption, kmsKeyID: settings.kmsKeyID)
    }

    /// The request headers that store these attributes with the object.
    public var headers: [(String, String)] {
        var headers = [("content-type", contentType), ("x-amz-server-side-encryption", encryption.rawValue)]
        if let contentEncoding { headers.append(("content-encoding", contentEncoding)) }
        if encryption.usesKMS, let kmsKeyID { headers.append(("x-amz-server-side-encryption-aws-kms-key-id", kmsKeyID)) }
        return headers
    }
}

/// An object once it is complete and visible in the bucket.
public struct StoredObject: Sendable, Hashable {
    public let key: String
    public let bytes: Int64
    /// Hex SHA-256 of the stored bytes.
    public let sha256: String
    public let url: String
    /// The checksum the store verified and reports for the object, found equal to the one the
    /// exporter computed; nil when the store reports none (an S3-compatible store without
    /// checksums, the directory sink). The manifest records it.
    public let checksum: StoreChecksum?

    public init(key: String, bytes: Int64, sha256: String, url: String, checksum: StoreChecksum? = nil) {
        self.key = key
        self.bytes = bytes
        self.sha256 = sha256
        self.url = url
        self.checksum = checksum
    }
}

/// Where finished files go. The engine talks to this seam, so the pipeline can be tested, and
/// benchmarked, against a local directory as well as S3.
public protocol ObjectSink: Sendable {
    /// Starts an object whose bytes arrive in pieces.
    func makeUpload(key: String, attributes: ObjectAttributes) -> any ObjectUpload
    /// Stores a small object in one request (the manifest).
    func put(key: String, body: ByteBuffer, attributes: ObjectAttributes) async throws -> StoredObject
    /// Server-side copy, used to rename a file when an export rolls over into part files; the
    /// copy is confirmed like a finished upload.
    func copy(_ object: StoredObject, to destination: String, attributes: ObjectAttributes) async throws -> StoredObject
    func delete(key: String) async throws
    /// The keys of every complete object whose key starts with `prefix` (ListObjectsV2), so an
    /// export can delete what an earlier export of its window left and it did not write.
    func list(prefix: String) async throws -> [String]
    /// Fails unless the bucket exists and the credentials may use it (HeadBucket).
    func verifyBucket() async throws
    /// Aborts multipart uploads left open under `prefix` by an earlier attempt that died
    /// (kill -9, power loss). Returns how many.
    func abortIncompleteUploads(prefix: String) async throws -> Int
    /// Stores a small object only if no object has the key yet (S3's `If-None-Match: *`); false
    /// when one has. A Delta commit is this call: of two writers of one version, one wins.
    func putIfAbsent(key: String, body: ByteBuffer, attributes: ObjectAttributes) async throws -> Bool
    /// A small object's bytes (a Delta commit), nil when no object has the key.
    func get(key: String) async throws -> ByteBuffer?
    /// The objects under `prefix` after `startAfter`, in key order, with sizes and times: a Delta
    /// log's newer commits, and what a vacuum may delete.
    func listObjects(prefix: String, startAfter: String?) async throws -> [ListedObject]
}

/// An object as a listing describes it.
public struct ListedObject: Sendable, Hashable {
    public let key: String
    public let bytes: Int64
    /// Seconds since the epoch; nil when the store gave no time it could parse.
    public let lastModified: Int64?

    public init(key: String, bytes: Int64, lastModified: Int64?) {
        self.key = key
        self.bytes = bytes
        self.lastModified = lastModified
    }
}

/// One object being written. Not shared between tasks: the export job owns it.
public protocol ObjectUpload: AnyObject {
    var key: String { get }
    /// Bytes written so far.
    var byteCount: Int64 { get }
    /// Appends bytes (consuming `bytes`); may upload a part.
    func write(_ bytes: inout ByteBuffer) async throws
    /// Makes the object visible with everything written, and confirms the store holds it
    /// (its size, and its checksum where the store reports one) before returning it.
    func finish() async throws -> StoredObject
    /// Discards everything: no object and no pending multipart upload remain.
    func abort() async
}
