import ExporterCore
import ExporterEngine
import ExporterSink
import Foundation
import NIOCore
import Testing

/// Multipart uploads, rollover into part files, idempotent re-runs and aborted uploads, against
/// real PostgreSQL and moto. Sizes are set small in the tests, never in product defaults.
@Suite(TestServices.needsServices())
struct LargeExportTests {
    static let window = ExportWindow(start: 1_795_132_800, end: 1_795_219_200) // 2026-11-20 .. 21
    static let stem = "exports/test/feature_usage/2026/11/20/feature_usage_20261120T000000Z_20261121T000000Z"

    /// `count` usage rows of about 300 bytes each, spread over the window.
    func seed(_ services: Services, tenant: String, count: Int) async throws {
        try await services.seedUsageRows(tenant: tenant, count: count)
    }

    func setUp(_ services: Services, rows: Int, extra: String = "", compression: CompressionSetting = .gzip)
        async throws -> (tenant: String, bucket: String, connection: String) {
        let c = try await services.newConnection(
            syncConfig: { Services.syncConfig(bucket: $0, compression: compression, extra: extra) },
            seed: { try await seed(services, tenant: $0, count: rows) })
        return (c.tenant, c.bucket, c.id)
    }

    @Test func aLargeObjectIsUploadedInPartsAndEqualsTheDatabase() async throws {
        try await TestServices.with { services in
            // ~7.5 MB of CSV without compression: two 5 MiB parts (S3's minimum part size).
            let (tenant, bucket, connection) = try await setUp(services, rows: 25_000, compression: .none)
            let reports = try await services.engine(partSize: 5 * 1024 * 1024, batchSize: 4_000)
                .exportWindow(Self.window, connectionID: connection, entities: nil)
            #expect(reports.filter(\.failed).isEmpty, "\(reports)")
            let key = Self.stem + ".csv"
            let object = try await services.fetch(bucket: bucket, key: key, gzip: false)
            #expect(object.raw.readableBytes > 5 * 1024 * 1024)
            // A multipart object's ETag is "<md5 of part md5s>-<part count>".
            #expect(object.headers["etag"]?.hasSuffix("-2\"") == true, "\(object.headers["etag"] ?? "")")
            let rows = try parse(object.text, format: .csv, columns: EntityType.featureUsage.columns)
            #expect(rows.count == 25_000)
            let expected = try await services.expectedRows(.featureUsage, tenant: tenant, environment: "", window: Self.window)
            #expect(rows.map { $0["id"] ?? nil } == expected.map { $0.values["id"]?.text })
            #expect(rows.last?["qty_total"] == expected.last?.values["qty_total"]?.text)
            let run = try #require(try await services.runs(connection: connection).first)
            #expect(run.rowCount == 25_000)
            #expect(run.sha256 == sha256Hex(object.raw))
            #expect(run.bytesUploaded == Int64(object.raw.readableBytes))
            #expect(try await services.s3(bucket: bucket).listMultipartUploads().isEmpty)
        }
    }

