import ExporterCore
import ExporterEngine
import ExporterSink
import Foundation
import NIOCore
import Testing

/// Helpers for the tests that send the exporter's requests through a ``FaultProxy`` (which
/// verifies every signature) and look at the stored objects' headers.
extension Services {
    /// A `sync_config` with every field these tests vary, written with JSONSerialization so any
    /// key prefix is quoted correctly.
    static func s3Config(bucket: String, endpoint: String, format: ExportFormat = .csv,
                         compression: CompressionSetting = .none, encryption: String = "AES256",
                         kmsKeyID: String? = nil, keyPrefix: String = "exports/test",
                         maxFileSizeMB: Int? = nil, athenaSymlinks: Bool = false, tableFormat: String? = nil) -> String {
        var s3: [String: Any] = [
            "bucket": bucket, "region": "us-east-1", "key_prefix": keyPrefix, "endpoint_url": endpoint,
            "compression": compression.rawValue, "encryption": encryption, "interval": "daily",
            "format": format.rawValue, "entity_types": [EntityType.featureUsage.rawValue], "sync_active": true,
        ]
        if let kmsKeyID { s3["kms_key_id"] = kmsKeyID }
        if let maxFileSizeMB { s3["max_file_size_mb"] = maxFileSizeMB }
        if athenaSymlinks { s3["athena_symlinks"] = true }
        if let tableFormat { s3["table_format"] = tableFormat }
        // Strings, numbers and arrays only: this cannot fail; "" would fail the test's setup loudly.
        let data = (try? JSONSerialization.data(withJSONObject: ["s3": s3])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// `count` usage rows of about 300 bytes each in the 2026-11-20 window, ids in time order.
    func seedUsageRows(tenant: String, count: Int) async throws {
        try await execute("""
            INSERT INTO feature_usage (id, tenant_id, environment_id, external_customer_id, customer_id, subscription_id,
                price_id, meter_id, feature_id, event_name, source, "timestamp", ingested_at, qty_total, properties, unique_hash)
            SELECT \(tenant) || '-' || lpad(g::text, 7, '0'), \(tenant), '', 'ext_' || (g % 97), 'cust_' || (g % 97),
                'sub_' || (g % 13), 'price_api', 'meter_api', 'feat_api', 'api_call', 'sdk',
                '2026-11-20T00:00:00Z'::timestamptz + (g * interval '1 second') / 4,
                '2026-11-20T00:00:01Z'::timestamptz + (g * interval '1 second') / 4,
                (g % 1000)::numeric / 7,
                jsonb_build_object('endpoint', '/v1/resource/' || md5(g::text), 'status', 200 + g % 5, 'bytes', g * 31),
                md5(g::text)
            FROM generate_series(1, \(count)) AS g
            """)
    }

    /// An engine whose S3 parts are `partSize` bytes; requests go wherever the connection's
    /// `endpoint_url` points (the proxy).
    func proxiedEngine(partSize: Int = 5 * 1024 * 1024, maxAttempts: Int = 4, batchSize: Int = 4_000) -> ExportEngine {
        ExportEngine(postgres: postgres, secretBox: SecretBox(encryptionKey: TestServices.encryptionKey), logger: TestServices.logger,
                     makeSink: ExportEngine.s3Sinks(http: http, logger: TestServices.logger, maxAttempts: maxAttempts, partSize: partSize),
                     batchSize: batchSize)
    }

    /// An engine over moto whose sink is `wrap`ped (a sink that injects a fault, or records).
    func engine(wrapping wrap: @escaping @Sendable (any ObjectSink) -> any ObjectSink,
                files: ExportFileOptions = ExportFileOptions(), batchSize: Int = 2_000) -> ExportEngine {
        let s3 = ExportEngine.s3Sinks(http: http, logger: TestServices.logger, maxAttempts: 2, partSize: 5 * 1024 * 1024)
        return ExportEngine(
            postgres: postgres, secretBox: SecretBox(encryptionKey: TestServices.encryptionKey),
            logger: TestServices.logger, makeSink: { settings, credentials in wrap(try s3(settings, credentials)) },
            batchSize: batchSize, files: files)
    }

    /// The keys a window's manifest lists, in its order.
    func manifestObjects(bucket: String, manifestKey: String) async throws -> [String] {
        let manifest = try await fetch(bucket: bucket, key: manifestKey, gzip: false)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(manifest.text.utf8)) as? [String: Any])
        let objects = try #require(json["objects"] as? [[String: Any]])
        return objects.compactMap { $0["key"] as? String }
    }

