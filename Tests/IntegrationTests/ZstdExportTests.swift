import ExporterCore
import ExporterEngine
import Foundation
import NIOCore
import TestSupport
import Testing

/// `compression: zstd` end to end against moto: the `.zst` key, `Content-Encoding: zstd`, a
/// manifest saying `zstd`, and objects the `zstd` tool decodes into exactly the bytes the same
/// window gives with `compression: none`, also after a rollover, where every part decodes alone.
@Suite(TestServices.needsServices())
struct ZstdExportTests {
    /// Exports the 2026-11-20 window of a fresh tenant's 10,000 usage rows with each of
    /// `configs` (format, compression, max_file_size_mb), each to its own bucket.
    func export(_ services: Services, _ configs: [(ExportFormat, CompressionSetting, Int?)]) async throws -> [TestConnection] {
        let endpoint = try #require(TestServices.s3Endpoint)
        let first = try await services.newConnection(
            syncConfig: { Services.s3Config(bucket: $0, endpoint: endpoint, format: configs[0].0, compression: configs[0].1,
                                            maxFileSizeMB: configs[0].2) },
            seed: { try await services.seedUsageRows(tenant: $0, count: 10_000) })
        var connections = [first]
        for (format, compression, maxFileSizeMB) in configs.dropFirst() {
            let c = TestConnection(tenant: first.tenant, environment: "", bucket: uniqueName("bucket"), id: uniqueName("conn"))
            try await services.createBucket(c.bucket)
            try await services.insertConnection(
                id: c.id, tenant: c.tenant, environment: "",
                syncConfig: Services.s3Config(bucket: c.bucket, endpoint: endpoint, format: format, compression: compression,
                                              maxFileSizeMB: maxFileSizeMB))
            connections.append(c)
        }
        let engine = services.proxiedEngine(batchSize: 3_000)
        for c in connections {
            let reports = try await engine.exportWindow(ProxiedWindow.window, connectionID: c.id, entities: nil)
            #expect(reports.count == 1)
            #expect(reports.filter(\.failed).isEmpty, "\(reports)")
        }
        return connections
    }

    @Test func aZstdObjectDecodesToTheUncompressedExport() async throws {
        try await TestServices.with { services in
            let c = try await export(services, [(.csv, .zstd, nil), (.csv, .none, nil)])
            let (zstd, plain) = (c[0], c[1])
            let stem = ProxiedWindow.stem()

            #expect(try await services.s3(bucket: zstd.bucket).listObjects().sorted()
                    == [stem + ".csv.zst", stem + "_manifest.json"])
            #expect(stem.hasSuffix("feature_usage_20261120T000000Z_20261121T000000Z"))
            let object = try await services.fetch(bucket: zstd.bucket, key: stem + ".csv.zst", gzip: false)
            #expect(object.headers["content-encoding"] == "zstd")
            #expect(object.headers["content-type"] == "text/csv")
            #expect(Array(object.raw.readableBytesView.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])

            let reference = try await services.fetch(bucket: plain.bucket, key: stem + ".csv", gzip: false)
            #expect(reference.headers["content-encoding"] == nil)
            // CSV records end in CRLF (RFC 4180), one grapheme in Swift: so split on newlines, not on "\n".
            #expect(reference.text.split(whereSeparator: \.isNewline).count == 10_001, "header and 10,000 rows")
            let decoded = ByteBuffer(bytes: try ZstdTool.decompress(object.raw))
            #expect(decoded.readableBytes == reference.raw.readableBytes)
            #expect(decoded == reference.raw, "zstd -d of the object differs from the compression: none export")
            #expect(object.raw.readableBytes < reference.raw.readableBytes / 3,
                    "\(object.raw.readableBytes) bytes compressed of \(reference.raw.readableBytes)")

            // The manifest names the compression and lists the stored (compressed) bytes.
            let manifest = try await services.fetch(bucket: zstd.bucket, key: stem + "_manifest.json", gzip: false)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(manifest.text.utf8)) as? [String: Any])
            #expect(json["compression"] as? String == "zstd")
            #expect(json["format"] as? String == "csv")
            #expect(json["row_count"] as? Int == 10_000)
            let objects = try #require(json["objects"] as? [[String: Any]])
            #expect(objects.count == 1)
            #expect(objects.first?["key"] as? String == stem + ".csv.zst")
            #expect(objects.first?["bytes"] as? Int == object.raw.readableBytes)
            #expect(objects.first?["sha256"] as? String == sha256Hex(object.raw))

            let runs = try await services.runs(connection: zstd.id)
            #expect(runs.map(\.status) == ["succeeded"])
            #expect(runs.first?.bytesUploaded == Int64(object.raw.readableBytes))
            #expect(runs.first?.bytesRaw == Int64(reference.raw.readableBytes))
        }
    }

    /// `max_file_size_mb: 1` on about 3 MB of NDJSON: each `_part-NNNN.ndjson.zst` is a frame
    /// of its own that `zstd -d` decodes alone into complete lines, and the parts in order are
    /// byte for byte the window's single uncompressed file.
    @Test func aRolloverWritesPartsThatEachDecodeAlone() async throws {
        try await TestServices.with { services in
            let c = try await export(services, [(.ndjson, .zstd, 1), (.ndjson, .none, nil)])
            let (zstd, plain) = (c[0], c[1])
            let stem = ProxiedWindow.stem()

            let keys = try await services.s3(bucket: zstd.bucket).listObjects().sorted()
            let parts = keys.filter { $0 != stem + "_manifest.json" }
            #expect(parts.count >= 3, "\(keys)")
            #expect(parts == (1...max(1, parts.count)).map { stem + "_part-" + String(format: "%04d", $0) + ".ndjson.zst" },
                    "\(keys)")
            #expect(parts.first?.hasSuffix("feature_usage_20261120T000000Z_20261121T000000Z_part-0001.ndjson.zst") == true)

            var joined = ByteBuffer()
            var rowsPerPart: [Int] = []
            for key in parts {
                let object = try await services.fetch(bucket: zstd.bucket, key: key, gzip: false)
                #expect(object.headers["content-encoding"] == "zstd", "\(key)")
                #expect(object.headers["content-type"] == "application/x-ndjson", "\(key)")
                var decoded = ByteBuffer(bytes: try ZstdTool.decompress(object.raw))
                let text = String(buffer: decoded)
                #expect(decoded.readableBytes <= 1024 * 1024, "\(key) exceeds max_file_size_mb")
                #expect(text.hasSuffix("\n"), "\(key) ends mid-line")
                for line in text.split(separator: "\n") {
                    #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any], "\(key): a line is not an object")
                }
                rowsPerPart.append(text.split(separator: "\n").count)
                joined.writeBuffer(&decoded)
            }
            let reference = try await services.fetch(bucket: plain.bucket, key: stem + ".ndjson", gzip: false)
            #expect(joined == reference.raw, "the decoded parts joined differ from the uncompressed single file")
            #expect(rowsPerPart.reduce(0, +) == 10_000)

            let manifest = try await services.fetch(bucket: zstd.bucket, key: stem + "_manifest.json", gzip: false)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(manifest.text.utf8)) as? [String: Any])
            #expect(json["compression"] as? String == "zstd")
            let objects = try #require(json["objects"] as? [[String: Any]])
            #expect(objects.compactMap { $0["key"] as? String } == parts)
            #expect(objects.compactMap { $0["rows"] as? Int } == rowsPerPart)
        }
    }
}
