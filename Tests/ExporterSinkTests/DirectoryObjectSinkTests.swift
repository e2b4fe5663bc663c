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

    /// What an export lists to delete a window's stale objects: complete files under the prefix,
    /// not an upload's temporary file, not another window's keys.
    @Test func listReturnsTheCompleteObjectsUnderAPrefix() async throws {
        try await withSink { sink, _ in
            let attributes = ObjectAttributes(contentType: "text/csv")
            for key in ["p/2026/11/20/x_A_B.csv", "p/2026/11/20/x_A_B_part-0002.csv", "p/2026/11/20/x_A_B_manifest.json",
                        "p/2026/11/20/x_A_C.csv", "p/2026/11/21/x_A_B.csv", "q.csv"] {
                _ = try await sink.put(key: key, body: ByteBuffer(string: "1\n"), attributes: attributes)
            }
            let open = sink.makeUpload(key: "p/2026/11/20/x_A_B_part-0003.csv", attributes: attributes)
            var bytes = ByteBuffer(string: "in progress")
            try await open.write(&bytes)
            #expect(try await sink.list(prefix: "p/2026/11/20/x_A_B") == [
                "p/2026/11/20/x_A_B.csv", "p/2026/11/20/x_A_B_manifest.json", "p/2026/11/20/x_A_B_part-0002.csv",
            ])
            #expect(try await sink.list(prefix: "p/2026/").count == 5)
            #expect(try await sink.list(prefix: "").count == 6)
            #expect(try await sink.list(prefix: "missing/folder/x").isEmpty)
            await open.abort()
        }
    }

    @Test func keysCannotLeaveTheDirectory() async throws {
        try await withSink { sink, bucket in
            _ = try await sink.put(key: "../../escape.csv", body: ByteBuffer(string: "x"), attributes: ObjectAttributes(contentType: "text/csv"))
            #expect(names(bucket) == ["escape.csv"])
        }
    }
}
