import ExporterCore
import ExporterEngine
import Foundation
import NIOCore
import Testing

/// Helpers for the Parquet integration tests: an engine with a chosen row-group size, and the
/// exported objects downloaded into a folder the readers open.
extension Services {
    /// The version and build the test engine writes into `created_by`.
    static let parquetTestVersion = (version: "9.8.7", build: "pqtest")

    /// An engine writing Parquet row groups of `rowGroupMB` (EXPORTER_PARQUET_ROW_GROUP_MB,
    /// through ``ExporterSettings`` as the daemon sets it).
    func parquetEngine(rowGroupMB: Int = ExporterSettings.defaultParquetRowGroupMB, batchSize: Int = 4_000) -> ExportEngine {
        var settings = ExporterSettings()
        settings.parquetRowGroupMB = rowGroupMB
        let files = ExportFileOptions(settings, version: Self.parquetTestVersion.version, build: Self.parquetTestVersion.build)
        return ExportEngine(postgres: postgres, secretBox: SecretBox(encryptionKey: TestServices.encryptionKey), logger: TestServices.logger,
                            makeSink: ExportEngine.s3Sinks(http: http, logger: TestServices.logger, maxAttempts: 2,
                                                           partSize: 5 * 1024 * 1024),
                            batchSize: batchSize, files: files)
    }

    /// Downloads `key` into `directory` (named after the key's last component) and returns the
    /// object with its local path.
    func download(bucket: String, key: String, into directory: URL) async throws -> DownloadedObject {
        let object = try await fetch(bucket: bucket, key: key, gzip: false)
        let path = directory.appendingPathComponent(bucket + "-" + (key.split(separator: "/").last.map(String.init) ?? "object")).path
        try Data(object.raw.readableBytesView).write(to: URL(fileURLWithPath: path))
        return DownloadedObject(key: key, path: path, bytes: object.raw, headers: object.headers)
    }

    /// The manifest of a window's export, parsed.
    func manifest(bucket: String, key: String) async throws -> [String: Any] {
        let object = try await fetch(bucket: bucket, key: key, gzip: false)
        return try #require(try JSONSerialization.jsonObject(with: Data(object.text.utf8)) as? [String: Any], "\(key) is no JSON object")
    }
}

/// An object fetched from moto and written to a local file.
struct DownloadedObject: Sendable {
    let key: String
    let path: String
    let bytes: ByteBuffer
    let headers: [String: String]

    /// Parquet's magic at both ends.
    var isParquetFramed: Bool {
        let view = bytes.readableBytesView
        return view.count >= 12 && Array(view.prefix(4)) == Array("PAR1".utf8) && Array(view.suffix(4)) == Array("PAR1".utf8)
    }
}

extension Services {
    /// `count` usage rows in the 2026-11-20 window for the large-window test: NULLs in every
    /// nullable column now and then, multi-byte text and emoji, distinct strings over 64 bytes
    /// (event_name, properties, unique_hash: together several MiB, past a 1 MiB dictionary),
    /// ingested_at from 1950 to past 2100, negative and zero bigints, and unconstrained numerics of
    /// up to 42 significant digits, negative and positive.
    func seedLargeUsageWindow(tenant: String, count: Int) async throws {
        try await execute("""
            INSERT INTO feature_usage (id, tenant_id, environment_id, external_customer_id, customer_id, subscription_id,
                sub_line_item_id, price_id, meter_id, feature_id, period_id, event_name, source, "timestamp", ingested_at,
                qty_total, properties, unique_hash)
            SELECT \(tenant) || '-' || lpad(g::text, 7, '0'), \(tenant), '',
                CASE WHEN g % 11 = 0 THEN NULL ELSE 'ext_' || (g % 997) || '_Zürich_☕' END,
                'cust_' || (g % 97),
                CASE WHEN g % 5 = 0 THEN NULL ELSE 'sub_' || (g % 13) END,
                CASE WHEN g % 2 = 0 THEN NULL ELSE 'sli_🎉_' || (g % 7) END,
                'price_api', 'meter_api', CASE WHEN g % 19 = 0 THEN NULL ELSE 'feat_' || (g % 3) END,
                CASE WHEN g % 3 = 0 THEN NULL ELSE g::bigint * 1000003 - 20000000000 END,
                'event ' || md5(g::text) || ' ' || repeat('é', (g % 40)::int),
                CASE WHEN g % 23 = 0 THEN NULL ELSE 'sdk' END,
                '2026-11-20T00:00:00Z'::timestamptz + g * interval '2 seconds' + g * interval '1 microsecond',
                CASE WHEN g % 7 = 0 THEN NULL ELSE '1950-01-01T00:00:00Z'::timestamptz + g * interval '2 days 1 microsecond' END,
                CASE WHEN g % 13 = 0 THEN NULL WHEN g % 13 = 1 THEN 0 ELSE g::numeric * 1234567890123456789012345678901.23456789 - 1e33 END,
                CASE WHEN g % 17 = 0 THEN NULL WHEN g % 17 = 1 THEN jsonb_build_array(g, 'x', NULL)
                     ELSE jsonb_build_object('endpoint', '/v1/resource/' || md5(g::text), 'bytes', g * 31,
                                             'tags', jsonb_build_array('a', g, NULL), 'note', 'ümlaut ☕') END,
                md5(g::text) || md5((g + 1)::text)
            FROM generate_series(1, \(count)) AS g
            """)
    }
}

/// A folder for one test's downloaded files, removed afterwards unless PARQUET_KEEP_FILES is set.
func withScratchDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parquet-it-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer {
        if ProcessInfo.processInfo.environment["PARQUET_KEEP_FILES"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }
    return try await body(directory)
}
