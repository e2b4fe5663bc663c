import DeltaLake
import ExporterCore
import ExporterEngine
import Foundation
import Testing

/// `encryption` (and `kms_key_id`) reach every object of a window (DESIGN §5): the multipart
/// data file, the rollover's copy, the single-request part and the manifest. Checked twice: on
/// the wire (the headers of the requests that create objects) and on the stored objects
/// (HeadObject on moto, which keeps what it was told and adds no default encryption, so a
/// missing header shows).
///
/// moto stores a KMS key id without asking its KMS whether the key exists, so the key id is any
/// well-formed ARN; HeadObject then returns it as `x-amz-server-side-encryption-aws-kms-key-id`.
@Suite(TestServices.needsServices())
struct ServerSideEncryptionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let encryption: String
        let kmsKeyID: String?
        var testDescription: String { encryption + (kmsKeyID.map { " " + $0 } ?? "") }
    }

    static let cases = [
        Case(encryption: "AES256", kmsKeyID: nil),
        Case(encryption: "aws:kms", kmsKeyID: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
    ]

    @Test(arguments: cases)
    func everyObjectOfTheWindowIsStoredWithTheConfiguredEncryption(_ sse: Case) async throws {
        try await TestServices.with { services in
            try await services.withProxy { proxy, proxyURL in
                // ~7.5 MB of CSV, 6 MiB files, 5 MiB parts: _part-0001 is a multipart upload then
                // copied to its numbered name, _part-0002 a PutObject, then the manifest.
                let c = try await services.newConnection(
                    syncConfig: { Services.s3Config(bucket: $0, endpoint: proxyURL, encryption: sse.encryption,
                                                    kmsKeyID: sse.kmsKeyID, maxFileSizeMB: 6) },
                    seed: { try await services.seedUsageRows(tenant: $0, count: 25_000) })
                let reports = try await services.proxiedEngine().exportWindow(ProxiedWindow.window, connectionID: c.id, entities: nil)
                #expect(reports.filter(\.failed).isEmpty, "\(reports)")

                // Stored objects.
                let stem = ProxiedWindow.stem()
                let keys = try await services.s3(bucket: c.bucket).listObjects().sorted()
                #expect(keys == [stem + "_manifest.json", stem + "_part-0001.csv", stem + "_part-0002.csv"])
                for key in keys {
                    let headers = try await services.headObject(bucket: c.bucket, key: key)
                    #expect(headers["x-amz-server-side-encryption"] == sse.encryption, "\(key): \(headers)")
                    #expect(headers["x-amz-server-side-encryption-aws-kms-key-id"] == sse.kmsKeyID, "\(key): \(headers)")
                }

                // On the wire: each request that creates an object carries the headers; parts do not
                // (S3 refuses SSE headers on UploadPart).
                let creating = proxy.exchanges.filter { ["CreateMultipartUpload", "CopyObject", "PutObject"].contains($0.operation) }
                #expect(Set(creating.map(\.operation)) == ["CreateMultipartUpload", "CopyObject", "PutObject"], "\(proxy.requests)")
                #expect(creating.count == 4, "create, copy, the second part file, the manifest: \(proxy.requests)")
                for exchange in creating {
                    #expect(exchange.header("x-amz-server-side-encryption") == sse.encryption, "\(exchange.operation) \(exchange.target)")
                    #expect(exchange.header("x-amz-server-side-encryption-aws-kms-key-id") == sse.kmsKeyID,
                            "\(exchange.operation) \(exchange.target)")
                }
                let parts = proxy.exchanges.filter { $0.operation == "UploadPart" }
                #expect(parts.count == 2)
                #expect(parts.allSatisfy { $0.header("x-amz-server-side-encryption") == nil })
                expectAllSignaturesVerified(proxy, atLeast: 9)
            }
        }
    }
    /// A Delta table's log (its commits, the checkpoint of version 10 and `_last_checkpoint`) is
    /// stored with the connection's encryption too, as its data files and manifests are: a bucket
    /// that requires the connection's KMS key would refuse a commit written without it.
    @Test(arguments: cases)
    func everyObjectOfADeltaTableIsStoredWithTheConfiguredEncryption(_ sse: Case) async throws {
        typealias T = DeltaTableTests
        try await TestServices.with { services in
            try await services.withProxy { proxy, proxyURL in
                let c = try await services.newConnection(
                    syncConfig: { Services.s3Config(bucket: $0, endpoint: proxyURL, format: .parquet, encryption: sse.encryption,
                                                    kmsKeyID: sse.kmsKeyID, tableFormat: "delta") },
                    seed: { try await services.seedUsage(tenant: $0, rows: 11, from: T.first, every: T.day) })
                let reports = try await services.proxiedEngine().backfill(
                    connectionID: c.id, entities: nil, from: T.first, to: T.first + 11 * T.day, now: T.first + 20 * T.day,
                    graceSeconds: 0, force: false, dryRun: false)
                #expect(reports.count == 11 && reports.filter(\.failed).isEmpty, "\(reports)")

                let keys = try await services.s3(bucket: c.bucket).listObjects()
                let log = T.logPrefix
                #expect(Set(keys.filter { $0.hasPrefix(log) }) == Set((0...10).map { log + DeltaLogPath.commitName($0) }
                    + [log + DeltaLogPath.checkpointName(10), log + DeltaLogPath.lastCheckpointName]), "\(keys)")
                for key in keys {
                    let headers = try await services.headObject(bucket: c.bucket, key: key)
                    #expect(headers["x-amz-server-side-encryption"] == sse.encryption, "\(key): \(headers)")
                    #expect(headers["x-amz-server-side-encryption-aws-kms-key-id"] == sse.kmsKeyID, "\(key): \(headers)")
                }
                let puts = proxy.exchanges.filter { $0.operation == "PutObject" && $0.target.contains("/_delta_log/") }
                #expect(puts.count == 13, "11 commits, the checkpoint, _last_checkpoint: \(proxy.requests)")
                for exchange in puts {
                    #expect(exchange.header("x-amz-server-side-encryption") == sse.encryption, "\(exchange.target)")
                    #expect(exchange.header("x-amz-server-side-encryption-aws-kms-key-id") == sse.kmsKeyID, "\(exchange.target)")
                }
            }
        }
    }
}
