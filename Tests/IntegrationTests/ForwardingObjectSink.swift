import ExporterSink
import NIOCore

/// A test sink that changes one behaviour of the sink it wraps (fails an upload, records a key)
/// and forwards everything else to it unchanged; a conforming type implements only what it changes.
protocol ForwardingObjectSink: ObjectSink {
    var inner: any ObjectSink { get }
}

extension ForwardingObjectSink {
    func makeUpload(key: String, attributes: ObjectAttributes) -> any ObjectUpload {
        inner.makeUpload(key: key, attributes: attributes)
    }

    func put(key: String, body: ByteBuffer, attributes: ObjectAttributes) async throws -> StoredObject {
        try await inner.put(key: key, body: body, attributes: attributes)
    }

    func copy(_ object: StoredObject, to destination: String, attributes: ObjectAttributes) async throws -> StoredObject {
        try await inner.copy(object, to: destination, attributes: attributes)
    }

    func delete(key: String) async throws { try await inner.delete(key: key) }
    func list(prefix: String) async throws -> [String] { try await inner.list(prefix: prefix) }
    func verifyBucket() async throws { try await inner.verifyBucket() }
    func abortIncompleteUploads(prefix: String) async throws -> Int { try await inner.abortIncompleteUploads(prefix: prefix) }
    func putIfAbsent(key: String, body: ByteBuffer, attributes: ObjectAttributes) async throws -> Bool {
        try await inner.putIfAbsent(key: key, body: body, attributes: attributes)
    }
    func get(key: String) async throws -> ByteBuffer? { try await inner.get(key: key) }
    func listObjects(prefix: String, startAfter: String?) async throws -> [ListedObject] {
        try await inner.listObjects(prefix: prefix, startAfter: startAfter)
    }
}
