import ExporterCore
import ExporterEngine
import ExporterSink
import Foundation
import NIOCore
import Synchronization
import Testing

/// A window is either complete (its manifest present, listing exactly its objects) or absent
/// (issue 11): a run that fails after rolling over leaves nothing of the window, not even an
/// earlier complete export, and a re-export with fewer files leaves exactly its own set.
/// Real PostgreSQL and moto; sizes are set small in the tests, never in product defaults.
@Suite(TestServices.needsServices())
struct PartialSetTests {
    static let window = ProxiedWindow.window
    static let stem = ProxiedWindow.stem()
    static let manifestKey = stem + "_manifest.json"

    /// `count` usage rows of about 300 bytes of CSV each: 14,000 rows are about 4 MB, so four or
    /// five files at a 1 MB max_file_size_mb and two or three at 2 MB.
    func seed(_ services: Services, tenant: String, count: Int) async throws {
        try await services.seedUsageRows(tenant: tenant, count: count)
    }

    /// A connection with 14,000 rows whose files roll over at `maxFileSizeMB` (nil: no limit set).
    func setUp(_ services: Services, maxFileSizeMB: Int?) async throws -> TestConnection {
        try await services.newConnection(
            syncConfig: { Services.syncConfig(bucket: $0, extra: Self.extra(maxFileSizeMB)) },
            seed: { try await seed(services, tenant: $0, count: 14_000) })
    }

    static func extra(_ maxFileSizeMB: Int?) -> String {
        maxFileSizeMB.map { #", "max_file_size_mb": \#($0)"# } ?? ""
    }

    func setMaxFileSize(_ services: Services, _ connection: TestConnection, _ maxFileSizeMB: Int?) async throws {
        let config = Services.syncConfig(bucket: connection.bucket, extra: Self.extra(maxFileSizeMB))
        try await services.execute("UPDATE connections SET sync_config = \(config)::jsonb WHERE id = \(connection.id)")
    }

    /// An engine whose sink is moto wrapped by `wrap`.
    func engine(_ services: Services, wrap: @escaping @Sendable (any ObjectSink) -> any ObjectSink = { $0 }) -> ExportEngine {
        services.engine(wrapping: wrap)
    }

    /// The keys the manifest lists.
    func manifestObjects(_ services: Services, bucket: String) async throws -> [String] {
        try await services.manifestObjects(bucket: bucket, manifestKey: Self.manifestKey)
    }

    /// Exports the window and checks the bucket holds exactly the manifest and what it lists;
    /// returns the listed keys.
    @discardableResult
    func exportAndExpectExactlyTheManifestsSet(_ services: Services, _ connection: TestConnection) async throws -> [String] {
        let reports = try await engine(services).exportWindow(Self.window, connectionID: connection.id, entities: nil)
        #expect(reports.count == 1 && reports.allSatisfy { if case .succeeded = $0.result { true } else { false } }, "\(reports)")
        let listed = try await manifestObjects(services, bucket: connection.bucket)
        let stored = try await services.s3(bucket: connection.bucket).listObjects()
        #expect(Set(stored) == Set(listed + [Self.manifestKey]), "the bucket holds exactly the manifest's set")
        #expect(stored.count == listed.count + 1)
        return listed
    }

    @Test func aRunFailingOnItsThirdFileLeavesNoObjectOfTheWindow() async throws {
        try await TestServices.with { services in
            let connection = try await setUp(services, maxFileSizeMB: 1)
            let failing = ThirdFileFailingSink.Record()
            let reports = try await engine(services) { ThirdFileFailingSink(inner: $0, record: failing) }
                .exportWindow(Self.window, connectionID: connection.id, entities: nil)
            #expect(reports.count == 1 && reports.allSatisfy { $0.failed }, "\(reports)")
            // Two files were complete in the bucket before the third failed: _part-0001 (renamed
            // from the plain key at the first rollover) and _part-0002.
            #expect(failing.completed == [Self.stem + ".csv.gz", Self.stem + "_part-0002.csv.gz"], "\(failing.completed)")
            let s3 = try services.s3(bucket: connection.bucket)
            #expect(try await s3.listObjects().isEmpty, "no part and no manifest of the failed run remain")
            #expect(try await s3.listMultipartUploads().isEmpty)
            let run = try #require(try await services.runs(connection: connection.id).last)
            #expect(run.status == "failed")
            #expect(run.errorMessage?.contains("injected failure on the third file") == true, "\(run.errorMessage ?? "")")
        }
    }

    /// A CreateMultipartUpload that S3 carried out but whose answer the client lost (a timeout
    /// under load) leaves an upload the run knows nothing of: the failed run aborts it too.
    @Test func aFailedRunAlsoAbortsAnUploadItNeverLearnedOf() async throws {
        try await TestServices.with { services in
            let connection = try await setUp(services, maxFileSizeMB: 1)
            let s3 = try services.s3(bucket: connection.bucket)
            let record = ThirdFileFailingSink.Record()
            let reports = try await engine(services) {
                ThirdFileFailingSink(inner: $0, record: record, strayUploads: s3)
            }.exportWindow(Self.window, connectionID: connection.id, entities: nil)
            #expect(reports.count == 1 && reports.allSatisfy { $0.failed }, "\(reports)")
            #expect(record.strayUploads == 1, "the upload the run never learned of was opened")
            let run = try #require(try await services.runs(connection: connection.id).last)
            #expect(run.errorMessage?.contains("injected failure on the third file") == true, "\(run.errorMessage ?? "")")
            #expect(try await s3.listMultipartUploads().isEmpty, "the stray upload was aborted")
            #expect(try await s3.listObjects().isEmpty)
        }
    }

    @Test func aFailedReExportRemovesTheEarlierCompleteSetInsteadOfMixingWithIt() async throws {
        try await TestServices.with { services in
            let connection = try await setUp(services, maxFileSizeMB: 1)
            let earlier = try await exportAndExpectExactlyTheManifestsSet(services, connection)
            #expect(earlier.count >= 4, "the earlier export has more files than the failing one completes: \(earlier)")

            let failing = ThirdFileFailingSink.Record()
            let reports = try await engine(services) { ThirdFileFailingSink(inner: $0, record: failing) }
                .exportWindow(Self.window, connectionID: connection.id, entities: nil)
            #expect(reports.count == 1 && reports.allSatisfy { $0.failed }, "\(reports)")
            #expect(failing.completed.count == 2)
            let s3 = try services.s3(bucket: connection.bucket)
            #expect(try await s3.listObjects().isEmpty,
                    "neither the old manifest, nor old parts, nor the new ones remain: the window is absent")
            #expect(try await s3.listMultipartUploads().isEmpty)

            // The window exports again, whole.
            try await exportAndExpectExactlyTheManifestsSet(services, connection)
            let statuses = try await services.runs(connection: connection.id).map(\.status)
            #expect(statuses == ["succeeded", "failed", "succeeded"])
        }
    }

