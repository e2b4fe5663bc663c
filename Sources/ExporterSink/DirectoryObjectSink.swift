import Crypto
import ExporterCore
import Foundation
import NIOCore
import SigV4
#if canImport(Glibc)
import Glibc
#endif

/// Writes objects as files under a local directory, `<root>/<bucket>/<key>`, instead of S3.
///
/// For benchmarks and development only (EXPORTER_SINK_DIRECTORY, the daemon's own setting; a
/// connection in the database can never select it). It measures the pipeline without the
/// network, keeps the same guarantees as S3 (an object appears whole, by rename, or not at all)
/// and the same figures (bytes, SHA-256), so run history reads the same.
public struct DirectoryObjectSink: ObjectSink {
    /// `<root>/<bucket>`.
    public let directory: URL

    public init(root: URL, bucket: String) {
        directory = root.appendingPathComponent(bucket, isDirectory: true)
    }

    public func makeUpload(key: String, attributes: ObjectAttributes) -> any ObjectUpload {
        DirectoryObjectUpload(key: key, path: path(key), url: url(key))
    }

    public func put(key: String, body: ByteBuffer, attributes: ObjectAttributes) async throws -> StoredObject {
        let upload = DirectoryObjectUpload(key: key, path: path(key), url: url(key))
        var body = body
        do {
            try await upload.write(&body)
            return try await upload.finish()
        } catch {
            await upload.abort()
            throw error
        }
    }

    public func copy(_ object: StoredObject, to destination: String, attributes: ObjectAttributes) async throws -> StoredObject {
        let target = path(destination)
        do {
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
            try FileManager.default.copyItem(atPath: path(object.key), toPath: target)
        } catch {
            throw ExportError.internal("cannot copy \(object.key) to \(target): \(error)")
        }
        return StoredObject(key: destination, bytes: object.bytes, sha256: object.sha256, url: url(destination))
    }

    public func delete(key: String) async throws {
        if unlink(path(key)) != 0, errno != ENOENT {
            throw ExportError.internal("cannot delete \(path(key)): \(String(cString: strerror(errno)))")
        }
    }

    /// The files under the directory whose key starts with `prefix`; an upload's temporary file
    /// is not an object yet and is not listed.
    public func list(prefix: String) async throws -> [String] {
        // Only the folder of the prefix's last segment can hold matching keys.
        let folderKey = prefix.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let folder = folderKey.isEmpty ? directory.path : path(folderKey)
        guard FileManager.default.fileExists(atPath: folder) else { return [] }
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else {
            throw ExportError.internal("cannot list \(folder)")
        }
        var keys: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let key = folderKey.isEmpty ? relative : folderKey + "/" + relative
            var isDirectory: ObjCBool = false
            guard key.hasPrefix(prefix), !relative.contains(DirectoryObjectUpload.partialMarker),
                  FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isDirectory),
                  !isDirectory.boolValue else { continue }
            keys.append(key)
        }
        return keys.sorted()
    }

    /// Created with O_EXCL, so of two writers of one key one wins, as with S3's `If-None-Match`.
    public func putIfAbsent(key: String, body: ByteBuffer, attributes: ObjectAttributes) async throws -> Bool {
        let target = path(key)
        do {
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
        } catch {
            throw ExportError.internal("cannot create the folder of \(target): \(error)")
        }
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        if fd < 0 {
            if errno == EEXIST { return false }
            throw ExportError.internal("cannot create \(target): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let written = body.withUnsafeReadableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == body.readableBytes else {
            throw ExportError.internal("cannot write \(target): \(String(cString: strerror(errno)))")
        }
        return true
    }

    public func get(key: String) async throws -> ByteBuffer? {
        guard let data = FileManager.default.contents(atPath: path(key)) else { return nil }
        return ByteBuffer(bytes: data)
    }

    public func listObjects(prefix: String, startAfter: String?) async throws -> [ListedObject] {
        try await list(prefix: prefix).filter { startAfter == nil || $0 > startAfter! }.map { key in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path(key))
            return ListedObject(key: key, bytes: (attributes?[.size] as? NSNumber)?.int64Value ?? 0,
                                lastModified: (attributes?[.modificationDate] as? Date).map { Int64($0.timeIntervalSince1970) })
        }
    }

    public func verifyBucket() async throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ExportError.internal("the sink directory \(directory.path) cannot be created: \(error)")
        }
        guard access(directory.path, W_OK) == 0 else {
            throw ExportError.internal("the sink directory \(directory.path) is not writable")
        }
    }

    /// Removes the temporary files of uploads that died under `prefix`.
    public func abortIncompleteUploads(prefix: String) async throws -> Int {
        let folder = (path(prefix) as NSString).deletingLastPathComponent
        let stem = (path(prefix) as NSString).lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return 0 }
        var removed = 0
        for name in names where name.hasPrefix(stem) && name.contains(DirectoryObjectUpload.partialMarker) {
            if unlink(folder + "/" + name) == 0 { removed += 1 }
        }
        return removed
    }

    private func path(_ key: String) -> String {
        // Keys come from ObjectKeyLayout, which refuses `..`; drop empty and dot segments anyway,
        // so no key can leave the directory.
        let safe = key.split(separator: "/").filter { $0 != ".." && $0 != "." }.joined(separator: "/")
        return directory.appendingPathComponent(safe).path
    }

    private func url(_ key: String) -> String {
        "file://" + path(key)
    }
}

/// One file being written: bytes go to `<path>.partial-<random>`, which `finish` renames into
/// place, so a reader never sees a partial file.
final class DirectoryObjectUpload: ObjectUpload {
    static let partialMarker = ".partial-"

    let key: String
    private(set) var byteCount: Int64 = 0
    private let path: String
    private let temporaryPath: String
    private let url: String
    private var descriptor: Int32 = -1
    private var hasher = SHA256()

    init(key: String, path: String, url: String) {
        self.key = key
        self.path = path
        self.url = url
        temporaryPath = path + Self.partialMarker + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    func write(_ bytes: inout ByteBuffer) async throws {
        try openIfNeeded()
        try bytes.withUnsafeReadableBytes { raw in
            hasher.update(bufferPointer: raw)
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw ExportError.internal("cannot write \(temporaryPath): \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
        byteCount += Int64(bytes.readableBytes)
        bytes.moveReaderIndex(forwardBy: bytes.readableBytes)
    }

    func finish() async throws -> StoredObject {
        try openIfNeeded()
        close(descriptor)
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw ExportError.internal("cannot move \(temporaryPath) to \(path): \(reason)")
        }
        return StoredObject(key: key, bytes: byteCount, sha256: Hex.lowercase(hasher.finalize()), url: url)
    }

    func abort() async {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        unlink(temporaryPath)
    }

    private func openIfNeeded() throws {
        guard descriptor < 0 else { return }
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ExportError.internal("cannot create \(folder): \(error)")
        }
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ExportError.internal("cannot create \(temporaryPath): \(String(cString: strerror(errno)))")
        }
    }
}
