import AsyncHTTPClient
import Crypto
import ExporterCore
import ExporterEngine
import Foundation
import NIOCore
import Testing

/// S3 faults injected between the exporter and moto (DESIGN §7, issue 5): each either heals by
/// retrying, with the same bytes as a clean run, or fails with a clear error leaving no object
/// and no pending multipart upload. Single PutObject and multipart alike.
/// Serialized: timeouts are part of what is tested, so the cases must not slow each other down.
@Suite(TestServices.needsServices(), .serialized)
struct FaultInjectionTests {
    static let window = ExportWindow(start: 1_795_132_800, end: 1_795_219_200) // 2026-11-20 .. 21
    static let key = "exports/test/feature_usage/2026/11/20/feature_usage_20261120T000000Z_20261121T000000Z.csv"

    enum Shape: String, CaseIterable, Sendable {
        /// 2,000 rows: the check for orphaned uploads (request 1), deleting the old manifest (2),
        /// one PutObject (3), HeadObject confirming it (4), the manifest (5), listing the window
        /// for stale objects (6).
        case single
        /// 25,000 rows, 5 MiB parts: orphan check (1), old manifest (2), Create (3), UploadPart
        /// (4, 5), Complete (6), HeadObject (7), manifest (8), stale listing (9).
        case multipart

        var rows: Int { self == .single ? 2_000 : 25_000 }
        /// The first request that carries data bytes.
        var dataRequest: Int { self == .single ? 3 : 4 }
        /// The request that makes the data object visible: PutObject or CompleteMultipartUpload.
        var completingRequest: Int { self == .single ? 3 : 6 }
        /// Requests that carry data bytes in a run without retries: PutObject, or the parts
        /// (the manifest's PutObject not counted).
        var dataRequests: Int { self == .single ? 1 : 2 }
        /// Requests of a run in which one request was sent twice.
        var requestsWithOneRetry: Int { self == .single ? 7 : 10 }
    }

    struct Outcome {
        let failed: Bool
        let error: ExportError?
        let object: ByteBuffer?
        let clean: ByteBuffer
        let pendingUploads: [String]
        let requests: [String]
        /// The keys in the bucket after the run.
        let keys: [String]
        let checksums: S3ChecksumCheck
        /// PutObject and UploadPart requests that reached the proxy whole (retries included).
        let uploads: Int
        /// The manifest's `checksum_algorithm`, `checksum_type` and `checksum` of the object,
        /// when the run succeeded.
        let manifestChecksum: [String]?
    }

    /// The checksum S3 stores for `object`: the base64 SHA-256 of the whole object for a
    /// single PutObject; for a multipart upload of 5 MiB parts, the SHA-256 of the parts'
    /// SHA-256 digests, base64, then `-` and the part count ("Checking object integrity").
    static func expectedChecksum(_ shape: Shape, of object: ByteBuffer) -> [String] {
        let bytes = Array(object.readableBytesView)
        switch shape {
        case .single:
            return ["SHA256", "FULL_OBJECT", Data(SHA256.hash(data: bytes)).base64EncodedString()]
        case .multipart:
            let partSize = 5 * 1024 * 1024
            let parts = stride(from: 0, to: bytes.count, by: partSize).map { bytes[$0..<min($0 + partSize, bytes.count)] }
            var digests: [UInt8] = []
            for part in parts { digests += Array(SHA256.hash(data: part)) }
            return ["SHA256", "COMPOSITE", Data(SHA256.hash(data: digests)).base64EncodedString() + "-\(parts.count)"]
        }
    }