    @Test func aReExportWithFewerFilesLeavesExactlyTheNewSet() async throws {
        try await TestServices.with { services in
            let connection = try await setUp(services, maxFileSizeMB: 1)
            let four = try await exportAndExpectExactlyTheManifestsSet(services, connection)
            #expect(four.count >= 4, "\(four)")

            // Fewer, larger parts: the stale _part-0003 and _part-0004 are deleted.
            try await setMaxFileSize(services, connection, 2)
            let two = try await exportAndExpectExactlyTheManifestsSet(services, connection)
            #expect(two.count >= 2 && two.count < four.count, "\(two)")
            #expect(two.allSatisfy { $0.contains("_part-") })

            // No rollover at all: the plain key replaces every part.
            try await setMaxFileSize(services, connection, nil)
            let one = try await exportAndExpectExactlyTheManifestsSet(services, connection)
            #expect(one == [Self.stem + ".csv.gz"])

            // And back to parts: the plain key is gone.
            try await setMaxFileSize(services, connection, 1)
            let again = try await exportAndExpectExactlyTheManifestsSet(services, connection)
            #expect(again == four)
        }
    }

    @Test func aWindowsStemMatchesOnlyItsOwnObjects() async throws {
        // Another window with the same start (a manual window, or an interval changed from daily
        // to weekly) shares the folder and the name's beginning, never the stem.
        let layout = ObjectKeyLayout(keyPrefix: "exports/test")
        let weekly = ExportWindow(start: Self.window.start, end: Self.window.start + 7 * 86_400)
        let other = layout.dataKey(entity: .featureUsage, window: weekly, format: .csv, compression: .gzip)
        #expect(other.hasPrefix("exports/test/feature_usage/2026/11/20/feature_usage_20261120T000000Z_"))
        #expect(!other.hasPrefix(Self.stem))
        #expect(!layout.manifestKey(entity: .featureUsage, window: weekly).hasPrefix(Self.stem))
        #expect(layout.stem(entity: .featureUsage, window: Self.window) == Self.stem)
    }
}

/// A sink over moto whose third file fails on every write: after two files are complete in
/// the bucket, so the run has objects of its own to delete.
struct ThirdFileFailingSink: ForwardingObjectSink {
    /// What the sink saw, for the test to check.
    final class Record: Sendable {
        private let state = Mutex<(uploads: Int, completed: [String], strayUploads: Int)>((0, [], 0))
        var completed: [String] { state.withLock { $0.completed } }
        /// Multipart uploads opened behind the exporter's back (``ThirdFileFailingSink/strayUploads``).
        var strayUploads: Int { state.withLock { $0.strayUploads } }
        func openedStrayUpload() { state.withLock { $0.strayUploads += 1 } }

        /// Counts a new upload; returns its number (1-based).
        func started() -> Int { state.withLock { $0.uploads += 1; return $0.uploads } }
        func finished(_ key: String) { state.withLock { $0.completed.append(key) } }
    }

    let inner: any ObjectSink
    let record: Record
    /// When set, the failing file first opens a multipart upload of its key through this client
    /// that the exporter never learns of: a CreateMultipartUpload whose answer was lost.
    var strayUploads: S3Client? = nil

    func makeUpload(key: String, attributes: ObjectAttributes) -> any ObjectUpload {
        let upload = inner.makeUpload(key: key, attributes: attributes)
        return Upload(inner: upload, fails: record.started() == 3, record: record, strayUploads: strayUploads)
    }

    final class Upload: ObjectUpload {
        let inner: any ObjectUpload
        let fails: Bool
        let record: Record
        let strayUploads: S3Client?

        init(inner: any ObjectUpload, fails: Bool, record: Record, strayUploads: S3Client?) {
            self.inner = inner
            self.fails = fails
            self.record = record
            self.strayUploads = strayUploads
        }

        var key: String { inner.key }
        var byteCount: Int64 { inner.byteCount }

        func write(_ bytes: inout ByteBuffer) async throws {
            if fails, let strayUploads {
                _ = try await strayUploads.createMultipartUpload(key: inner.key, headers: [])
                record.openedStrayUpload()
            }
            if fails { throw ExportError.network("injected failure on the third file (\(inner.key))") }
            try await inner.write(&bytes)
        }

        func finish() async throws -> StoredObject {
            if fails { throw ExportError.network("injected failure on the third file (\(inner.key))") }
            let stored = try await inner.finish()
            record.finished(stored.key)
            return stored
        }

        func abort() async { await inner.abort() }
    }
}
