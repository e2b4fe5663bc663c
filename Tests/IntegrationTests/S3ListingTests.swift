import ExporterSink
import Foundation
import NIOCore
import SigV4
import Testing

/// ListObjectsV2 as the stale-object cleanup uses it: every page, only the prefix's keys.
@Suite(TestServices.needsServices())
struct S3ListingTests {
    @Test func listingFollowsContinuationTokensAndKeepsToThePrefix() async throws {
        try await TestServices.with { services in
            let bucket = uniqueName("bucket")
            try await services.createBucket(bucket)
            let s3 = try services.s3(bucket: bucket)
            let keys = (1...7).map { "w/a_\($0).csv" } + ["w/b.csv", "x/a_1.csv"]
            for key in keys {
                _ = try await s3.putObject(key: key, body: ByteBuffer(string: key), headers: [])
            }
            // Through the proxy, to see the pages: 7 keys at 2 a page are 4 requests, 3 of them
            // following a continuation token.
            try await services.withProxy { proxy, proxyURL in
                let paged = S3Client(
                    endpoint: try S3Endpoint(bucket: bucket, region: "us-east-1", endpointURL: proxyURL, virtualHostStyle: false),
                    credentials: AWSCredentials(accessKeyID: TestServices.accessKey, secretAccessKey: TestServices.secretKey),
                    http: services.http, logger: TestServices.logger, maxAttempts: 1)
                #expect(try await paged.listObjects(prefix: "w/a_", pageSize: 2).sorted() == (1...7).map { "w/a_\($0).csv" })
                let listings = proxy.exchanges.filter { $0.operation == "ListObjectsV2" }
                #expect(listings.count == 4, "\(proxy.requests)")
                #expect(listings.filter { $0.target.contains("continuation-token=") }.count == 3, "\(proxy.requests)")
            }
            #expect(try await s3.listObjects(pageSize: 3).sorted() == keys.sorted())
            let sink = S3ObjectSink(client: s3)
            #expect(try await sink.list(prefix: "w/").count == 8)
            #expect(try await sink.list(prefix: "nothing/").isEmpty)
        }
    }
}