    /// Copies every object of `bucket` into `directory`, keeping its key as the path (for a
    /// reader that takes a local root, such as `schema --location`).
    func copyBucket(_ bucket: String, to directory: URL) async throws -> [String] {
        let keys = try await s3(bucket: bucket).listObjects()
        for key in keys {
            let object = try await fetch(bucket: bucket, key: key, gzip: false)
            let file = directory.appendingPathComponent(key)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(object.raw.readableBytesView).write(to: file)
        }
        return keys
    }

    /// HeadObject on moto: the stored object's headers, names lower-cased.
    func headObject(bucket: String, key: String) async throws -> [String: String] {
        let response = try await s3(bucket: bucket).send("HEAD", key: key)
        var headers: [String: String] = [:]
        for (name, value) in response.headers { headers[name.lowercased()] = value }
        return headers
    }

    /// Runs `body` with a started proxy to moto; stops it afterwards.
    func withProxy<T: Sendable>(faults: [Int: FaultProxy.Fault] = [:], verifier: SigV4Verifier? = nil,
                                _ body: (FaultProxy, String) async throws -> T) async throws -> T {
        let upstream = try #require(TestServices.s3Endpoint)
        let proxy = if let verifier { FaultProxy(upstream: upstream, http: http, faults: faults, verifier: verifier) }
                    else { FaultProxy(upstream: upstream, http: http, faults: faults) }
        let url = try await proxy.start()
        do {
            let result = try await body(proxy, url)
            await proxy.stop()
            return result
        } catch {
            await proxy.stop()
            throw error
        }
    }
}

extension FaultProxy {
    /// Every request (up to 2,000) held for `duration` before it is forwarded: an export that
    /// stays in flight for seconds, so a test can act on it mid-upload.
    static func delayingEveryRequest(by duration: Duration) -> [Int: Fault] {
        Dictionary(uniqueKeysWithValues: (1...2_000).map { ($0, .delay(duration)) })
    }
}

/// The window every test here exports, and its keys under a prefix.
enum ProxiedWindow {
    static let window = ExportWindow(start: 1_795_132_800, end: 1_795_219_200) // 2026-11-20 .. 21
    static func stem(prefix: String = "exports/test") -> String {
        prefix + "/feature_usage/2026/11/20/feature_usage_20261120T000000Z_20261121T000000Z"
    }
}

/// Expects no signature mismatch and every complete request verified.
func expectAllSignaturesVerified(_ proxy: FaultProxy, atLeast minimum: Int,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(proxy.signatureMismatches.isEmpty, "\(proxy.signatureMismatches)", sourceLocation: sourceLocation)
    #expect(proxy.verifiedCount == proxy.exchanges.count, "\(proxy.requests)", sourceLocation: sourceLocation)
    // The exporter hashes every body it sends: a request sent as UNSIGNED-PAYLOAD would mean the
    // signer stopped covering the body, which the verifier alone would still accept.
    #expect(proxy.exchanges.allSatisfy { $0.verdict == .valid(unsignedPayload: false) },
            "a payload was sent unsigned: \(proxy.requests)", sourceLocation: sourceLocation)
    #expect(proxy.verifiedCount >= minimum, "only \(proxy.verifiedCount) requests verified: \(proxy.requests)",
            sourceLocation: sourceLocation)
}
