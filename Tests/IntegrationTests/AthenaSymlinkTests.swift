import ExporterCore
import ExporterEngine
import ExporterSink
import Foundation
import NIOCore
import Synchronization
import Testing

/// `athena_symlinks` (issue 15): with it, each export writes its window's Athena symlink list,
/// `{key_prefix}/athena-symlinks/{entity}/yyyy/mm/dd/{entity}_{start}_{end}.txt`, one
/// `s3://bucket/key` line per data object the manifest lists. The list follows the window's
/// rule (complete or absent): deleted before the data is rewritten, written after the last data
/// object and before the manifest, rewritten by a re-export (another format, other parts) and
/// removed by a failed one. Without the setting nothing under `athena-symlinks/` is touched.
/// Real PostgreSQL and moto; sizes are set small here, never in product defaults.
@Suite(TestServices.needsServices())
struct AthenaSymlinkTests {
    static let window = ProxiedWindow.window
    static let stem = ProxiedWindow.stem()
    static let manifestKey = stem + "_manifest.json"
    static let listKey = "exports/test/athena-symlinks/feature_usage/2026/11/20/feature_usage_20261120T000000Z_20261121T000000Z.txt"

    /// An engine with small Parquet row groups (so 1 MB files roll over), its sink wrapped by `wrap`.
    func engine(_ services: Services, wrap: @escaping @Sendable (any ObjectSink) -> any ObjectSink = { $0 }) -> ExportEngine {
        services.engine(wrapping: wrap, files: ExportFileOptions(parquetRowGroupBytes: 128 << 10))
    }

    func config(_ bucket: String, endpoint: String, format: ExportFormat = .parquet, symlinks: Bool = true) -> String {
        Services.s3Config(bucket: bucket, endpoint: endpoint, format: format, compression: .none, maxFileSizeMB: 1,
                          athenaSymlinks: symlinks)
    }

    /// Exports the window and checks the list names exactly the manifest's objects, each stored;
    /// returns them.
    @discardableResult
    func exportAndExpectTheListToMatchTheManifest(_ services: Services, _ c: TestConnection,
                                                  wrap: @escaping @Sendable (any ObjectSink) -> any ObjectSink = { $0 }) async throws -> [String] {
        let reports = try await engine(services, wrap: wrap).exportWindow(Self.window, connectionID: c.id, entities: nil)
        #expect(reports.count == 1 && reports.allSatisfy { if case .succeeded = $0.result { true } else { false } }, "\(reports)")
        let listed = try await services.manifestObjects(bucket: c.bucket, manifestKey: Self.manifestKey)
        let list = try await services.fetch(bucket: c.bucket, key: Self.listKey, gzip: false)
        #expect(list.text == listed.map { "s3://\(c.bucket)/\($0)\n" }.joined(), "the list names the manifest's objects")
        let stored = try await services.s3(bucket: c.bucket).listObjects()
        #expect(Set(stored) == Set(listed + [Self.manifestKey, Self.listKey]), "the bucket holds the set, its manifest and its list")
        return listed
    }

