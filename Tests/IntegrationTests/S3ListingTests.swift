import ExporterSink
import Foundation
import NIOCore
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
            #expect(try await s3.listObjects(prefix: "w/a_", pageSize: 2).sorted() == (1...7).map { "w/a_\($0).csv" })
            #expect(try await s3.listObjects(pageSize: 3).sorted() == keys.sorted())
            let sink = S3ObjectSink(client: s3)
            #expect(try await sink.list(prefix: "w/").count == 8)
            #expect(try await sink.list(prefix: "nothing/").isEmpty)
        }
    }
}
