import AsyncHTTPClient
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
        /// one PutObject (3), the manifest (4), listing the window for stale objects (5).
        case single
        /// 25,000 rows, 5 MiB parts: orphan check (1), old manifest (2), Create (3), UploadPart
        /// (4, 5), Complete (6), manifest (7), stale listing (8).
        case multipart

        var rows: Int { self == .single ? 2_000 : 25_000 }
        /// The first request that carries data bytes.
        var dataRequest: Int { self == .single ? 3 : 4 }
        /// Requests of a run in which one request was sent twice.
        var requestsWithOneRetry: Int { self == .single ? 6 : 9 }
    }

    struct Outcome {
        let failed: Bool
        let error: ExportError?
        let object: ByteBuffer?
        let clean: ByteBuffer
        let pendingUploads: [String]
        let requests: [String]
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
            _ = try await services.engine(partSize: 5 * 1024 * 1024).exportWindow(Self.window, connectionID: clean.id, entities: nil)
            let reports = try await engine.exportWindow(Self.window, connectionID: faulty, entities: nil)
            let client = try services.s3(bucket: bucket)
            let keys = try await client.listObjects()
            let object = keys.contains(Self.key) ? try await services.fetch(bucket: bucket, key: Self.key, gzip: false).raw : nil
            let failure: ExportError? = reports.compactMap { if case .failed(let e) = $0.result { e } else { nil } }.first
            if failure != nil { #expect(keys.isEmpty, "a failed export leaves no object: \(keys)") }
            // Retried requests are signed afresh and correctly too.
            #expect(proxy.signatureMismatches.isEmpty, "\(proxy.signatureMismatches)")
            #expect(proxy.verifiedCount == proxy.exchanges.count && proxy.verifiedCount >= 2, "\(proxy.requests)")
            return Outcome(failed: failure != nil, error: failure, object: object,
                           clean: try await services.fetch(bucket: clean.bucket, key: Self.key, gzip: false).raw,
                           pendingUploads: try await client.listMultipartUploads(), requests: proxy.requests)
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
