import ExporterSink
import Foundation
import NIOCore
import Testing

/// The local-directory sink (EXPORTER_SINK_DIRECTORY): objects appear whole or not at all, with
/// the same figures the S3 sink reports, and never outside the directory.
struct DirectoryObjectSinkTests {
    func withSink(_ body: (DirectoryObjectSink, URL) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sink-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let sink = DirectoryObjectSink(root: root, bucket: "exports")
        try await sink.verifyBucket()
        try await body(sink, root.appendingPathComponent("exports"))
    }

    func names(_ directory: URL) -> [String] {
        (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String] ?? []).sorted()
    }

    @Test func anObjectAppearsWholeOnlyWhenFinished() async throws {
        try await withSink { sink, bucket in
            let upload = sink.makeUpload(key: "p/invoice/a.csv", attributes: ObjectAttributes(contentType: "text/csv"))
            var first = ByteBuffer(string: "id,name\n")
            var second = ByteBuffer(string: "1,abc\n")
            try await upload.write(&first)
            try await upload.write(&second)
            #expect(!FileManager.default.fileExists(atPath: bucket.appendingPathComponent("p/invoice/a.csv").path))
            let stored = try await upload.finish()
            #expect(try String(contentsOf: bucket.appendingPathComponent("p/invoice/a.csv"), encoding: .utf8) == "id,name\n1,abc\n")
            #expect(stored.bytes == 14)
            // SHA-256 of "id,name\n1,abc\n".
            #expect(stored.sha256 == "ba2229ec79bb1b97b4e4a2be7762f95ed077a9bb9bcb242d5936c3563c7d7a3f")
            #expect(names(bucket) == ["p", "p/invoice", "p/invoice/a.csv"])
        }
    }

    @Test func anAbortedUploadLeavesNothing() async throws {
        try await withSink { sink, bucket in
            let upload = sink.makeUpload(key: "p/b.csv", attributes: ObjectAttributes(contentType: "text/csv"))
            var bytes = ByteBuffer(string: "partial")
            try await upload.write(&bytes)
            await upload.abort()
            #expect(names(bucket) == ["p"])
        }
    }

    @Test func copyDeleteAndPutWorkOnFiles() async throws {
        try await withSink { sink, bucket in
            let stored = try await sink.put(key: "m.json", body: ByteBuffer(string: "{}"), attributes: ObjectAttributes(contentType: "application/json"))
            let copied = try await sink.copy(stored, to: "n.json", attributes: ObjectAttributes(contentType: "application/json"))
            try await sink.delete(key: "m.json")
            #expect(copied.sha256 == stored.sha256)
            #expect(names(bucket) == ["n.json"])
            #expect(copied.url == "file://" + bucket.appendingPathComponent("n.json").path)
        }
    }

    @Test func keysCannotLeaveTheDirectory() async throws {
        try await withSink { sink, bucket in
            _ = try await sink.put(key: "../../escape.csv", body: ByteBuffer(string: "x"), attributes: ObjectAttributes(contentType: "text/csv"))
            #expect(names(bucket) == ["escape.csv"])
        }
    }
}