    /// Exports the same rows twice: straight to moto (the clean reference) and through a proxy
    /// injecting `faults`.
    func export(_ shape: Shape, faults: [Int: FaultProxy.Fault], maxAttempts: Int = 4,
                requestTimeout: TimeAmount = .seconds(30)) async throws -> Outcome {
        try await TestServices.with { services in
            let proxy = FaultProxy(upstream: try #require(TestServices.s3Endpoint), http: services.http, faults: faults)
            let proxyURL = try await proxy.start()
            defer { Task { await proxy.stop() } }
            var tenant = ""
            let clean = try await services.newConnection(
                syncConfig: { Services.syncConfig(bucket: $0, compression: .none) },
                seed: { tenant = $0; try await seedRows(services, tenant: $0, rows: shape.rows) })
            let faulty = uniqueName("conn")
            let bucket = uniqueName("bucket")
            try await services.createBucket(bucket)
            try await services.insertConnection(id: faulty, tenant: tenant, environment: "",
                                                syncConfig: Services.syncConfig(bucket: bucket, compression: .none, endpoint: proxyURL))
            let engine = ExportEngine(
                postgres: services.postgres, secretBox: SecretBox(encryptionKey: TestServices.encryptionKey),
                logger: TestServices.logger,
                makeSink: ExportEngine.s3Sinks(http: services.http, logger: TestServices.logger, maxAttempts: maxAttempts,
                                               partSize: 5 * 1024 * 1024, requestTimeout: requestTimeout))
            let cleanReports = try await services.engine(partSize: 5 * 1024 * 1024).exportWindow(Self.window, connectionID: clean.id, entities: nil)
            try #require(cleanReports.filter(\.failed).isEmpty, "the clean run: \(cleanReports)")
            let reports = try await engine.exportWindow(Self.window, connectionID: faulty, entities: nil)
            let client = try services.s3(bucket: bucket)
            let keys = try await client.listObjects()
            let object = keys.contains(Self.key) ? try await services.fetch(bucket: bucket, key: Self.key, gzip: false).raw : nil
            let failure: ExportError? = reports.compactMap { if case .failed(let e) = $0.result { e } else { nil } }.first
            if failure != nil { #expect(keys.isEmpty, "a failed export leaves no object: \(keys)") }
            // Retried requests are signed afresh and correctly too.
            #expect(proxy.signatureMismatches.isEmpty, "\(proxy.signatureMismatches)")
            #expect(proxy.verifiedCount == proxy.exchanges.count && proxy.verifiedCount >= 2, "\(proxy.requests)")
            // Every body went with the checksums S3 verifies, and a multipart upload declared its
            // algorithm: the proxy checked each one that reached it whole.
            for exchange in proxy.exchanges where ["PutObject", "UploadPart"].contains(exchange.operation) {
                #expect(exchange.header("content-md5") != nil && exchange.header("x-amz-checksum-sha256") != nil, "\(exchange.target)")
            }
            for exchange in proxy.exchanges where exchange.operation == "CreateMultipartUpload" {
                #expect(exchange.header("x-amz-checksum-algorithm") == "SHA256")
            }
            var manifestChecksum: [String]?
            if failure == nil {
                let manifest = try await services.fetch(bucket: bucket, key: Self.key.replacingOccurrences(of: ".csv", with: "_manifest.json"), gzip: false)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(manifest.text.utf8)) as? [String: Any])
                let listed = try #require((json["objects"] as? [[String: Any]])?.first)
                manifestChecksum = ["checksum_algorithm", "checksum_type", "checksum"].map { listed[$0] as? String ?? "" }
            }
            return Outcome(failed: failure != nil, error: failure, object: object,
                           clean: try await services.fetch(bucket: clean.bucket, key: Self.key, gzip: false).raw,
                           pendingUploads: try await client.listMultipartUploads(), requests: proxy.requests,
                           keys: keys, checksums: proxy.checksums,
                           uploads: proxy.exchanges.filter { ["PutObject", "UploadPart"].contains($0.operation) }.count,
                           manifestChecksum: manifestChecksum)
        }
    }

    func seedRows(_ services: Services, tenant: String, rows: Int) async throws {
        try await services.execute("""
            INSERT INTO feature_usage (id, tenant_id, environment_id, event_name, "timestamp", qty_total, properties)
            SELECT \(tenant) || '-' || lpad(g::text, 7, '0'), \(tenant), '', 'api_call',
                   '2026-11-20T00:00:00Z'::timestamptz + g * interval '1 second', g / 7.0,
                   jsonb_build_object('pad', repeat(md5(g::text), 6))
            FROM generate_series(1, \(rows)) AS g
            """)
    }

