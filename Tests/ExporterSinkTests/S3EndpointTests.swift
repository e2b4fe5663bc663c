import ExporterSink
import Testing

/// S3 addressing (DESIGN §2): path-style on custom endpoints unless virtual_host_style;
/// virtual-hosted on AWS unless the bucket name has dots.
struct S3EndpointTests {
    @Test func customEndpointUsesPathStyle() throws {
        let e = try S3Endpoint(bucket: "exports", region: "us-east-1", endpointURL: "http://127.0.0.1:9000", virtualHostStyle: false)
        #expect(e.host == "127.0.0.1:9000")
        #expect(e.objectURL(key: "a/b c/ü.csv") == "http://127.0.0.1:9000/exports/a/b%20c/%C3%BC.csv")
        #expect(e.path(forKey: nil) == "/exports")
    }

    @Test func customEndpointWithVirtualHostStyle() throws {
        let e = try S3Endpoint(bucket: "exports", region: "auto", endpointURL: "https://minio.example.com", virtualHostStyle: true)
        #expect(e.host == "exports.minio.example.com")
        #expect(e.objectURL(key: "k.csv") == "https://exports.minio.example.com/k.csv")
        #expect(e.path(forKey: nil) == "/")
    }

    @Test func awsUsesVirtualHostedStyle() throws {
        let e = try S3Endpoint(bucket: "acme-exports", region: "us-west-2", endpointURL: nil, virtualHostStyle: false)
        #expect(e.objectURL(key: "x/y.csv.gz") == "https://acme-exports.s3.us-west-2.amazonaws.com/x/y.csv.gz")
    }

    @Test func awsBucketsWithDotsUsePathStyle() throws {
        let e = try S3Endpoint(bucket: "acme.exports", region: "eu-west-1", endpointURL: nil, virtualHostStyle: false)
        #expect(e.objectURL(key: "k") == "https://s3.eu-west-1.amazonaws.com/acme.exports/k")
    }

    @Test func endpointPathPrefixIsKept() throws {
        let e = try S3Endpoint(bucket: "b", region: "r", endpointURL: "http://gw.local:8080/s3/", virtualHostStyle: false)
        #expect(e.objectURL(key: "k") == "http://gw.local:8080/s3/b/k")
    }
}
