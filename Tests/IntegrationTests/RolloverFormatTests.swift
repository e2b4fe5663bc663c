import Crypto
import ExporterCore
import ExporterEngine
import Foundation
import NIOCore
import Testing

/// Rolling over (`max_file_size_mb`) in JSON and NDJSON: each part file is a document of its own
/// (a complete JSON array; complete lines), the parts together hold exactly the window's rows
/// in order, and the manifest lists each part with its row count, size and hash.
@Suite(TestServices.needsServices())
struct RolloverFormatTests {
    @Test(arguments: [ExportFormat.json, .ndjson])
    func eachPartFileIsAValidDocumentAndTogetherTheyHoldTheWindow(format: ExportFormat) async throws {
        try await TestServices.with { services in
            let endpoint = try #require(TestServices.s3Endpoint)
            // ~4 MB of JSON with a 1 MB limit: four or more part files.
            let c = try await services.newConnection(
                syncConfig: { Services.s3Config(bucket: $0, endpoint: endpoint, format: format, compression: .gzip, maxFileSizeMB: 1) },
                seed: { try await services.seedUsageRows(tenant: $0, count: 10_000) })
            // The same rows in one file, the reference.
            let whole = uniqueName("conn")
            let wholeBucket = uniqueName("bucket")
            try await services.createBucket(wholeBucket)
            try await services.insertConnection(id: whole, tenant: c.tenant, environment: "",
                                                syncConfig: Services.s3Config(bucket: wholeBucket, endpoint: endpoint, format: format,
                                                                              compression: .gzip))
            let engine = services.proxiedEngine(batchSize: 3_000)
            for connection in [c.id, whole] {
                let reports = try await engine.exportWindow(ProxiedWindow.window, connectionID: connection, entities: nil)
                #expect(reports.filter(\.failed).isEmpty, "\(reports)")
            }

            let stem = ProxiedWindow.stem()
            let ext = format.rawValue + ".gz"
            let keys = try await services.s3(bucket: c.bucket).listObjects().sorted()
            let parts = keys.filter { $0 != stem + "_manifest.json" }
            #expect(parts.count >= 3, "\(keys)")
            #expect(parts == (1...max(1, parts.count)).map { stem + "_part-" + String(format: "%04d", $0) + "." + ext }, "\(keys)")

            let columns = EntityType.featureUsage.columns
            var rows: [[String: String?]] = []
            var rowsPerPart: [Int] = []
            // The parts' rows as JSON text with sorted keys: compared without regard to key order.
            var values: [String] = []
            var lines: [Substring] = []
            for key in parts {
                let object = try await services.fetch(bucket: c.bucket, key: key, gzip: true)
                #expect(object.text.utf8.count <= 1024 * 1024, "\(key) exceeds max_file_size_mb")
                values += try jsonValues(object.text, format: format, name: key)
                if format == .ndjson {
                    // Complete lines only: one object per line, the last line ended too.
                    #expect(object.text.hasSuffix("\n"), "\(key) ends mid-line")
                    #expect(!object.text.contains("\n\n"))
                    lines += object.text.split(separator: "\n")
                }
                let partRows = try parse(object.text, format: format, columns: columns)
                #expect(!partRows.isEmpty)
                rowsPerPart.append(partRows.count)
                rows += partRows
            }

            // Together: the window's rows, in order, each once; equal to the single-file export.
            let reference = try await services.fetch(bucket: wholeBucket, key: stem + "." + ext, gzip: true)
            let referenceValues = try jsonValues(reference.text, format: format, name: "the single file")
            #expect(referenceValues.count == 10_000)
            #expect(values.count == referenceValues.count)
            #expect(values == referenceValues, "the parts joined differ from the single file")
            if format == .ndjson {
                #expect(lines == reference.text.split(separator: "\n"), "byte for byte, line by line")
            }
            let ids = try await services.postgres.query("""
                SELECT id FROM feature_usage WHERE tenant_id = \(c.tenant) ORDER BY "timestamp", id
                """).map { try $0.decode(String.self) }
            #expect(rows.map { $0["id"] ?? nil } == ids)

            // The manifest lists the parts with their own figures.
            let manifest = try await services.fetch(bucket: c.bucket, key: stem + "_manifest.json", gzip: false)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(manifest.text.utf8)) as? [String: Any])
            #expect(json["row_count"] as? Int == 10_000)
            #expect(json["format"] as? String == format.rawValue)
            let objects = try #require(json["objects"] as? [[String: Any]])
            #expect(objects.compactMap { $0["key"] as? String } == parts)
            #expect(objects.compactMap { $0["rows"] as? Int } == rowsPerPart)
            for (object, key) in zip(objects, parts) {
                let stored = try await services.fetch(bucket: c.bucket, key: key, gzip: false)
                #expect(object["sha256"] as? String == sha256Hex(stored.raw))
                #expect(object["bytes"] as? Int == stored.raw.readableBytes)
                // Each part is one PutObject (or, the first, a copy the store checksummed anew):
                // the store verified and reports the SHA-256 of the whole object.
                #expect(object["checksum_algorithm"] as? String == "SHA256", "\(key)")
                #expect(object["checksum_type"] as? String == "FULL_OBJECT", "\(key)")
                #expect(object["checksum"] as? String == Data(SHA256.hash(data: Array(stored.raw.readableBytesView))).base64EncodedString(), "\(key)")
            }
        }
    }

    /// A file's rows as JSON text with sorted keys: the elements of a JSON array (which must
    /// parse whole, so a truncated or joined one fails), or one object per NDJSON line.
    func jsonValues(_ text: String, format: ExportFormat, name: String) throws -> [String] {
        let objects: [[String: Any]]
        switch format {
        case .json:
            objects = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]],
                                   "\(name) is not a JSON array of objects")
        case .ndjson:
            objects = try text.split(separator: "\n").map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(name): a line is not an object")
            }
        case .csv, .parquet:
            Issue.record("\(format) is not a case here")
            objects = []
        }
        return try objects.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
    }
}