    @Test(arguments: Shape.allCases, [
        FaultProxy.Fault.status(500, code: "InternalError"),
        .status(503, code: "SlowDown"),
        .dropMidBody,
        .delay(.seconds(20)),
        .flipByte,
    ])
    func aTransientFaultIsRetriedAndTheObjectEqualsACleanRun(shape: Shape, fault: FaultProxy.Fault) async throws {
        // A response delayed past the client's timeout: 10 s here, 20 s in the proxy.
        let timeout: TimeAmount = if case .delay = fault { .seconds(10) } else { .seconds(60) }
        let outcome = try await export(shape, faults: [shape.dataRequest: fault], requestTimeout: timeout)
        #expect(!outcome.failed, "\(String(describing: outcome.error))")
        #expect(outcome.object == outcome.clean, "same bytes as a clean run")
        #expect(outcome.pendingUploads.isEmpty)
        // The faulted request was sent again.
        #expect(outcome.requests.count == shape.requestsWithOneRetry, "\(outcome.requests)")
        if case .flipByte = fault {
            // The damaged body was refused as S3 refuses it, then sent again whole.
            #expect(outcome.checksums.refusals.map(\.code) == ["BadDigest"])
        } else {
            #expect(outcome.checksums.refusals.isEmpty)
        }
        #expect(outcome.checksums.verifiedBodies + outcome.checksums.refusals.count == outcome.uploads,
                "every body's x-amz-checksum-sha256 was checked")
        #expect(outcome.uploads >= shape.dataRequests + 1, "the data and the manifest")
        // The manifest says which checksum the store verified: the one of the bytes stored.
        #expect(outcome.manifestChecksum == Self.expectedChecksum(shape, of: outcome.clean))
        #expect(outcome.checksums.verifiedCompletions == (shape == .multipart ? 1 : 0), "Complete listed every part's checksum")
    }

    /// A 200 without an ETag is not S3's answer: the request fails at once (an endpoint that is
    /// not S3 answers the same every time), cleanly.
    @Test(arguments: Shape.allCases)
    func anAnswerWithoutAnETagFailsTheRunWithoutARetry(shape: Shape) async throws {
        let outcome = try await export(shape, faults: [shape.dataRequest: .withoutETag])
        #expect(outcome.failed)
        #expect(outcome.error?.code == "s3:InvalidResponse")
        #expect(outcome.error?.message.contains("the endpoint did not answer as S3") == true, "\(String(describing: outcome.error))")
        #expect(outcome.error?.message.contains("no ETag") == true, "\(String(describing: outcome.error))")
        #expect(outcome.object == nil)
        #expect(outcome.pendingUploads.isEmpty)
        let dataRequests = outcome.requests.dropFirst(shape.dataRequest - 1).filter { $0.hasPrefix("PUT") }
        #expect(dataRequests.count == 1, "not retried: \(outcome.requests)")
    }

    /// A store that loses the object it acknowledged: the HeadObject before the manifest finds
    /// nothing, the run fails and no manifest is written.
    @Test(arguments: Shape.allCases)
    func anObjectLostAfterItsUploadFailsTheRunWithoutAManifest(shape: Shape) async throws {
        let outcome = try await export(shape, faults: [shape.completingRequest: .loseAfterForwarding])
        #expect(outcome.failed)
        #expect(outcome.error?.code == "s3:NotStored")
        #expect(outcome.error?.message.contains("HeadObject finds no object") == true, "\(String(describing: outcome.error))")
        #expect(outcome.keys.isEmpty, "no manifest, no object: \(outcome.keys)")
        #expect(outcome.pendingUploads.isEmpty)
        #expect(outcome.requests.contains { $0.hasPrefix("HEAD ") }, "\(outcome.requests)")
        #expect(!outcome.requests.contains { $0.contains("_manifest.json") && $0.hasPrefix("PUT") }, "\(outcome.requests)")
    }

    @Test(arguments: Shape.allCases)
    func aPersistentFaultFailsCleanly(shape: Shape) async throws {
        let faults = Dictionary(uniqueKeysWithValues: (shape.dataRequest..<(shape.dataRequest + 3)).map {
            ($0, FaultProxy.Fault.status(500, code: "InternalError"))
        })
        let outcome = try await export(shape, faults: faults, maxAttempts: 3)
        #expect(outcome.failed)
        #expect(outcome.error?.code == "s3:InternalError")
        #expect(outcome.error?.message.contains("injected InternalError") == true, "\(String(describing: outcome.error))")
        #expect(outcome.object == nil)
        #expect(outcome.pendingUploads.isEmpty, "the multipart upload was aborted")
    }

    @Test(arguments: Shape.allCases)
    func aClientErrorIsNotRetried(shape: Shape) async throws {
        let outcome = try await export(shape, faults: [shape.dataRequest: .status(403, code: "AccessDenied")])
        #expect(outcome.failed)
        #expect(outcome.error?.code == "s3:AccessDenied")
        #expect(outcome.error?.message.contains("connection") == true)
        #expect(outcome.object == nil)
        #expect(outcome.pendingUploads.isEmpty)
        // No retry of the refused request; for multipart, an abort follows it.
        let dataRequests = outcome.requests.dropFirst(shape.dataRequest - 1).filter { $0.hasPrefix("PUT") }
        #expect(dataRequests.count == 1, "\(outcome.requests)")
    }
}
