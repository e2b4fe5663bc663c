import AsyncHTTPClient
import ExporterCore
import ExporterEngine
import ExporterSink
import Foundation
import NIOCore
import SigV4
import Testing

/// Every S3 request the exporter sends, checked by the test's own SigV4 verifier in the proxy
/// (moto runs without auth, so without this a wrong signature would pass every other test).
@Suite(TestServices.needsServices())
struct SignedRequestTests {
    /// Every operation the exporter uses, in one export and one failing export: the check for
    /// orphaned uploads (ListMultipartUploads with a prefix, so an encoded `/` in a query value),
    /// a multipart upload of several parts, the rollover's CopyObject and DeleteObject, a single
    /// PutObject, the manifest, an AbortMultipartUpload after a refused part; and the client's
    /// HeadBucket, ListObjectsV2 and GetObject.
    @Test func everyS3OperationTheExporterUsesIsSignedCorrectly() async throws {
        try await TestServices.with { services in
            try await services.withProxy { proxy, proxyURL in
                // ~7.5 MB of CSV, 6 MiB files, 5 MiB parts: _part-0001 is a two-part upload
                // copied to its numbered name, _part-0002 a single PutObject.
                let c = try await services.newConnection(
                    syncConfig: { Services.s3Config(bucket: $0, endpoint: proxyURL, maxFileSizeMB: 6) },
                    seed: { try await services.seedUsageRows(tenant: $0, count: 25_000) })
                let reports = try await services.proxiedEngine().exportWindow(ProxiedWindow.window, connectionID: c.id, entities: nil)
                #expect(reports.filter(\.failed).isEmpty, "\(reports)")
                let stem = ProxiedWindow.stem()
                let keys = try await services.s3(bucket: c.bucket).listObjects().sorted()
                #expect(keys == [stem + "_manifest.json", stem + "_part-0001.csv", stem + "_part-0002.csv"])
                let operations = proxy.exchanges.map(\.operation)
                #expect(operations.filter { $0 == "UploadPart" }.count == 2, "\(operations)")

                // The client's other calls, through the same proxy.
                let client = try S3Client(
                    endpoint: S3Endpoint(bucket: c.bucket, region: "us-east-1", endpointURL: proxyURL, virtualHostStyle: false),
                    credentials: AWSCredentials(accessKeyID: TestServices.accessKey, secretAccessKey: TestServices.secretKey),
                    http: services.http, logger: TestServices.logger, maxAttempts: 1)
                try await client.headBucket()
                #expect(try await client.listObjects(prefix: stem + "_part-").count == 2)
                let manifest = try await client.getObject(key: stem + "_manifest.json")
                let json = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: manifest.body).utf8)) as? [String: Any])
                #expect(json["row_count"] as? Int == 25_000)

                // A refused part: the upload is aborted. Same rows, another bucket.
                let failingBucket = uniqueName("bucket")
                try await services.createBucket(failingBucket)
                try await services.withProxy(faults: [4: .status(403, code: "AccessDenied")]) { refusing, refusingURL in
                    let failing = uniqueName("conn")
                    try await services.insertConnection(id: failing, tenant: c.tenant, environment: "",
                                                        syncConfig: Services.s3Config(bucket: failingBucket, endpoint: refusingURL))
                    let failed = try await services.proxiedEngine().exportWindow(ProxiedWindow.window, connectionID: failing, entities: nil)
                    #expect(failed.filter(\.failed).count == 1, "\(failed)")
                    // The window's old manifest is deleted first; after the refusal the upload is
                    // aborted, uploads still open under the window are looked for, and the window's
                    // objects are listed and deleted (complete or absent).
                    #expect(refusing.exchanges.map(\.operation) == [
                        "ListMultipartUploads", "DeleteObject", "CreateMultipartUpload", "UploadPart", "AbortMultipartUpload",
                        "ListMultipartUploads", "ListObjectsV2", "DeleteObject",
                    ])
                    expectAllSignaturesVerified(refusing, atLeast: 8)
                }
                #expect(try await services.s3(bucket: failingBucket).listMultipartUploads().isEmpty)

                let seen = Set(proxy.exchanges.map(\.operation))
                let expected: Set = [
                    "ListMultipartUploads", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "CopyObject",
                    "DeleteObject", "PutObject", "HeadBucket", "ListObjectsV2", "GetObject",
                ]
                #expect(expected.isSubset(of: seen), "missing: \(expected.subtracting(seen))")
                // The orphan check's prefix holds slashes: a query value with `%2F`, verified.
                #expect(proxy.exchanges.contains { $0.operation == "ListMultipartUploads" && $0.target.contains("prefix=exports%2Ftest%2F") },
                        "\(proxy.requests)")
                // Every request names the proxy as its Host, signed, and is forwarded with it.
                #expect(proxy.exchanges.allSatisfy { proxyURL.hasSuffix("//" + ($0.header("host") ?? "")) }, "\(proxyURL)")
                expectAllSignaturesVerified(proxy, atLeast: 12)
            }
        }
    }

    /// The negative control: a request signed with a wrong secret is caught, so "zero
    /// mismatches" above means something.
    @Test func aRequestSignedWithAWrongSecretIsAMismatch() async throws {
        try await TestServices.with { services in
            let bucket = uniqueName("bucket")
            try await services.createBucket(bucket)
            try await services.withProxy { proxy, proxyURL in
                let endpoint = try S3Endpoint(bucket: bucket, region: "us-east-1", endpointURL: proxyURL, virtualHostStyle: false)
                for secret in [TestServices.secretKey, TestServices.secretKey + "x"] {
                    let client = S3Client(endpoint: endpoint, credentials: AWSCredentials(accessKeyID: TestServices.accessKey, secretAccessKey: secret),
                                          http: services.http, logger: TestServices.logger, maxAttempts: 1)
                    // moto answers both: it checks no signature.
                    _ = try await client.putObject(key: "a/b c.txt", body: ByteBuffer(string: "x"), headers: [("content-type", "text/plain")])
                }
                #expect(proxy.exchanges.count == 2)
                #expect(proxy.verifiedCount == 1)
                #expect(proxy.signatureMismatches.count == 1, "\(proxy.signatureMismatches)")
                #expect(proxy.signatureMismatches.first?.contains("signature") == true, "\(proxy.signatureMismatches)")
            }
        }
    }

    /// A key prefix full of characters that need percent-encoding (space, non-ASCII, `+`, `=`,
    /// `%`, `&`, `;`, `:`, `@`, `$`, `,`, `(`, `)`, `!`, `~`) and a rollover, so CopyObject's
    /// x-amz-copy-source carries it too: the objects land under exactly that prefix, and every
    /// request's signature verifies.
    @Test func aKeyPrefixThatNeedsPercentEncodingWorksEndToEnd() async throws {
        let prefix = "exports/ünï cödé 東京/a+b=c%d&e;f:g@h$i,j(k)!l~m"
        try await TestServices.with { services in
            try await services.withProxy { proxy, proxyURL in
                // ~3 MB of CSV with a 1 MB limit: three or more part files.
                let c = try await services.newConnection(
                    syncConfig: { Services.s3Config(bucket: $0, endpoint: proxyURL, compression: .gzip, keyPrefix: prefix, maxFileSizeMB: 1) },
                    seed: { try await services.seedUsageRows(tenant: $0, count: 10_000) })
                let reports = try await services.proxiedEngine().exportWindow(ProxiedWindow.window, connectionID: c.id, entities: nil)
                #expect(reports.filter(\.failed).isEmpty, "\(reports)")

                let stem = ProxiedWindow.stem(prefix: prefix)
                let keys = try await services.s3(bucket: c.bucket).listObjects().sorted()
                let parts = keys.filter { $0 != stem + "_manifest.json" }
                #expect(keys.contains(stem + "_manifest.json"), "\(keys)")
                #expect(parts.count >= 3, "\(keys)")
                #expect(parts == (1...parts.count).map { stem + "_part-" + String(format: "%04d", $0) + ".csv.gz" }, "\(keys)")
                // Under the prefix, found by prefix too (a query value needing encoding).
                #expect(try await services.s3(bucket: c.bucket).listObjects(prefix: prefix + "/").sorted() == keys)

                let manifest = try await services.fetch(bucket: c.bucket, key: stem + "_manifest.json", gzip: false)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(manifest.text.utf8)) as? [String: Any])
                let objects = try #require(json["objects"] as? [[String: Any]])
                #expect(objects.compactMap { $0["key"] as? String } == parts)
                var rows = 0
                for key in parts {
                    let object = try await services.fetch(bucket: c.bucket, key: key, gzip: true)
                    rows += try parse(object.text, format: .csv, columns: EntityType.featureUsage.columns).count
                }
                #expect(rows == 10_000)
                let run = try #require(try await services.runs(connection: c.id).first)
                #expect(run.objectURL == proxyURL + "/\(c.bucket)/" + URIEncoding.encode(stem + "_part-0001.csv.gz", encodeSlash: false))

                #expect(proxy.exchanges.contains { $0.operation == "CopyObject" })
                expectAllSignaturesVerified(proxy, atLeast: parts.count + 4)
            }
        }
    }
}