    @Test func anExportOverMaxFileSizeRollsOverIntoCompletePartFiles() async throws {
        try await TestServices.with { services in
            // ~3 MB of CSV with a 1 MB limit: three or four part files, each a complete CSV.
            let (_, bucket, connection) = try await setUp(services, rows: 10_000, extra: #", "max_file_size_mb": 1"#)
            let reports = try await services.engine(batchSize: 3_000)
                .exportWindow(Self.window, connectionID: connection, entities: nil)
            #expect(reports.filter(\.failed).isEmpty, "\(reports)")
            let keys = try await services.s3(bucket: bucket).listObjects().sorted()
            let parts = keys.filter { $0.contains("_part-") }
            #expect(parts.count >= 3)
            #expect(parts.first == Self.stem + "_part-0001.csv.gz")
            #expect(!keys.contains(Self.stem + ".csv.gz"), "the unnumbered name is gone once the export rolls over")
            var total = 0
            var ids: [String] = []
            for (index, key) in parts.enumerated() {
                #expect(key == Self.stem + "_part-" + String(format: "%04d", index + 1) + ".csv.gz")
                let object = try await services.fetch(bucket: bucket, key: key, gzip: true)
                #expect(object.text.utf8.count <= 1024 * 1024, "a file never exceeds max_file_size_mb uncompressed")
                let rows = try parse(object.text, format: .csv, columns: EntityType.featureUsage.columns)
                #expect(!rows.isEmpty)
                total += rows.count
                ids += rows.compactMap { $0["id"] ?? nil }
            }
            #expect(total == 10_000)
            #expect(ids == ids.sorted(), "rows keep their order across files, none repeated")
            #expect(Set(ids).count == 10_000)
            let run = try #require(try await services.runs(connection: connection).first)
            #expect(run.objectCount == parts.count)
            let manifest = try await services.fetch(bucket: bucket, key: Self.stem + "_manifest.json", gzip: false)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(manifest.text.utf8)) as? [String: Any])
            let objects = try #require(json["objects"] as? [[String: Any]])
            #expect(objects.compactMap { $0["key"] as? String } == parts)
            #expect(objects.compactMap { $0["rows"] as? Int }.reduce(0, +) == 10_000)
        }
    }

    /// A row is encoded into 16 KiB reserved for it; a row that does not fit is encoded again
    /// with more room, from the encoder's state before the row. The first and third rows
    /// (1.2 MB and 2.4 MB) are larger than the whole 1 MiB batch buffer, so they cannot fit on
    /// the first attempt: the retry path runs, for the first row of a file too. They come out
    /// whole in every format, and a JSON array has exactly one comma between rows.
    @Test(arguments: [ExportFormat.csv, .json, .ndjson])
    func rowsLargerThanTheirReservedSpaceAreWrittenWhole(format: ExportFormat) async throws {
        try await TestServices.with { services in
            let c = try await services.newConnection(
                syncConfig: { Services.syncConfig(bucket: $0, format: format) },
                seed: { tenant in
                    try await services.execute("""
                        INSERT INTO feature_usage (id, tenant_id, environment_id, external_customer_id, customer_id,
                            event_name, source, "timestamp", ingested_at, qty_total, properties, unique_hash)
                        SELECT \(tenant) || '-' || g, \(tenant), '', 'ext', 'cust', 'api_call', 'sdk',
                            '2026-11-20T00:00:00Z'::timestamptz + g * interval '1 minute', now(), g,
                            jsonb_build_object('pad', repeat('ab"c,', CASE g WHEN 1 THEN 200000 WHEN 3 THEN 400000 ELSE 1 END)),
                            md5(g::text)
                        FROM generate_series(1, 4) AS g
                        """)
                })
            let reports = try await services.engine().exportWindow(Self.window, connectionID: c.id, entities: nil)
            #expect(reports.filter(\.failed).isEmpty, "\(reports)")
            let object = try await services.fetch(bucket: c.bucket, key: Self.stem + ".\(format.rawValue).gz", gzip: true)
            let rows = try parse(object.text, format: format, columns: EntityType.featureUsage.columns)
            #expect(rows.map { $0["id"] ?? nil } == (1...4).map { "\(c.tenant)-\($0)" })
            // {"pad":"…"} around n repeats of `ab\"c,` (the quote escaped in JSON text).
            let properties = rows.map { ($0["properties"] ?? nil) ?? "" }
            #expect(properties.map(\.utf8.count) == [200_000, 1, 400_000, 1].map { 10 + 6 * $0 })
            #expect(properties.allSatisfy { $0.hasPrefix(#"{"pad":"ab\"c,"#) && $0.hasSuffix(#"ab\"c,"}"#) })
        }
    }

    @Test func reRunningAWindowRewritesTheSameBytes() async throws {
        try await TestServices.with { services in
            let (_, bucket, connection) = try await setUp(services, rows: 2_000)
            let engine = services.engine()
            _ = try await engine.exportWindow(Self.window, connectionID: connection, entities: nil)
            let first = try await services.fetch(bucket: bucket, key: Self.stem + ".csv.gz", gzip: false)
            _ = try await engine.exportWindow(Self.window, connectionID: connection, entities: nil)
            let second = try await services.fetch(bucket: bucket, key: Self.stem + ".csv.gz", gzip: false)
            #expect(first.raw == second.raw)
            let runs = try await services.runs(connection: connection)
            #expect(runs.map(\.status) == ["succeeded", "succeeded"])
            #expect(runs.map(\.attempt) == [1, 2])
            #expect(runs[0].sha256 == runs[1].sha256)
        }
    }

    @Test func aFailedUploadIsAbortedAndLeavesNothingBehind() async throws {
        try await TestServices.with { services in
            let (_, bucket, connection) = try await setUp(services, rows: 25_000, compression: .none)
            let s3 = ExportEngine.s3Sinks(http: services.http, logger: TestServices.logger, maxAttempts: 1,
                                          partSize: 5 * 1024 * 1024)
            let engine = ExportEngine(
                postgres: services.postgres, secretBox: SecretBox(encryptionKey: TestServices.encryptionKey),
                logger: TestServices.logger,
                makeSink: { settings, credentials in FailingSink(inner: try s3(settings, credentials), failAfterBytes: 6 * 1024 * 1024) },
                batchSize: 4_000)
            let reports = try await engine.exportWindow(Self.window, connectionID: connection, entities: nil)
            #expect(reports.count == 1)
            #expect(reports.filter(\.failed).count == 1)
            let client = try services.s3(bucket: bucket)
            #expect(try await client.listMultipartUploads().isEmpty, "the multipart upload was aborted")
            #expect(try await client.listObjects().isEmpty, "no partial object and no manifest")
            let run = try #require(try await services.runs(connection: connection).first)
            #expect(run.status == "failed")
            #expect(run.errorCode == "network")
            #expect(run.errorMessage?.contains("injected") == true)
        }
    }
}

/// A sink whose uploads fail once `failAfterBytes` have been written: after the first part has
/// really gone to S3, so the engine has a multipart upload to abort.
struct FailingSink: ForwardingObjectSink {
    let inner: any ObjectSink
    let failAfterBytes: Int64

    func makeUpload(key: String, attributes: ObjectAttributes) -> any ObjectUpload {
        FailingUpload(inner: inner.makeUpload(key: key, attributes: attributes), failAfterBytes: failAfterBytes)
    }
}

final class FailingUpload: ObjectUpload {
    let inner: any ObjectUpload
    let failAfterBytes: Int64

    init(inner: any ObjectUpload, failAfterBytes: Int64) {
        self.inner = inner
        self.failAfterBytes = failAfterBytes
    }

    var key: String { inner.key }
    var byteCount: Int64 { inner.byteCount }

    func write(_ bytes: inout ByteBuffer) async throws {
        if inner.byteCount > failAfterBytes {
            throw ExportError.network("injected failure after \(inner.byteCount) bytes")
        }
        try await inner.write(&bytes)
    }

    func finish() async throws -> StoredObject { try await inner.finish() }
    func abort() async { await inner.abort() }
}