    @Test func aParquetWindowGetsItsListAfterItsDataAndBeforeItsManifest() async throws {
        try await TestServices.with { services in
            try await services.withProxy { proxy, url in
                let c = try await services.newConnection(syncConfig: { config($0, endpoint: url) },
                                                         seed: { try await services.seedUsageRows(tenant: $0, count: 14_000) })
                let listed = try await exportAndExpectTheListToMatchTheManifest(services, c)
                #expect(listed.count >= 2 && listed.allSatisfy { $0.hasPrefix(Self.stem + "_part-") && $0.hasSuffix(".parquet") },
                        "the window rolled over into Parquet parts: \(listed)")

                let head = try await services.headObject(bucket: c.bucket, key: Self.listKey)
                #expect(head["content-type"] == "text/plain; charset=utf-8")
                #expect(head["x-amz-server-side-encryption"] == "AES256")

                // The order on the wire: the old list goes with the old manifest, before any data;
                // the new one after the last data object and before the manifest.
                let requests = proxy.requests
                func index(_ request: String) -> Int? { requests.firstIndex(of: request) }
                let bucketPath = "/\(c.bucket)/"
                let deleteManifest = try #require(index("DELETE \(bucketPath)\(Self.manifestKey)"), "\(requests)")
                let deleteList = try #require(index("DELETE \(bucketPath)\(Self.listKey)"), "\(requests)")
                let putList = try #require(index("PUT \(bucketPath)\(Self.listKey)"), "\(requests)")
                let putManifest = try #require(index("PUT \(bucketPath)\(Self.manifestKey)"), "\(requests)")
                let dataRequests = requests.indices.filter { requests[$0].contains(bucketPath + Self.stem + "_part-") }
                let firstData = try #require(dataRequests.first)
                let lastData = try #require(dataRequests.last)
                #expect(deleteManifest < deleteList && deleteList < firstData, "\(requests)")
                #expect(lastData < putList && putList < putManifest, "\(requests)")
                #expect(putManifest == requests.indices.last { requests[$0].hasPrefix("PUT ") || requests[$0].hasPrefix("POST ") },
                        "the manifest is the last object written: \(requests)")
                expectAllSignaturesVerified(proxy, atLeast: 6)
            }
        }
    }

    @Test func aReExportRewritesTheListAndAFailedOneRemovesIt() async throws {
        try await TestServices.with { services in
            let endpoint = try #require(TestServices.s3Endpoint)
            let c = try await services.newConnection(syncConfig: { config($0, endpoint: endpoint) },
                                                     seed: { try await services.seedUsageRows(tenant: $0, count: 14_000) })
            let parquet = try await exportAndExpectTheListToMatchTheManifest(services, c)
            #expect(parquet.count >= 2, "\(parquet)")

            // Another format: the list names the CSV parts and no Parquet file (they are deleted).
            try await services.execute("UPDATE connections SET sync_config = \(config(c.bucket, endpoint: endpoint, format: .csv))::jsonb WHERE id = \(c.id)")
            let csv = try await exportAndExpectTheListToMatchTheManifest(services, c)
            #expect(!csv.isEmpty && csv.allSatisfy { $0.hasSuffix(".csv") }, "\(csv)")

            // A re-export that fails at its manifest, after writing its list: nothing of the window
            // remains, the list included, so Athena never reads a half-written window.
            let record = ManifestFailingSink.Record()
            let reports = try await engine(services) { ManifestFailingSink(inner: $0, record: record) }
                .exportWindow(Self.window, connectionID: c.id, entities: nil)
            #expect(reports.count == 1 && reports.allSatisfy(\.failed), "\(reports)")
            #expect(record.puts.contains(Self.listKey), "the failed run had written its list: \(record.puts)")
            #expect(try await services.s3(bucket: c.bucket).listObjects().isEmpty, "neither list, manifest nor data remain")

            // And the window exports again, whole.
            try await exportAndExpectTheListToMatchTheManifest(services, c)
        }
    }

    @Test func withoutTheSettingNothingUnderTheListsFolderIsTouched() async throws {
        try await TestServices.with { services in
            try await services.withProxy { proxy, url in
                let c = try await services.newConnection(syncConfig: { config($0, endpoint: url, symlinks: false) },
                                                         seed: { try await services.seedUsageRows(tenant: $0, count: 100) })
                let reports = try await engine(services).exportWindow(Self.window, connectionID: c.id, entities: nil)
                #expect(reports.count == 1 && reports.allSatisfy { if case .succeeded = $0.result { true } else { false } }, "\(reports)")
                #expect(try await services.s3(bucket: c.bucket).listObjects().sorted() == [Self.stem + ".parquet", Self.manifestKey])
                #expect(!proxy.requests.contains { $0.contains("athena-symlinks") }, "\(proxy.requests)")
            }
        }
    }
}

/// A sink over moto whose manifest upload fails: the run has written every data object and its
/// symlink list when it fails, so the cleanup has both to remove.
struct ManifestFailingSink: ForwardingObjectSink {
    /// The keys put through the sink (whole-object uploads), for the test to check.
    final class Record: Sendable {
        private let state = Mutex<[String]>([])
        var puts: [String] { state.withLock { $0 } }
        func put(_ key: String) { state.withLock { $0.append(key) } }
    }

    let inner: any ObjectSink
    let record: Record

    func put(key: String, body: ByteBuffer, attributes: ObjectAttributes) async throws -> StoredObject {
        if key.hasSuffix("_manifest.json") { throw ExportError.network("injected failure on the manifest (\(key))") }
        let stored = try await inner.put(key: key, body: body, attributes: attributes)
        record.put(key)
        return stored
    }
}
